package mockkit

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
	// Now is the clock (tests move it). Default time.Now.
	Now func() time.Time
}

// TokenStore issues and checks opaque tokens. It is safe for concurrent use.
type TokenStore struct {
	cfg TokenConfig

	mu       sync.Mutex
	tokens   map[string]Token
	byClient map[string]string // client id → its current client token (OnePerClient)
	issued   int               // since the last sweep of expired tokens
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
	return &TokenStore{cfg: cfg, tokens: map[string]Token{}, byClient: map[string]string{}}
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
	if kind == KindClient && s.cfg.OnePerClient {
		if old, ok := s.byClient[clientID]; ok {
			delete(s.tokens, old)
		}
		s.byClient[clientID] = t.Value
	}
	s.tokens[t.Value] = t
	if s.issued++; s.issued >= sweepEvery {
		s.issued = 0
		now := s.cfg.Now()
		for v, tok := range s.tokens {
			if !now.Before(tok.Expires) {
				delete(s.tokens, v)
				if s.byClient[tok.ClientID] == v {
					delete(s.byClient, tok.ClientID)
				}
			}
		}
	}
	return t
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
	s.byClient = map[string]string{}
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
