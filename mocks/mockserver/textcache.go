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
// textCacheMaxBody bytes), and its table is made on the first body. Safe for concurrent use; the
// journals of sessions share one (sharedTexts), since a hit depends on the body, its content type
// and the cap alone.
type textCache struct {
	seed  maphash.Seed
	mu    sync.Mutex
	slots *[textCacheSlots]textSlot
}

type textSlot struct {
	hash  uint64
	ct    string
	limit int
	raw   []byte // the body, when the text is not the body itself (redacted, cut)
	text  string
	cut   bool
}

// holds reports whether the slot is the text of body.
func (s *textSlot) holds(body []byte) bool {
	if s.raw == nil {
		return s.text == string(body)
	}
	return bytes.Equal(s.raw, body)
}

func newTextCache() *textCache { return &textCache{seed: maphash.MakeSeed()} }

// sharedTexts is the text cache of the journals made with JournalConfig.SharedTexts.
var sharedTexts = sync.OnceValue(newTextCache)

// text is redactBody(body, contentType, limit), from the cache when the same body was recorded before.
func (c *textCache) text(body []byte, contentType string, limit int) (string, bool) {
	if c == nil || len(body) == 0 || len(body) > textCacheMaxBody {
		return redactBody(body, contentType, limit)
	}
	h := maphash.Bytes(c.seed, body)
	c.mu.Lock()
	if c.slots == nil {
		c.slots = new([textCacheSlots]textSlot)
	}
	slot := &c.slots[h%textCacheSlots]
	if slot.hash == h && slot.ct == contentType && slot.limit == limit && slot.holds(body) {
		text, cut := slot.text, slot.cut
		c.mu.Unlock()
		return text, cut
	}
	c.mu.Unlock()
	text, cut := redactBody(body, contentType, limit)
	var raw []byte
	if text != string(body) { // the text is not the body itself: keep the body to compare with
		raw = bytes.Clone(body)
	}
	c.mu.Lock()
	*slot = textSlot{hash: h, ct: contentType, limit: limit, raw: raw, text: text, cut: cut}
	c.mu.Unlock()
	return text, cut
}
