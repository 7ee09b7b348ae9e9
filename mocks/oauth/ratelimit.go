package oauth

import (
	"math"
	"sync"
	"time"
)

// RateLimit emulates a vendor's rate limit with one token bucket per key (a client id). The zero value
// (Rate 0) lets everything through.
type RateLimit struct {
	// Rate is the number of requests per second refilled; 0 turns the limit off.
	Rate float64
	// Burst is the bucket size (default: Rate rounded up, at least 1).
	Burst int
	// Now is the clock (tests move it). Default time.Now.
	Now func() time.Time
}

// Limiter applies a RateLimit. It is safe for concurrent use.
type Limiter struct {
	cfg     RateLimit
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter returns a limiter for cfg.
func NewLimiter(cfg RateLimit) *Limiter {
	if cfg.Burst <= 0 {
		cfg.Burst = max(1, int(math.Ceil(cfg.Rate)))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Limiter{cfg: cfg, buckets: map[string]*bucket{}}
}

// Enabled reports whether the limit is on.
func (l *Limiter) Enabled() bool { return l != nil && l.cfg.Rate > 0 }

// Allow takes one request for key. When the bucket is empty it returns false and how long until the
// next request would be allowed (for Retry-After, rounded up to whole seconds by the caller).
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if !l.Enabled() {
		return true, 0
	}
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.cfg.Burst), last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(float64(l.cfg.Burst), b.tokens+now.Sub(b.last).Seconds()*l.cfg.Rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.cfg.Rate * float64(time.Second))
	return false, wait
}

// RetryAfterSeconds rounds a wait up to whole seconds, at least 1, for a Retry-After header.
func RetryAfterSeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}

// Reset empties every bucket.
func (l *Limiter) Reset() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buckets = map[string]*bucket{}
}
