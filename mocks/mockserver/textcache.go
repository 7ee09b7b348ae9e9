package mockserver

import (
	"bytes"
	"hash/maphash"
	"sync"
)

// Bounds of the journal's text cache.
const (
	textCacheSlots   = 64
	textCacheMaxBody = 64 << 10
)

// textCache remembers the journal text (redacted, capped) of recent bodies, so that a body recorded
// again byte for byte, such as an answer built from the same fixture, is neither scanned for secrets
// nor copied again: its entries share one string. It is exact (a hit compares the whole body and its
// content type) and bounded (a direct-mapped table of textCacheSlots bodies of at most
// textCacheMaxBody bytes). Safe for concurrent use.
type textCache struct {
	seed  maphash.Seed
	mu    sync.Mutex
	slots [textCacheSlots]textSlot
}

type textSlot struct {
	hash uint64
	ct   string
	raw  []byte
	text string
	cut  bool
}

func newTextCache() *textCache { return &textCache{seed: maphash.MakeSeed()} }

// text is redactBody(body, contentType, limit), from the cache when the same body was recorded before.
func (c *textCache) text(body []byte, contentType string, limit int) (string, bool) {
	if c == nil || len(body) == 0 || len(body) > textCacheMaxBody {
		return redactBody(body, contentType, limit)
	}
	h := maphash.Bytes(c.seed, body)
	slot := &c.slots[h%textCacheSlots]
	c.mu.Lock()
	if slot.hash == h && slot.ct == contentType && bytes.Equal(slot.raw, body) {
		text, cut := slot.text, slot.cut
		c.mu.Unlock()
		return text, cut
	}
	c.mu.Unlock()
	text, cut := redactBody(body, contentType, limit)
	raw := bytes.Clone(body)
	c.mu.Lock()
	*slot = textSlot{hash: h, ct: contentType, raw: raw, text: text, cut: cut}
	c.mu.Unlock()
	return text, cut
}
