// Package timewaveapi is generated from specs/timewave/openapi.yaml. Do not edit.
package timewaveapi

//go:generate go tool oapi-codegen -config types.cfg.yaml ../../specs/timewave/openapi.yaml
//go:generate go tool oapi-codegen -config server.cfg.yaml ../../specs/timewave/openapi.yaml
//go:generate go tool oapi-codegen -config client.cfg.yaml ../../specs/timewave/openapi.yaml
//go:generate go tool oapi-codegen -config fallback.cfg.yaml ../../specs/timewave/openapi.yaml
//go:generate go tool oapi-codegen -config requests.cfg.yaml ../../specs/timewave/openapi.yaml
