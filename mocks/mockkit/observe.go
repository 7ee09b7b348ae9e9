package mockkit

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/specs"
)

// recorder keeps the answer back: observe checks and journals it, a fault may rewrite it, and then it
// is sent in one piece with its Content-Length (an answer larger than net/http's buffer would
// otherwise go out in chunks, one write each).
type recorder struct {
	http.ResponseWriter
	body   *bytes.Buffer
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// Flush does nothing: the answer is sent whole.
func (r *recorder) Flush() {}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe sees every exchange whole: it drifts a faulted answer, checks the answer against the spec,
// records the exchange in the journal and sends the answer (a truncated one before any of that).
func (a *api) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		res := c.Response()
		rec := &recorder{ResponseWriter: res.Writer}
		if buf, ok := a.bufs.Get().(*bytes.Buffer); ok {
			rec.body = buf
		} else {
			rec.body = new(bytes.Buffer)
		}
		res.Writer = rec
		defer func() {
			if p := recover(); p != nil { // a deliberate abort (reset, truncate): journal it, then let net/http close
				res.Writer = rec.ResponseWriter
				a.record(c, start, rec, 0, nil)
				panic(p)
			}
		}()
		if err := next(c); err != nil {
			c.Error(err)
		}
		res.Writer = rec.ResponseWriter
		rule, _ := c.Get(faultKey).(*mockserver.Rule)
		if rule != nil && rule.Truncate {
			sendTruncated(rec) // panics
		}
		if rule != nil && rule.Drift != "" {
			body := driftBody(rule.Drift, RouteOf(c), rec.statusOr200(), rec.Header().Get("Content-Type"), rec.body.Bytes())
			rec.body.Reset()
			rec.body.Write(body)
		}
		var respViolations []specs.Violation
		if route := RouteOf(c); route != nil && !a.cfg.NoValidation && rec.status != 0 {
			err := a.checkResponse(c, route, rule, rec)
			if err != nil {
				respViolations = specs.Violations(err)
				if !rule.ShapesAnswer() { // a status or drift rule answers off-spec on purpose
					a.log.Warn("response violates the spec", "operation", route.OperationID(), "status", rec.status, "violations", err.Error())
					if a.cfg.OnResponseViolation != nil {
						a.cfg.OnResponseViolation(a.cfg.Name, route.OperationID(), err)
					}
				}
			}
		}
		a.record(c, start, rec, rec.status, respViolations)
		rec.send(isHead(c))
		if rec.body.Cap() <= maxPooledBody { // nothing holds on to the bytes: the journal and the memo copy them
			rec.body.Reset()
			a.bufs.Put(rec.body)
		}
		return nil
	}
}

func (r *recorder) statusOr200() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// send writes the answer with its length, in one write; the answer to a HEAD keeps the length of its
// body and leaves the body out.
func (r *recorder) send(head bool) {
	w, status, body := r.ResponseWriter, r.statusOr200(), r.body.Bytes()
	if status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	if len(body) > 0 && !head {
		_, _ = w.Write(body)
	}
}

// sendTruncated sends the headers and half the body, then drops the connection.
func sendTruncated(r *recorder) {
	w, body := r.ResponseWriter, r.body.Bytes()
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(r.statusOr200())
	_, _ = w.Write(body[:len(body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}

// maxPooledBody is the largest response buffer kept for reuse.
const maxPooledBody = 256 << 10

// checkResponse checks an answer against the spec, unless the very same answer passed before (see
// responseMemo). A faulted answer is always checked and never remembered.
func (a *api) checkResponse(c echo.Context, route *specs.Route, rule *mockserver.Rule, rec *recorder) error {
	req, header, body := c.Request(), c.Response().Header(), rec.body.Bytes()
	memo := a.memo
	if rule != nil {
		memo = nil
	}
	var key uint64
	var records *specs.RecordMemo
	if memo != nil {
		records = memo.records
		key = memo.key(route.Operation(), req.Method, rec.status, header, body)
		if memo.seen(key, route.Operation(), req.Method, rec.status, header, body) {
			return nil
		}
	}
	err := a.cfg.Spec.ValidateResponse(req.Context(), req, route, specs.Response{Status: rec.status, Header: header, Body: body, Records: records})
	if err == nil && memo != nil {
		memo.add(key, route.Operation(), req.Method, rec.status, header, body)
	}
	return err
}

func (a *api) record(c echo.Context, start time.Time, rec *recorder, status int, respViolations []specs.Violation) {
	j := a.journal
	if j == nil {
		return
	}
	req := c.Request()
	e := mockserver.Entry{
		Time:       start.UTC(),
		API:        a.cfg.Name,
		Method:     req.Method,
		Path:       requestPath(req),
		Query:      req.URL.Query(),
		Status:     status,
		DurationMS: float64(time.Since(start).Microseconds()) / 1000,
	}
	if isHead(c) {
		e.Method = http.MethodHead
	}
	if route := RouteOf(c); route != nil {
		e.OperationID = route.OperationID()
	}
	if rule, ok := c.Get(faultKey).(*mockserver.Rule); ok {
		e.Fault = rule.Name()
	}
	if vs, ok := c.Get(requestViolationsKey).([]specs.Violation); ok {
		for _, v := range vs {
			e.Violations = append(e.Violations, mockserver.JournalViolation{Kind: specs.KindRequest, Violation: v})
		}
	}
	injected := false
	if rule, ok := c.Get(faultKey).(*mockserver.Rule); ok {
		injected = rule.ShapesAnswer()
	}
	for _, v := range respViolations {
		e.Violations = append(e.Violations, mockserver.JournalViolation{Kind: specs.KindResponse, Violation: v, Injected: injected})
	}
	body, _ := c.Get(bodyKey).([]byte)
	j.Record(e, req.Header, body, rec.body.Bytes(), req.Header.Get("Content-Type"), c.Response().Header().Get("Content-Type"))
}

// requestPath is the path as the client sent it, vendor prefix included.
func requestPath(req *http.Request) string {
	if req.RequestURI != "" {
		if p, _, _ := strings.Cut(req.RequestURI, "?"); p != "" {
			return p
		}
	}
	return req.URL.Path
}

// injectFaults applies the first fault rule that fires for the request's operation.
func (a *api) injectFaults(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route := RouteOf(c)
		if a.faults == nil || route == nil {
			return next(c)
		}
		rule, delay := a.faults.Match(a.cfg.Name, route.OperationID())
		if rule == nil {
			return next(c)
		}
		c.Set(faultKey, rule)
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-c.Request().Context().Done():
				t.Stop()
				return nil // the client has gone
			}
		}
		switch {
		case rule.Reset:
			panic(http.ErrAbortHandler)
		case rule.Status != 0:
			return faultStatus(rule)
		}
		// Truncate and drift rewrite the answer in observe.
		return next(c)
	}
}
