package mockkit

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vendorctl/vendorctl/specs"
)

// recorder copies what is written through it; when held, it keeps the answer back instead, so that a
// fault can rewrite it before it is sent.
type recorder struct {
	http.ResponseWriter
	body   bytes.Buffer
	hold   bool
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	if !r.hold {
		r.ResponseWriter.WriteHeader(code)
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(p)
	if r.hold {
		return len(p), nil
	}
	return r.ResponseWriter.Write(p)
}

func (r *recorder) Flush() {
	if r.hold {
		return
	}
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe sees every exchange whole: it sends a held (drifted or truncated) answer, checks the answer
// against the spec, and records the exchange in the journal.
func (a *api) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		res := c.Response()
		rec := &recorder{ResponseWriter: res.Writer}
		res.Writer = rec
		c.Set(recorderKey, rec)
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
		rule, _ := c.Get(faultKey).(*Rule)
		if rec.hold {
			a.sendHeld(c, rec, rule)
		}
		var respViolations []specs.Violation
		if route := RouteOf(c); route != nil && !a.cfg.NoValidation && rec.status != 0 {
			err := a.cfg.Spec.ValidateResponse(c.Request().Context(), c.Request(), route, specs.Response{
				Status: rec.status, Header: res.Header(), Body: rec.body.Bytes(),
			})
			if err != nil {
				respViolations = specs.Violations(err)
				if rule == nil { // a fault answers off-spec on purpose
					a.log.Warn("response violates the spec", "operation", route.OperationID(), "status", rec.status, "violations", err.Error())
					if a.cfg.OnResponseViolation != nil {
						a.cfg.OnResponseViolation(a.cfg.Name, route.OperationID(), err)
					}
				}
			}
		}
		a.record(c, start, rec, rec.status, respViolations)
		return nil
	}
}

// sendHeld writes a held answer, drifted or truncated as its rule says.
func (a *api) sendHeld(c echo.Context, rec *recorder, rule *Rule) {
	w := rec.ResponseWriter
	body := rec.body.Bytes()
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	if rule != nil && rule.Drift != "" {
		body = driftBody(rule.Drift, RouteOf(c), status, w.Header().Get("Content-Type"), body)
		rec.body.Reset()
		rec.body.Write(body)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if rule != nil && rule.Truncate {
		_, _ = w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	_, _ = w.Write(body)
}

func (a *api) record(c echo.Context, start time.Time, rec *recorder, status int, respViolations []specs.Violation) {
	j := a.cfg.Journal
	if j == nil {
		return
	}
	req := c.Request()
	e := Entry{
		Time:       start.UTC(),
		API:        a.cfg.Name,
		Method:     req.Method,
		Path:       requestPath(req),
		Query:      req.URL.Query(),
		Status:     status,
		DurationMS: float64(time.Since(start).Microseconds()) / 1000,
	}
	if route := RouteOf(c); route != nil {
		e.OperationID = route.OperationID()
	}
	if rule, ok := c.Get(faultKey).(*Rule); ok {
		e.Fault = rule.name()
	}
	if vs, ok := c.Get(requestViolationsKey).([]specs.Violation); ok {
		for _, v := range vs {
			e.Violations = append(e.Violations, JournalViolation{Kind: specs.KindRequest, Violation: v})
		}
	}
	for _, v := range respViolations {
		e.Violations = append(e.Violations, JournalViolation{Kind: specs.KindResponse, Violation: v})
	}
	body, _ := c.Get(bodyKey).([]byte)
	j.record(e, req.Header, body, rec.body.Bytes(), req.Header.Get("Content-Type"), c.Response().Header().Get("Content-Type"))
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
		if a.cfg.Faults == nil || route == nil {
			return next(c)
		}
		rule, delay := a.cfg.Faults.match(a.cfg.Name, route.OperationID())
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
		case rule.Truncate, rule.Drift != "":
			if rec, ok := c.Get(recorderKey).(*recorder); ok {
				rec.hold = true
			}
		}
		return next(c)
	}
}
