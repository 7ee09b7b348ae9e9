package mockkit

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// PlainConfig describes to Plain a mount that NewAPI does not build: a plain http.Handler without a
// spec, such as Mediaconnect's OAuth server ConnectID.
type PlainConfig struct {
	// Name is the API name the mount is journaled under and that fault rules give as "api" (required).
	// The vendor lists it as its Mount's API, so that the admin API accepts rules for it.
	Name string
	// Operations names the operations by path, as the handler sees it (prefix stripped), for the
	// journal's operationId and for rules that narrow to one operation (nil: no operation names).
	Operations map[string]string
	// Render writes the answer of a fault rule's status in the mount's own error shape (required).
	Render func(w http.ResponseWriter, r *http.Request, e *Error)
	// Options.Recorder is the server's journal and fault rules (nil: none).
	Options
}

// Plain wraps a plain handler so that the journal and fault rules see it as they see an API built by
// NewAPI: every exchange is journaled (secrets redacted, bodies capped; the body of a redirect, which
// repeats its Location, is not kept) and the first rule for the mount's name and the request's
// operation delays, answers with a status, drops the connection, truncates or drifts the answer.
// The handler's answer is held back and sent in one piece, as NewAPI's are.
func Plain(cfg PlainConfig, next http.Handler) (http.Handler, error) {
	if cfg.Name == "" || cfg.Render == nil || next == nil {
		return nil, errors.New("mockkit: Plain needs a Name, a Render function and a handler")
	}
	if faults := cfg.Recorder.Faults(); faults != nil && len(cfg.Operations) > 0 {
		ops := make([]string, 0, len(cfg.Operations))
		for _, op := range cfg.Operations {
			ops = append(ops, op)
		}
		faults.AddTarget(cfg.Name, ops)
	}
	return &plain{cfg: cfg, next: next}, nil
}

type plain struct {
	cfg  PlainConfig
	next http.Handler
}

func (p *plain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	op := p.cfg.Operations[r.URL.Path]
	rec := &recorder{ResponseWriter: w, body: new(bytes.Buffer)}
	reqBody := &bodyCopy{limit: DefaultMaxBodyBytes}
	if r.Body != nil && r.Body != http.NoBody {
		reqBody.ReadCloser = r.Body
		r.Body = reqBody
	}
	rule, delay := p.cfg.Recorder.Faults().Match(p.cfg.Name, op)
	defer func() {
		if v := recover(); v != nil { // a deliberate abort (reset, truncate): journal it, then let net/http close
			p.record(r, start, op, rule, 0, reqBody.buf.Bytes(), nil, "")
			panic(v)
		}
	}()
	if !wait(r, delay) {
		p.record(r, start, op, rule, 0, reqBody.buf.Bytes(), nil, "")
		return // the client has gone
	}
	p.answer(rec, r, rule)
	status := rec.statusOr200()
	if rule != nil && rule.Drift != "" {
		drifted := driftBody(rule.Drift, nil, status, rec.Header().Get("Content-Type"), rec.body.Bytes())
		rec.body.Reset()
		rec.body.Write(drifted)
	}
	if rule != nil && rule.Truncate {
		sendTruncated(rec) // panics
	}
	respBody := rec.body.Bytes()
	if status >= 300 && status < 400 {
		respBody = nil
	}
	p.record(r, start, op, rule, status, reqBody.buf.Bytes(), respBody, rec.Header().Get("Content-Type"))
	rec.send(r.Method == http.MethodHead)
}

// answer has the handler answer, or a refusal (WithRefusal) or the rule in the mount's shape, or drops
// the connection as the rule says.
func (p *plain) answer(rec *recorder, r *http.Request, rule *mockserver.Rule) {
	if e, ok := refusalOf(r); ok {
		p.render(rec, r, e)
		return
	}
	switch {
	case rule != nil && rule.Reset:
		panic(http.ErrAbortHandler)
	case rule != nil && rule.Status != 0:
		p.render(rec, r, faultStatus(rule))
	default:
		p.next.ServeHTTP(rec, r)
	}
}

// render writes e, its headers included, in the mount's shape.
func (p *plain) render(rec *recorder, r *http.Request, e *Error) {
	for k, vs := range e.Header {
		for _, v := range vs {
			rec.Header().Add(k, v)
		}
	}
	p.cfg.Render(rec, r, e)
}

// wait sleeps for a rule's latency; false means the client went away meanwhile.
func wait(r *http.Request, delay time.Duration) bool {
	if delay <= 0 {
		return true
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (p *plain) record(r *http.Request, start time.Time, op string, rule *mockserver.Rule, status int, reqBody, respBody []byte, respCT string) {
	j := p.cfg.Recorder.Journal()
	if j == nil {
		return
	}
	e := mockserver.Entry{
		Time:        start.UTC(),
		API:         p.cfg.Name,
		OperationID: op,
		Method:      r.Method,
		Path:        requestPath(r),
		Query:       r.URL.Query(),
		Status:      status,
		DurationMS:  float64(time.Since(start).Microseconds()) / 1000,
	}
	if rule != nil {
		e.Fault = rule.Name()
	}
	j.Record(e, r.Header, reqBody, respBody, r.Header.Get("Content-Type"), respCT)
}

// bodyCopy keeps a copy of the first limit bytes the handler reads of the request body, for the journal.
type bodyCopy struct {
	io.ReadCloser
	limit int
	buf   bytes.Buffer
}

func (b *bodyCopy) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if room := b.limit - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(n, room)])
	}
	return n, err
}
