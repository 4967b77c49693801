package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"alliance"
	"alliance/dataset"
	"alliance/ledger"
)

// multiFlag collects a flag given several times.
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// MaxHeadFileBytes bounds a saved head file.
const MaxHeadFileBytes = 64 << 10

func (a *App) verify(ctx context.Context, args []string) error {
	f := newFlags(a, "verify", "[--db PATH] [--against HEADFILE] [--keyring FILE]... [--json]",
		"Checks the ledger, read-only (it works on read-only media and never creates or changes\n"+
			"anything):\n"+
			"  - the hash chain of every stored entry;\n"+
			"  - with --against, that the ledger still extends a head saved earlier with\n"+
			"    `alliance head --json > HEADFILE` (catches truncation and rewriting);\n"+
			"  - that every entry a user recorded is signed by a trusted key: your own (made by\n"+
			"    `record` on first use), those in your keyring, and those in --keyring files;\n"+
			"  - that the dataset entries are exactly the release embedded in this binary;\n"+
			"  - the dataset rules (known state codes, sources, no duplicates, ratification order).\n"+
			"Exit 0 when all hold; 3 naming the first entry that does not; 3 too for a file that is\n"+
			"not an alliance ledger, which is left untouched.").withJSON()
	against := f.String("against", "", "a head saved earlier (`alliance head --json` output) the ledger must extend")
	var keyrings multiFlag
	f.Var(&keyrings, "keyring", "a file of trusted keys, one \"ed25519 BASE64 NAME\" a line (repeatable)")
	release := f.Bool("release", true, "check the dataset entries against the release embedded in this binary")
	if err := f.parseNone(args); err != nil {
		return err
	}
	opt := ledger.VerifyOptions{}
	if *against != "" {
		h, err := readHead(*against)
		if err != nil {
			return err
		}
		opt.Against = &h
	}
	trusted, err := a.trusted(keyrings)
	if err != nil {
		return err
	}
	opt.Trusted = trusted
	states, evs, err := embedded()
	if err != nil {
		return err
	}
	if *release {
		opt.Release = evs
	}
	path, err := a.dbPath(*f.db)
	if err != nil {
		return err
	}
	st, _, err := a.openStore(ctx, path, true)
	if err != nil {
		return err
	}
	defer st.Close()
	l := ledger.New(st, a.Now)
	v, err := l.VerifyWith(ctx, opt)
	if err != nil {
		return err
	}
	recs, err := l.Load(ctx)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := r.Check(states); err != nil {
			return alliance.Errorf(alliance.ECORRUPT, "event %d breaks the dataset rules: %v", r.Seq, err)
		}
	}
	// The rules between events hold among the events that stand.
	standing := ledger.Effective(recs)
	var located []dataset.Located
	for _, r := range alliance.NewHistory(standing).Records() {
		located = append(located, dataset.Located{Event: r.Event, Line: int(r.Seq)})
	}
	if err := dataset.Check(nil, located); err != nil {
		return alliance.Errorf(alliance.ECORRUPT, "the dataset rules do not hold: %s", alliance.ErrorMessage(err))
	}
	signed := 0
	for _, r := range recs {
		if r.Origin == alliance.FromUser {
			signed++
		}
	}
	if *f.json {
		return a.printJSON(struct {
			OK bool `json:"ok"`
			ledger.Verification
			Standing    int  `json:"standing"`
			Signed      int  `json:"signed_by_users"`
			Against     bool `json:"against_saved_head"`
			ReleaseSame bool `json:"release_checked"`
		}{true, v, len(standing), signed, opt.Against != nil, *release})
	}
	fmt.Fprintf(a.Stdout, "ok: %d entries (%d events stand), hash chain intact, dataset rules hold\n", v.Entries, len(standing))
	if *release {
		fmt.Fprintf(a.Stdout, "dataset entries match this binary's release (%d events)\n", len(evs))
	}
	fmt.Fprintf(a.Stdout, "%d entries recorded by users, each signed by a trusted key (%d keys trusted)\n", signed, len(trusted))
	if opt.Against != nil {
		fmt.Fprintf(a.Stdout, "extends the saved head: entry %d is %s\n", opt.Against.Entries, opt.Against.Hash)
	}
	fmt.Fprintf(a.Stdout, "head %d %s\n", v.Entries, v.Head)
	return nil
}

// readHead reads a head saved with `alliance head --json`.
func readHead(path string) (ledger.Head, error) {
	var h ledger.Head
	fi, err := os.Stat(path)
	if err != nil {
		return h, alliance.Errorf(alliance.EINVALID, "cannot read the saved head %s: %v", path, err)
	}
	if fi.Size() > MaxHeadFileBytes {
		return h, alliance.Errorf(alliance.EINVALID, "%s is too large to be a saved head (%d bytes)", path, fi.Size())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return h, alliance.Errorf(alliance.EINVALID, "cannot read the saved head %s: %v", path, err)
	}
	if err := json.Unmarshal(b, &h); err != nil || h.Entries < 0 || (h.Entries > 0 && len(h.Hash) != 64) {
		return h, alliance.Errorf(alliance.EINVALID, "%s is not a saved head: want the JSON of `alliance head --json`, {\"entries\": N, \"head\": \"64 hex digits\"}", path)
	}
	return h, nil
}

func (a *App) head(ctx context.Context, args []string) error {
	f := newFlags(a, "head", "[--db PATH] [--json]",
		"Prints the number of entries in the ledger and the hash of the last one: its head.\n"+
			"Save it (`alliance head --json > head.json`), publish it or give it to a witness;\n"+
			"later `alliance verify --against head.json` proves that the ledger still extends it.\n"+
			"The server publishes the same head at /api/v1/head and in every page's footer.").withJSON()
	if err := f.parseNone(args); err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	h := ledger.HeadOf(w.records)
	if *f.json {
		return a.printJSON(h)
	}
	fmt.Fprintf(a.Stdout, "%d %s\n", h.Entries, h.Hash)
	return nil
}
