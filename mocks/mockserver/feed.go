package mockserver

import (
	"slices"
	"sync"
	"sync/atomic"
)

// DefaultFeedBuffer is how many entries a subscriber of a Feed may lag behind before it loses some.
const DefaultFeedBuffer = 512

// Feed hands journal entries, as they are recorded, to subscribers (the dashboard's live list, GET
// /__admin/requests/stream). Publishing never blocks the request that is recorded: each subscriber has
// a bounded buffer, and a subscriber that lags loses the entries that do not fit, and counts them
// (Subscription.Dropped). One feed may serve many journals (the default server's and every session's).
// A feed without subscribers costs one atomic load per entry. The zero value is not usable: NewFeed.
type Feed struct {
	mu   sync.Mutex // serialises Subscribe, Close and unsubscribe; publish reads subs without it
	subs atomic.Pointer[[]*Subscription]
	done chan struct{}
	once sync.Once
}

// Subscription is one subscriber of a Feed.
type Subscription struct {
	feed    *Feed
	entries chan Entry
	dropped atomic.Uint64
}

// NewFeed returns a feed without subscribers.
func NewFeed() *Feed {
	return &Feed{done: make(chan struct{})}
}

// Subscribe adds a subscriber that may lag buffer entries behind (zero: DefaultFeedBuffer). Close it
// when done.
func (f *Feed) Subscribe(buffer int) *Subscription {
	if buffer <= 0 {
		buffer = DefaultFeedBuffer
	}
	s := &Subscription{feed: f, entries: make(chan Entry, buffer)}
	f.mu.Lock()
	defer f.mu.Unlock()
	var next []*Subscription
	if cur := f.subs.Load(); cur != nil {
		next = slices.Clone(*cur)
	}
	next = append(next, s)
	f.subs.Store(&next)
	return s
}

// Subscribers is how many subscriptions are open.
func (f *Feed) Subscribers() int {
	if cur := f.subs.Load(); cur != nil {
		return len(*cur)
	}
	return 0
}

// Done is closed when the feed is closed (the server shuts down): streams end then.
func (f *Feed) Done() <-chan struct{} { return f.done }

// Close ends the feed: Done is closed and every stream that reads it ends. Entries published
// afterwards still reach open subscriptions.
func (f *Feed) Close() { f.once.Do(func() { close(f.done) }) }

// publish offers e to every subscriber without waiting: a full buffer counts a drop.
func (f *Feed) publish(e Entry) {
	if f == nil {
		return
	}
	cur := f.subs.Load()
	if cur == nil {
		return
	}
	for _, s := range *cur {
		select {
		case s.entries <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

// Entries are the entries published since the subscription began, oldest first.
func (s *Subscription) Entries() <-chan Entry { return s.entries }

// Dropped is how many entries the subscriber lost because its buffer was full.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close removes the subscriber; its channel is never closed (a publisher may hold it still), only
// no longer fed.
func (s *Subscription) Close() {
	f := s.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	cur := f.subs.Load()
	if cur == nil {
		return
	}
	next := slices.DeleteFunc(slices.Clone(*cur), func(o *Subscription) bool { return o == s })
	if len(next) == 0 {
		f.subs.Store(nil)
		return
	}
	f.subs.Store(&next)
}
