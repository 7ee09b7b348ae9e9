// Package deploy holds the files that run vendorctl beyond one process: haproxy.cfg, which shards
// sessions over several `vendorctl serve` replicas, and the Containerfile of the image for CI service
// containers. Its tests start them: three replicas behind HAProxy on loopback, and the binary taken
// out of the built image.
//
// Scope: the configuration and the image, and tests that show their behaviour over HTTP.
//
// Non-goals: Go code for a load balancer of our own, orchestration (compose files, charts), running
// the container itself (the machines here cannot run one; the test runs the image's binary).
package deploy
