package ledger_test

import (
	"context"
	"sync"

	"alliance"
)

// memStore is an in-memory alliance.Store for feeding golden chains to the
// ledger. The real store is tested in sqlite/ with the contract suite.
type memStore struct {
	mu      sync.Mutex
	entries []alliance.Entry
}

func (m *memStore) Entries(context.Context) ([]alliance.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]alliance.Entry(nil), m.entries...), nil
}

func (m *memStore) Append(_ context.Context, build func(alliance.Entry) ([]alliance.Entry, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var head alliance.Entry
	if n := len(m.entries); n > 0 {
		head = m.entries[n-1]
	}
	es, err := build(head)
	if err != nil {
		return err
	}
	m.entries = append(m.entries, es...)
	return nil
}

func (m *memStore) Close() error { return nil }

func (m *memStore) EntriesAfter(_ context.Context, seq int64) ([]alliance.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []alliance.Entry
	for _, e := range m.entries {
		if e.Seq > seq {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *memStore) Watch(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{})
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}
