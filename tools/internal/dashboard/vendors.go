package dashboard

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
)

// Vendor is one vendor as the Vendors view shows it.
type Vendor struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	// Mounts are the vendor's prefixes and the production base URL each stands for.
	Mounts []Mount `json:"mounts"`
	// Credentials describe what the mock accepts, as serve's start table prints them.
	Credentials string `json:"credentials"`
	// Secrets are the values in Credentials and Example that the endpoint masks unless asked to
	// reveal them (zero: nothing masked).
	Secrets []string `json:"-"`
	// Example is one request the mock answers, shown as curl (zero: none).
	Example *mockkit.Example `json:"-"`
}

// Mount is one prefix of a vendor.
type Mount struct {
	Prefix     string `json:"prefix"`
	Production string `json:"production"`
}

// Curl is the example as a curl command line against base, each argument quoted for a POSIX shell.
func Curl(e mockkit.Example, base string) string {
	args := []string{"curl", "-sS"}
	if m := e.HTTPMethod(); m != http.MethodGet && !(m == http.MethodPost && len(e.Form) > 0) {
		args = append(args, "-X", m)
	}
	if e.User != "" {
		args = append(args, "-u", shellQuote(e.User+":"+e.Password))
	}
	for _, k := range slices.Sorted(maps.Keys(e.Header)) {
		args = append(args, "-H", shellQuote(k+": "+e.Header[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(e.Form)) {
		for _, v := range e.Form[k] {
			args = append(args, "-d", shellQuote(k+"="+url.QueryEscape(v)))
		}
	}
	return strings.Join(append(args, shellQuote(base+e.Path)), " ")
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe characters.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@+%,", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// masked stands for a secret the endpoint does not reveal.
const masked = "••••••"

// vendorView is a vendor as GET /__admin/vendors answers it.
type vendorView struct {
	Vendor
	Mounts   []mountView  `json:"mounts"`
	Example  *exampleView `json:"example,omitempty"`
	Revealed bool         `json:"revealed"`
}

type mountView struct {
	Mount
	BaseURL string `json:"baseUrl"`
}

type exampleView struct {
	Title string `json:"title"`
	Curl  string `json:"curl"`
}

// serveVendors answers GET /__admin/vendors[?reveal=true]: base URLs from the request's Host, and the
// credentials and example curls with their secrets masked unless reveal is true.
func serveVendors(w http.ResponseWriter, r *http.Request, vendors []Vendor) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "GET /__admin/vendors[?reveal=true] lists the vendors")
		return
	}
	reveal := false
	if v := r.URL.Query().Get("reveal"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "reveal must be true or false")
			return
		}
		reveal = b
	}
	base := "http://" + r.Host
	out := make([]vendorView, 0, len(vendors))
	for _, v := range vendors {
		out = append(out, view(v, base, reveal))
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"vendors": out})
}

func view(v Vendor, base string, reveal bool) vendorView {
	hide := func(s string) string {
		if reveal {
			return s
		}
		for _, secret := range v.Secrets {
			if secret != "" {
				s = strings.ReplaceAll(s, secret, masked)
				s = strings.ReplaceAll(s, url.QueryEscape(secret), masked)
			}
		}
		return s
	}
	vv := vendorView{Vendor: v, Revealed: reveal}
	vv.Credentials = hide(v.Credentials)
	for _, m := range v.Mounts {
		vv.Mounts = append(vv.Mounts, mountView{Mount: m, BaseURL: base + m.Prefix})
	}
	if v.Example != nil {
		vv.Example = &exampleView{Title: v.Example.Title, Curl: hide(Curl(*v.Example, base))}
	}
	return vv
}

type apiError struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
