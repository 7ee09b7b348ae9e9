package mocktest

import (
	"net/http/httptest"
	"sync"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/sessions"
)

// shared is the process-wide server of Session, started on its first call and never stopped.
var shared struct {
	once sync.Once
	m    *sessions.Manager
	url  string
	err  error
}

func startShared() {
	def, err := all.New(all.Config{})
	if err != nil {
		shared.err = err
		return
	}
	srv, err := mockserver.NewServer(nil, def...)
	if err != nil {
		shared.err = err
		return
	}
	shared.m, shared.err = sessions.New(sessions.Config{Default: srv.Handler(), APIs: all.Names(),
		Build: func(api string, o mockkit.Options) (mockserver.Vendor, error) {
			return all.NewVendor(all.Config{Options: o}, api)
		}})
	if shared.err == nil {
		shared.url = httptest.NewServer(shared.m.Handler()).URL
	}
}

// Session gives the test a session of its own on one server shared by the whole test binary (started
// on first use, with the embedded fixtures and default credentials), and ends it in t.Cleanup. Its
// URL, BaseURL and Credentials point into the session; Reset, Requests and AddFault act on the
// session alone, so t.Parallel tests never see each other's writes, tokens, faults or journal. It
// costs a fraction of Start (the vendors of a session are built on their first request); use Start
// for other credentials or fixtures, or to fail the test on an answer off the spec.
func Session(t TB) *Server {
	t.Helper()
	shared.once.Do(startShared)
	if shared.err != nil {
		t.Fatalf("mocktest: shared server: %v", shared.err)
	}
	sess, err := shared.m.Create()
	if err != nil {
		t.Fatalf("mocktest: %v", err)
	}
	s := &Server{URL: shared.url + sessions.PathPrefix + sess.ID(), vendors: map[string]mockserver.Vendor{},
		journal: sess.Journal(), faults: sess.Faults(), end: func() { shared.m.Delete(sess.ID()) }}
	for _, v := range sess.Vendors() {
		s.vendors[v.Name()] = v
	}
	t.Cleanup(s.Close)
	return s
}
