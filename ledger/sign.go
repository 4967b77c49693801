package ledger

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"

	"alliance"
)

// Signer signs the entries a person or a server records: Name is stored as
// the entry's recorder, Key signs it.
type Signer struct {
	Name string
	Key  ed25519.PrivateKey
}

// sign sets r's recorder, signer and signature. A nil Signer leaves r as is.
func (s *Signer) sign(r *alliance.Record) {
	if s == nil {
		return
	}
	r.Recorder = s.Name
	r.Signer = s.Key.Public().(ed25519.PublicKey)
	r.Sig = nil
	r.Sig = ed25519.Sign(s.Key, Encode(r))
}

// Keyring is a set of trusted ed25519 public keys, by their standard base64
// encoding, each with a name for messages (auth reads them from files).
type Keyring map[string]string

// checkSignature reports why r's signature does not hold, or nil.
func checkSignature(r *alliance.Record, trusted Keyring) error {
	if len(r.Signer) == 0 || len(r.Sig) == 0 {
		return fmt.Errorf("it is not signed")
	}
	if len(r.Signer) != ed25519.PublicKeySize || len(r.Sig) != ed25519.SignatureSize {
		return fmt.Errorf("its signature or key has the wrong size")
	}
	c := *r
	c.Sig = nil
	if !ed25519.Verify(ed25519.PublicKey(r.Signer), Encode(&c), r.Sig) {
		return fmt.Errorf("its signature does not match its content")
	}
	if _, ok := trusted[base64.StdEncoding.EncodeToString(r.Signer)]; !ok {
		return fmt.Errorf("it is signed by key %s, which is not in the keyring", base64.StdEncoding.EncodeToString(r.Signer))
	}
	return nil
}

// Content returns the canonical encoding of e alone (no sequence number, time,
// origin or signature): two events with the same content are the same event,
// source and note included.
func Content(e *alliance.Event) string {
	return string(Encode(&alliance.Record{Event: *e}))
}

// KeyOf reads the identity of the fact an entry's body records and the
// sequence number it retracts, for a store's index of standing facts.
func KeyOf(body []byte) (string, int64, error) {
	r, err := Decode(body)
	if err != nil {
		return "", 0, err
	}
	return r.Key(), r.Retracts, nil
}
