// Package auth keeps the secrets of people and servers: signing keys and
// the keyring of trusted public keys (and, later, API tokens and seat
// secrets). It does no HTTP and no SQL.
package auth

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"alliance"
)

// keyHeader starts a private key file; the seed follows in base64.
const keyHeader = "alliance-ed25519-private-key"

// MaxKeyringBytes bounds a keyring file.
const MaxKeyringBytes = 1 << 20

// Key is a signing key with the name its entries are recorded under.
type Key struct {
	Name    string
	Private ed25519.PrivateKey
}

// Public returns the key's public half.
func (k Key) Public() ed25519.PublicKey { return k.Private.Public().(ed25519.PublicKey) }

// PublicLine returns the keyring line that trusts k: "ed25519 BASE64 NAME".
func (k Key) PublicLine() string {
	return fmt.Sprintf("ed25519 %s %s", base64.StdEncoding.EncodeToString(k.Public()), k.Name)
}

// LoadOrCreateKey reads the private key at path, or creates it (mode 0600,
// its folder 0700) when there is none, as ssh-keygen would. created says
// which. name is the recorder's name stored with each signed entry.
func LoadOrCreateKey(path, name string) (k Key, created bool, err error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		k, err := parseKey(path, b, name)
		return k, false, err
	case !errors.Is(err, fs.ErrNotExist):
		return Key{}, false, alliance.Errorf(alliance.EINVALID, "cannot read signing key %s: %v", path, err)
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return Key{}, false, fmt.Errorf("make signing key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Key{}, false, alliance.Errorf(alliance.EINVALID, "cannot create the folder for signing key %s: %v", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another process made it first: use that one.
		return LoadOrCreateKey(path, name)
	} else if err != nil {
		return Key{}, false, alliance.Errorf(alliance.EINVALID, "cannot create signing key %s: %v", path, err)
	}
	_, err = fmt.Fprintf(f, "%s %s\n", keyHeader, base64.StdEncoding.EncodeToString(seed))
	if err2 := f.Close(); err == nil {
		err = err2
	}
	if err != nil {
		os.Remove(path)
		return Key{}, false, fmt.Errorf("write signing key %s: %w", path, err)
	}
	return Key{Name: name, Private: ed25519.NewKeyFromSeed(seed)}, true, nil
}

func parseKey(path string, b []byte, name string) (Key, error) {
	f := strings.Fields(string(b))
	if len(f) != 2 || f[0] != keyHeader {
		return Key{}, alliance.Errorf(alliance.EINVALID, "%s is not an alliance signing key (want a line %q followed by the key)", path, keyHeader)
	}
	seed, err := base64.StdEncoding.Strict().DecodeString(f[1])
	if err != nil || len(seed) != ed25519.SeedSize {
		return Key{}, alliance.Errorf(alliance.EINVALID, "%s: the key is damaged (not %d bytes of base64)", path, ed25519.SeedSize)
	}
	return Key{Name: name, Private: ed25519.NewKeyFromSeed(seed)}, nil
}

// Keyring is a set of trusted public keys: base64 key -> name (the
// ledger.Keyring that verify takes; auth does not import the ledger).
type Keyring map[string]string

// ReadKeyring reads a keyring file: one key a line, "ed25519 BASE64 NAME";
// blank lines and lines starting with # are ignored. A missing file is an
// empty keyring when optional, an error otherwise.
func ReadKeyring(path string, optional bool) (Keyring, error) {
	r := Keyring{}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && optional {
		return r, nil
	} else if err != nil {
		return nil, alliance.Errorf(alliance.EINVALID, "cannot read keyring %s: %v", path, err)
	}
	if len(b) > MaxKeyringBytes {
		return nil, alliance.Errorf(alliance.EINVALID, "keyring %s is larger than %d bytes", path, MaxKeyringBytes)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "ed25519" {
			return nil, alliance.Errorf(alliance.EINVALID, "%s:%d: want \"ed25519 BASE64-KEY NAME\"", path, n)
		}
		pub, err := base64.StdEncoding.Strict().DecodeString(f[1])
		if err != nil || len(pub) != ed25519.PublicKeySize {
			return nil, alliance.Errorf(alliance.EINVALID, "%s:%d: the key is not %d bytes of base64", path, n, ed25519.PublicKeySize)
		}
		r[f[1]] = strings.Join(f[2:], " ")
	}
	return r, nil
}

// Trust adds k to the keyring file at path unless it is there already.
func Trust(path string, k Key) error {
	r, err := ReadKeyring(path, true)
	if err != nil {
		return err
	}
	if _, ok := r[base64.StdEncoding.EncodeToString(k.Public())]; ok {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return alliance.Errorf(alliance.EINVALID, "cannot create the folder for keyring %s: %v", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return alliance.Errorf(alliance.EINVALID, "cannot write keyring %s: %v", path, err)
	}
	_, err = fmt.Fprintln(f, k.PublicLine())
	if err2 := f.Close(); err == nil {
		err = err2
	}
	if err != nil {
		return fmt.Errorf("write keyring %s: %w", path, err)
	}
	return nil
}

// RecorderName returns a printable recorder name: at most 64 characters,
// no control characters.
func RecorderName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 64 {
		s = string(r[:64])
	}
	return strings.TrimSpace(s)
}
