package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"

	"alliance"
)

// tokenPrefix marks alliance API tokens, so that secret scanners and people
// can tell them apart.
const tokenPrefix = "alliance_"

// NewToken returns a new secret token (256 random bits) and its hash, the
// only part that is stored.
func NewToken() (secret string, hash []byte) {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand.Read never fails (it panics instead)
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret)
}

// HashToken returns the SHA-256 of a token: a token has 256 random bits, so
// a plain hash is enough (no salt or slow hash is needed for such secrets).
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// BearerToken returns the token of an "Authorization: Bearer TOKEN" header
// value, or "" when there is none.
func BearerToken(header string) string {
	scheme, tok, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	tok = strings.TrimSpace(tok)
	if len(tok) > 200 {
		return ""
	}
	return tok
}

var nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$`)

// CheckTokenName checks a token's name: 1 to 64 letters, digits, spaces and
// . _ @ -, starting with a letter or digit. It is stored as the recorder of
// the entries the token writes.
func CheckTokenName(name string) error {
	if !nameRe.MatchString(name) {
		return alliance.Errorf(alliance.EINVALID, "token name %q: want 1 to 64 letters, digits, spaces or . _ @ -, starting with a letter or digit", name)
	}
	return nil
}

// ParseRole returns the role named s.
func ParseRole(s string) (alliance.Role, error) {
	switch r := alliance.Role(s); r {
	case alliance.RoleEditor, alliance.RoleReader:
		return r, nil
	}
	return "", alliance.Errorf(alliance.EINVALID, "role %q: want editor or reader", s)
}
