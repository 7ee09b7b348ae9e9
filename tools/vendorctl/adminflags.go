package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
)

// adminTokenEnv is the environment variable that sets --admin-token (the image for CI service
// containers takes its token from it).
const adminTokenEnv = "VENDORCTL_ADMIN_TOKEN"

// adminTokenFlag registers --admin-token on fs, set from adminTokenEnv. The environment's value is
// never the flag's default, so that -h does not print the token.
func adminTokenFlag(fs *flag.FlagSet, what string) *string {
	token := fs.String("admin-token", "", "token required by "+what+" (env "+adminTokenEnv+"); required when --addr is not a loopback address")
	*token = os.Getenv(adminTokenEnv)
	return token
}

// publicHosts is the --public-host flag of serve and proxy: host names the admin API answers besides
// loopback ones. It may be given more than once, each a comma-separated list.
type publicHosts []string

func (h *publicHosts) String() string { return strings.Join(*h, ",") }

func (h *publicHosts) Set(v string) error {
	for _, host := range strings.Split(v, ",") {
		host = strings.TrimSpace(host)
		if err := checkPublicHost(host); err != nil {
			return err
		}
		*h = append(*h, host)
	}
	return nil
}

// checkPublicHost accepts a host name, an IP address or "*", without scheme, port or path.
func checkPublicHost(host string) error {
	if host == "" {
		return errors.New("empty host name")
	}
	if strings.ContainsAny(host, "/@ \t") {
		return fmt.Errorf("%q: give a host name or IP address, without scheme or path", host)
	}
	if _, _, err := net.SplitHostPort(host); err == nil {
		return fmt.Errorf("%q: give the host without a port (any port is accepted)", host)
	}
	return nil
}

// publicHostFlag registers --public-host on fs.
func publicHostFlag(fs *flag.FlagSet) *publicHosts {
	hosts := &publicHosts{}
	fs.Var(hosts, "public-host", "a host name the admin API answers besides localhost, 127.0.0.1 and [::1], as the Host header names it (DNS-rebinding guard); repeat or comma-separate for more, * for any (then set --admin-token)")
	return hosts
}
