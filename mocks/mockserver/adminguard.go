package mockserver

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/vendorctl/vendorctl/mocks/oauth"
)

// Why an AdminGuard refused a request; an *AdminRefusal wraps one of them.
var (
	// ErrAdminHost: the Host header names neither a loopback host nor an allowed one (DNS rebinding).
	ErrAdminHost = errors.New("admin host not allowed")
	// ErrAdminCrossSite: a browser sent a state-changing request from another site or origin.
	ErrAdminCrossSite = errors.New("cross-site admin request")
	// ErrAdminToken: the admin token is missing or wrong.
	ErrAdminToken = errors.New("admin token missing or wrong")
	// ErrAdminContentType: a state-changing request has a body that is not application/json.
	ErrAdminContentType = errors.New("admin body is not application/json")
)

// AdminRefusal is a refused admin request: the status to answer, and a message saying what to do.
type AdminRefusal struct {
	Status  int
	Message string
	// Reason is one of the ErrAdmin... errors.
	Reason error
}

func (e *AdminRefusal) Error() string { return e.Message }
func (e *AdminRefusal) Unwrap() error { return e.Reason }

// AdminGuard keeps an admin API to the person who runs it, so that a web page they visit can neither
// change the mock (a cross-site POST) nor read it through a DNS name rebound to 127.0.0.1.
//
//   - Host must name a loopback host, with or without a port: localhost, a name under .localhost
//     (browsers resolve those to loopback themselves and never ask DNS, RFC 6761), 127.0.0.0/8 or ::1;
//     or one of AllowedHosts. Otherwise 403.
//   - A state-changing request (any method but GET, HEAD and OPTIONS) is refused with 403 when a
//     browser marks it Sec-Fetch-Site cross-site or same-site (a page on another port of localhost is
//     same-site, and is not trusted either), or when it has an Origin other than the server itself.
//     Tests, scripts and curl send neither header; a page served by the server itself is same-origin.
//   - Token, when set, is then required (401).
//   - A state-changing request with a body needs Content-Type application/json (415); no body is fine.
//
// The zero value allows loopback hosts only and needs no token.
type AdminGuard struct {
	// AllowedHosts are host names or IP addresses that Host may name besides loopback ones (serve
	// --public-host), matched without regard to case or port. "*" allows every host: for health checks
	// that call the server by an address known only at run time; use it with a Token. Zero: loopback only.
	AllowedHosts []string
	// Token is required as "Authorization: Bearer TOKEN" or "X-Admin-Token: TOKEN" by Protect. Zero: none.
	Token string
	// Refuse writes a refusal in the admin API's error shape. Zero: application/json {"error": message}.
	Refuse func(w http.ResponseWriter, status int, message string)
}

// Protect wraps an admin endpoint with every check of the guard.
func (g AdminGuard) Protect(h http.Handler) http.Handler {
	return g.wrap(h, g.Check)
}

// ProtectOpen wraps an endpoint that needs no token, such as health: only Host is checked.
func (g AdminGuard) ProtectOpen(h http.Handler) http.Handler {
	return g.wrap(h, g.CheckHost)
}

func (g AdminGuard) wrap(h http.Handler, check func(*http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := check(r); err != nil {
			g.refuse(w, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (g AdminGuard) refuse(w http.ResponseWriter, err error) {
	var ref *AdminRefusal
	if !errors.As(err, &ref) {
		ref = &AdminRefusal{Status: http.StatusForbidden, Message: err.Error(), Reason: err}
	}
	if errors.Is(ref.Reason, ErrAdminToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vendorctl admin"`)
	}
	if g.Refuse != nil {
		g.Refuse(w, ref.Status, ref.Message)
		return
	}
	writeJSON(w, ref.Status, adminError{Error: ref.Message})
}

// Check applies every check of the guard to r, in order: Host, cross-site, token, content type. It
// returns nil or an *AdminRefusal.
func (g AdminGuard) Check(r *http.Request) error {
	if err := g.CheckHost(r); err != nil {
		return err
	}
	changes := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
	if changes {
		if err := checkSameOrigin(r); err != nil {
			return err
		}
	}
	if err := g.checkToken(r); err != nil {
		return err
	}
	if changes {
		return checkJSONBody(r)
	}
	return nil
}

// CheckHost refuses a request whose Host is neither loopback nor allowed.
func (g AdminGuard) CheckHost(r *http.Request) error {
	host := normalHost(r.Host)
	if host != "" && (IsLoopbackHost(host) || g.allowed(host)) {
		return nil
	}
	return &AdminRefusal{Status: http.StatusForbidden, Reason: ErrAdminHost, Message: fmt.Sprintf(
		"the admin API answers only requests for localhost, 127.0.0.1 or [::1], not Host %q: call it by one of those, or start vendorctl with --public-host %s",
		r.Host, orPlaceholder(host))}
}

func (g AdminGuard) allowed(host string) bool {
	for _, a := range g.AllowedHosts {
		if a == "*" || normalHost(a) == host {
			return true
		}
	}
	return false
}

// IsLoopbackHost reports whether host (a name or an IP address, without a port) is localhost, a name
// under .localhost, or an address in 127.0.0.0/8 or ::1.
func IsLoopbackHost(host string) bool {
	host = normalHost(host)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// normalHost lower-cases a Host value and drops its port, IPv6 brackets and a trailing dot.
func normalHost(hostport string) string {
	host := strings.ToLower(strings.TrimSpace(hostport))
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.TrimSuffix(host, ".")
}

func orPlaceholder(host string) string {
	if host == "" {
		return "HOST"
	}
	return host
}

// checkSameOrigin refuses a state-changing request that a browser sent from another site or origin.
func checkSameOrigin(r *http.Request) error {
	const todo = "send state-changing admin requests from a test, a script or curl, not from a web page"
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "cross-site", "same-site":
		return &AdminRefusal{Status: http.StatusForbidden, Reason: ErrAdminCrossSite,
			Message: "the admin API refuses a request a browser sent from another site (Sec-Fetch-Site: " + site + "): " + todo}
	}
	origin := r.Header.Get("Origin")
	if origin == "" || sameOrigin(origin, r.Host) {
		return nil
	}
	return &AdminRefusal{Status: http.StatusForbidden, Reason: ErrAdminCrossSite,
		Message: fmt.Sprintf("the admin API refuses a request from Origin %q, which is not this server: %s", origin, todo)}
}

// sameOrigin reports whether an Origin header names the host (and port) the request was sent to.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false // "null", opaque or malformed origins
	}
	defaultPort := map[string]string{"http": "80", "https": "443"}[u.Scheme]
	return withPort(u.Host, defaultPort) == withPort(host, defaultPort)
}

func withPort(hostport, defaultPort string) string {
	hostport = strings.ToLower(hostport)
	if _, _, err := net.SplitHostPort(hostport); err == nil {
		return hostport
	}
	return net.JoinHostPort(strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]"), defaultPort)
}

func (g AdminGuard) checkToken(r *http.Request) error {
	if g.Token == "" {
		return nil
	}
	presented := r.Header.Get("X-Admin-Token")
	if tok, err := oauth.BearerToken(r.Header); err == nil {
		presented = tok
	}
	if oauth.SecretEqual(presented, g.Token) {
		return nil
	}
	return &AdminRefusal{Status: http.StatusUnauthorized, Reason: ErrAdminToken,
		Message: "the admin API needs the admin token (Authorization: Bearer TOKEN or X-Admin-Token)"}
}

// checkJSONBody refuses a body that is not declared application/json; a request without a body passes.
func checkJSONBody(r *http.Request) error {
	if r.ContentLength == 0 {
		return nil
	}
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/json" {
		return nil
	}
	if ct == "" {
		ct = "none"
	}
	return &AdminRefusal{Status: http.StatusUnsupportedMediaType, Reason: ErrAdminContentType,
		Message: fmt.Sprintf("an admin request with a body takes Content-Type: application/json (got %s)", ct)}
}
