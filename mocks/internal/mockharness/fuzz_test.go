package mockharness_test

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
)

// recordingT stands in for *testing.T: Fatalf and Skip end the goroutine, as the real ones do.
type recordingT struct {
	failed, skipped bool
	msg             string
}

func (r *recordingT) Helper()     {}
func (r *recordingT) Skip(...any) { r.skipped = true; runtime.Goexit() }
func (r *recordingT) Fatalf(format string, a ...any) {
	r.failed = true
	r.msg = fmt.Sprintf(format, a...)
	runtime.Goexit()
}

func serveOnce(f *mockharness.Fuzzer, h http.Handler, method, target string) *recordingT {
	rt := &recordingT{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Serve(rt, h, method, target, "", map[string]string{"Content-Type": ""})
	}()
	<-done
	return rt
}

func TestFuzzerFailsOnServerErrorsAndViolations(t *testing.T) {
	var f mockharness.Fuzzer
	report := f.Options().OnResponseViolation
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/boom":
			w.WriteHeader(http.StatusInternalServerError)
		case "/offspec":
			report("api", "op", errors.New("kredLim: value must be an integer"))
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	if rt := serveOnce(&f, h, "GET", "/fine"); rt.failed || rt.skipped {
		t.Fatalf("a 404 failed the input: %+v", rt)
	}
	if rt := serveOnce(&f, h, "GET", "/boom"); !rt.failed {
		t.Fatal("a 500 did not fail the input")
	}
	if rt := serveOnce(&f, h, "GET", "/offspec"); !rt.failed || rt.msg == "" {
		t.Fatal("an off-spec answer did not fail the input")
	}
	if rt := serveOnce(&f, h, "GET", "/fine"); rt.failed {
		t.Fatalf("a violation leaked into the next input: %s", rt.msg)
	}
	for _, in := range [][2]string{{"BREW", "/x"}, {"GET", "x"}} {
		if rt := serveOnce(&f, h, in[0], in[1]); !rt.skipped {
			t.Errorf("%v was not skipped", in)
		}
	}
}
