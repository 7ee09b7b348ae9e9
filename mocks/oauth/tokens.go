package oauth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"time"
)

// Token errors.
var (
	ErrTokenUnknown = errors.New("token unknown")
	ErrTokenExpired = errors.New("token expired")
)

// TokenKind tells what a token was issued for.
type TokenKind string

// Token kinds.
const (
	KindClient  TokenKind = "client"  // client credentials grant
	KindUser    TokenKind = "user"    // authorization code (a logged-in user)
	KindRefresh TokenKind = "refresh" // a refresh token
	KindCode    TokenKind = "code"    // an authorization code, single use
)

// Token is an opaque bearer token and what it stands for.
type Token struct {
	Value    string
	Kind     TokenKind
	ClientID string
	// Subject is the user (or customer) a user token or code speaks for.
	Subject string
	// RedirectURI binds an authorization code to the redirect it was issued for.
	RedirectURI string
	Expires     time.Time
}

// TokenConfig configures a TokenStore.
type TokenConfig struct {
	// TTL of access tokens of each kind; refresh tokens and codes have their own.
	AccessTTL  time.Duration // default 12h
	RefreshTTL time.Duration // default 30 days
	CodeTTL    time.Duration // default 10 minutes
	// OnePerClient makes a new client token invalidate the client's previous one (TimeWave).
	OnePerClient bool
	// MaxPerClient is how many live tokens of each kind one client may hold; issuing one more evicts
	// the client's oldest of that kind (zero: DefaultMaxPerClient).
	MaxPerClient int
	// Now is the clock (tests move it). Default time.Now.
	Now func() time.Time
}

// DefaultMaxPerClient bounds the live tokens of each kind (client, user, refresh, code) that one OAuth
// client holds, so that a client asking for tokens in a loop cannot grow the store without end: past
// it the oldest token of that kind is evicted and refused as unknown.
const DefaultMaxPerClient = 10_000

// TokenStore issues and checks opaque tokens. It is safe for concurrent use.
type TokenStore struct {
	cfg TokenConfig

	mu     sync.Mutex
	tokens map[string]Token
	// issuedBy lists, per client and kind, the values issued, oldest first; at most the kind's bound.
	// A value consumed or swept meanwhile stays listed until it is the oldest and is dropped.
	issuedBy map[ownerKind][]string
	issued   int // since the last sweep of expired tokens
}

// ownerKind is what the per-client bound counts by.
type ownerKind struct {
	clientID string
	kind     TokenKind
}

// sweepEvery is how many tokens are issued between two sweeps of the expired ones, so that a
// long-running mock does not keep every token it ever issued.
const sweepEvery = 256

// NewTokenStore returns an empty store.
func NewTokenStore(cfg TokenConfig) *TokenStore {
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = 12 * time.Hour
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = 30 * 24 * time.Hour
	}
	if cfg.CodeTTL <= 0 {
		cfg.CodeTTL = 10 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxPerClient <= 0 {
		cfg.MaxPerClient = DefaultMaxPerClient
	}
	return &TokenStore{cfg: cfg, tokens: map[string]Token{}, issuedBy: map[ownerKind][]string{}}
}

// limit is how many live tokens of kind a client may hold.
func (s *TokenStore) limit(kind TokenKind) int {
	if kind == KindClient && s.cfg.OnePerClient {
		return 1
	}
	return s.cfg.MaxPerClient
}

// AccessTTL is the lifetime of access tokens.
func (s *TokenStore) AccessTTL() time.Duration { return s.cfg.AccessTTL }

// Issue creates a token of kind for clientID (and subject, redirectURI where they apply).
func (s *TokenStore) Issue(kind TokenKind, clientID, subject, redirectURI string) Token {
	ttl := s.cfg.AccessTTL
	switch kind {
	case KindRefresh:
		ttl = s.cfg.RefreshTTL
	case KindCode:
		ttl = s.cfg.CodeTTL
	}
	t := Token{Value: newOpaque(), Kind: kind, ClientID: clientID, Subject: subject, RedirectURI: redirectURI,
		Expires: s.cfg.Now().Add(ttl)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[t.Value] = t
	s.evictOldest(ownerKind{clientID, kind}, t.Value)
	if s.issued++; s.issued >= sweepEvery {
		s.issued = 0
		s.sweepExpired()
	}
	return t
}

// evictOldest lists value as the newest of its owner and kind and forgets the oldest ones past the bound.
func (s *TokenStore) evictOldest(owner ownerKind, value string) {
	list := append(s.issuedBy[owner], value)
	for over := len(list) - s.limit(owner.kind); over > 0; over-- {
		delete(s.tokens, list[0])
		list[0] = "" // let the backing array drop the string
		list = list[1:]
	}
	s.issuedBy[owner] = list
}

// sweepExpired forgets the expired tokens; their values leave the issue lists as they grow.
func (s *TokenStore) sweepExpired() {
	now := s.cfg.Now()
	for v, tok := range s.tokens {
		if !now.Before(tok.Expires) {
			delete(s.tokens, v)
		}
	}
}

// Lookup returns the token with value, if it is known and not expired.
func (s *TokenStore) Lookup(value string) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookup(value)
}

func (s *TokenStore) lookup(value string) (Token, error) {
	t, ok := s.tokens[value]
	if !ok {
		return Token{}, ErrTokenUnknown
	}
	if !s.cfg.Now().Before(t.Expires) {
		delete(s.tokens, value)
		return Token{}, ErrTokenExpired
	}
	return t, nil
}

// Consume looks a token up and removes it in one step (single-use codes, rotated refresh tokens).
func (s *TokenStore) Consume(value string) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(value)
	if err != nil {
		return Token{}, err
	}
	delete(s.tokens, value)
	return t, nil
}

// Reset forgets every token.
func (s *TokenStore) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]Token{}
	s.issuedBy = map[ownerKind][]string{}
}

// Len counts the tokens held (expired ones not yet looked up included).
func (s *TokenStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens)
}

func newOpaque() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}
