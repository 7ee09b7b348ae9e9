// Package clientkit holds the small HTTP decorators that every vendor client is built from: a header
// injector for static credentials, retries with backoff that honour Retry-After, and the validation of
// every live response against the vendor's spec. Each wraps a Doer, the interface the generated
// clients call (HttpRequestDoer).
package clientkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vendorctl/vendorctl/specs"
)

// DefaultTimeout is the whole-request timeout of a client built without an *http.Client of its own.
const DefaultTimeout = 30 * time.Second

// Doer sends a request; *http.Client is one, and so is every decorator here.
type Doer interface {
	Do(req *http.Request) (*http.Response, error)
}

// DoerFunc adapts a function to Doer.
type DoerFunc func(req *http.Request) (*http.Response, error)

// Do calls f.
func (f DoerFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }

// WithHeader sets a header on every request (an API key, for example). The request is cloned, never
// modified in place.
func WithHeader(next Doer, name, value string) Doer {
	return DoerFunc(func(req *http.Request) (*http.Response, error) {
		r := req.Clone(req.Context())
		r.Header.Set(name, value)
		return next.Do(r)
	})
}

// WithBasicAuth sets HTTP Basic credentials on every request.
func WithBasicAuth(next Doer, user, password string) Doer {
	return DoerFunc(func(req *http.Request) (*http.Response, error) {
		r := req.Clone(req.Context())
		r.SetBasicAuth(user, password)
		return next.Do(r)
	})
}

// RetryPolicy says when and how often a request is tried again.
type RetryPolicy struct {
	// MaxAttempts counts the first try (default 3).
	MaxAttempts int
	// BaseDelay is the first backoff (default 200ms); it doubles each try, with jitter, up to MaxDelay.
	BaseDelay time.Duration
	// MaxDelay caps one wait, Retry-After included (default 10s).
	MaxDelay time.Duration
	// Sleep waits; tests replace it. Default: a timer that stops when the context is done.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Idempotent reports whether a request may be sent twice: GET, HEAD, OPTIONS, PUT and DELETE.
func Idempotent(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// WithRetry retries idempotent requests answered 429 or 5xx (or failing with a transport error), waiting
// for Retry-After when the server sends it, else for an exponential backoff with jitter. A 429 to a
// non-idempotent request is retried too, since the server refused it before doing anything.
func WithRetry(next Doer, p RetryPolicy) Doer {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 3
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 10 * time.Second
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	return DoerFunc(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil && req.Body != http.NoBody {
			var err error
			if body, err = io.ReadAll(req.Body); err != nil {
				return nil, fmt.Errorf("read request body: %w", err)
			}
			_ = req.Body.Close()
		}
		for attempt := 1; ; attempt++ {
			r := req.Clone(req.Context())
			if body != nil {
				r.Body = io.NopCloser(bytes.NewReader(body))
				r.ContentLength = int64(len(body))
			}
			resp, err := next.Do(r)
			retry, wait := shouldRetry(req, resp, err)
			if !retry || attempt >= p.MaxAttempts {
				return resp, err
			}
			if wait <= 0 {
				wait = backoff(p.BaseDelay, attempt)
			}
			wait = min(wait, p.MaxDelay)
			if resp != nil {
				_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
				_ = resp.Body.Close()
			}
			if err := p.Sleep(req.Context(), wait); err != nil {
				return nil, err
			}
		}
	})
}

func shouldRetry(req *http.Request, resp *http.Response, err error) (bool, time.Duration) {
	if err != nil {
		if req.Context().Err() != nil {
			return false, 0
		}
		return Idempotent(req), 0
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return true, RetryAfter(resp.Header)
	case resp.StatusCode >= 500 && Idempotent(req):
		return true, RetryAfter(resp.Header)
	}
	return false, 0
}

// RetryAfter reads a Retry-After header given in seconds or as an HTTP date; 0 when absent or invalid.
func RetryAfter(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func backoff(base time.Duration, attempt int) time.Duration {
	d := base << (attempt - 1)
	return d/2 + rand.N(d/2+1)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ContractError is returned by a client built WithValidation when a live response does not conform to
// the vendor's spec. The response is closed.
type ContractError struct {
	API       string
	Operation string
	Status    int
	Err       error // a *specs.ValidationError
}

func (e *ContractError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %v", e.API, e.Operation, e.Status, e.Err)
}

func (e *ContractError) Unwrap() error { return e.Err }

// ErrNoOperation is returned by WithValidation for a request that no operation of the spec describes.
var ErrNoOperation = errors.New("request matches no operation of the spec")

// WithValidation validates every response against spec. baseURL is the base the client was built with;
// its path is stripped to find the operation. A non-conforming response becomes a *ContractError; a
// conforming one is returned with its body intact.
func WithValidation(next Doer, spec *specs.Spec, baseURL string) Doer {
	basePath := strings.TrimSuffix(pathOf(baseURL), "/")
	return DoerFunc(func(req *http.Request) (*http.Response, error) {
		rel := *req
		u := *req.URL
		u.Path = strings.TrimPrefix(u.Path, basePath)
		u.RawPath = ""
		rel.URL = &u
		route, err := spec.FindRouteRequest(&rel)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNoOperation, err)
		}
		resp, err := next.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read response body: %w", err)
		}
		verr := spec.ValidateResponse(req.Context(), &rel, route, specs.Response{Status: resp.StatusCode, Header: resp.Header, Body: body})
		if verr != nil {
			return nil, &ContractError{API: spec.Name(), Operation: route.OperationID(), Status: resp.StatusCode, Err: verr}
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, nil
	})
}

func pathOf(rawURL string) string {
	i := strings.Index(rawURL, "://")
	if i < 0 {
		return rawURL
	}
	rest := rawURL[i+3:]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		return rest[j:]
	}
	return ""
}
