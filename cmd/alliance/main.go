// Command alliance is an executable, sourced model of NATO's collective
// defence: membership on any date, accession status and ratification lags,
// every event with its source, in a tamper-evident ledger.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"alliance"
	"alliance/data"
	"alliance/dataset"
	"alliance/ledger"
	"alliance/third_party/isocodes"
)

// App holds what every command needs: its streams, the environment and the clock.
type App struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Now            func() time.Time
}

type command struct {
	name, summary string
	run           func(a *App, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the web pages and the JSON API (the main job: start here)", (*App).serve},
		{"members", "list the members of NATO or the EU on a date", (*App).members},
		{"accession", "a candidate's accession status on a date: who ratified, who is pending", (*App).accession},
		{"lags", "each member's days from protocol signature to ratification, per accession", (*App).lags},
		{"history", "the dated events, each with its source, filtered", (*App).history},
		{"sources", "the events' sources counted by kind and by domain, and the events resting on each", (*App).sources},
		{"record", "append the events in a YAML file to the ledger (same format and checks as data/)", (*App).record},
		{"article5", "does Article 5 cover an attack at this place on this date? (verdict, clause, reason)", (*App).article5},
		{"places", "look a place up by name: the gazetteer behind article5 --place", (*App).places},
		{"protection", "every commitment that covers a state: NATO Art. 5, EU Art. 42(7), security agreements", (*App).protection},
		{"timetable", "forecast a candidate's accession timetable by Monte Carlo, with scenarios", (*App).timetable},
		{"backtest", "how well the forecaster would have done on past accessions", (*App).backtest},
		{"decide", "a decision rule over the members on a date: consensus, silence, unanimity, qmv", (*App).decide},
		{"polls", "public support polls with their sources, and a chart", (*App).polls},
		{"border", "length of NATO's land border with Russia or Belarus on a date, or in a scenario", (*App).border},
		{"map-record", "the Membership Action Plan (MAP) record: days to join with and without a MAP", (*App).mapPlan},
		{"claims", "the op-ed's claims checked against the model, with computed verdicts and sources", (*App).claims},
		{"verify", "check the ledger read-only: hash chain, signatures, release, a saved head", (*App).verify},
		{"token", "create, list and revoke API tokens (editors write through the API)", (*App).token},
		{"exercise", "run a North Atlantic Council exercise: seats, Article 4, silence, consensus, a signed log", (*App).exercise},
		{"head", "print the ledger's head (entries and last hash) to save, publish or witness", (*App).head},
		{"export", "tidy tables for research: events, memberships, ratifications (CSV or JSON)", (*App).export},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &App{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
	os.Exit(a.Main(ctx, os.Args[1:]))
}

// Main runs one command line and returns the process exit code. It is the
// CLI's one way out for errors: a one-line message, and the code's exit status.
func (a *App) Main(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || (args[0] == "help" && len(args) == 1) {
		a.usage(a.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "help" { // alliance help CMD: that command's help
		if len(args) > 2 {
			return a.fail(alliance.Errorf(alliance.EINVALID, "help takes one command, got %d", len(args)-1))
		}
		args = []string{args[1], "--help"}
	}
	if args[0] == "map" { // the old name, easily read as the map of members
		fmt.Fprintln(a.Stderr, "alliance: \"map\" is now \"map-record\" (the Membership Action Plan record); the old name will go away")
		args[0] = "map-record"
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(a, ctx, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return a.fail(err)
		}
	}
	return a.fail(alliance.Errorf(alliance.EINVALID, "unknown command %q; run `alliance --help` for the list", args[0]))
}

func (a *App) usage(w io.Writer) {
	fmt.Fprintln(w, "alliance: an executable, sourced model of NATO's collective-defence system.")
	fmt.Fprintln(w, "\nUsage: alliance <command> [flags]   (alliance help <command> for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --db PATH (or ALLIANCE_DB); the default is", defaultDBHint())
	fmt.Fprintln(w, "A postgres:// URL instead of a path opens a PostgreSQL database, which several servers can share.")
	fmt.Fprintln(w, "Dates are YYYY-MM-DD; states are ISO 3166-1 alpha-2 codes (SE, FI, UA, ...).")
}

func (a *App) fail(err error) int {
	if err == nil {
		return 0
	}
	code := alliance.ErrorCode(err)
	msg := alliance.ErrorMessage(err)
	if code == alliance.EINTERNAL {
		msg = err.Error()
	}
	fmt.Fprintf(a.Stderr, "alliance: %s\n", msg)
	switch code {
	case alliance.EINVALID:
		return 2
	case alliance.ECORRUPT:
		return 3
	}
	return 1
}

// flags is a command's flag set with the flags every command shares.
type flags struct {
	*flag.FlagSet
	db    *string
	json  *bool
	usage func()
	dates []string // the date flags: given, they may not be empty
}

// Date defines a date flag: left out it means what the command says (often
// today); given empty (--at "") it is an error, never silently the default.
func (f *flags) Date(name, usage string) *string {
	f.dates = append(f.dates, name)
	return f.String(name, "", usage)
}

func newFlags(a *App, name, args, about string) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package's own messages are silenced: parse returns them as
	// one-line errors, and prints the usage itself for -h.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	f := &flags{FlagSet: fs, usage: func() {
		fmt.Fprintf(a.Stdout, "Usage: alliance %s %s\n\n%s\n\nFlags:\n", name, args, about)
		fs.SetOutput(a.Stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}}
	f.db = fs.String("db", "", "database file or postgres:// URL (default $ALLIANCE_DB, else "+defaultDBHint()+")")
	return f
}

func (f *flags) withJSON() *flags {
	f.json = f.Bool("json", false, "print JSON instead of a table")
	return f
}

// parse parses flags that may come before or after positional arguments
// (`alliance accession SE --at 2023-06-01`) and returns the positionals.
func (f *flags) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.usage()
				return nil, err
			}
			return nil, alliance.Errorf(alliance.EINVALID, "%s: %s (see alliance %s --help)", f.Name(), alliance.Clip(err.Error()), f.Name())
		}
		var empty error
		f.Visit(func(fl *flag.Flag) {
			if slices.Contains(f.dates, fl.Name) && fl.Value.String() == "" && empty == nil {
				empty = alliance.Errorf(alliance.EINVALID, "--%s is empty: give a date YYYY-MM-DD, or leave --%s out", fl.Name, fl.Name)
			}
		})
		if empty != nil {
			return nil, empty
		}
		args = f.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseNone parses flags for a command that takes no arguments; hint, if
// given, is added to the error about a stray argument.
func (f *flags) parseNone(args []string, hint ...string) error {
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return alliance.Errorf(alliance.EINVALID, "%s takes no arguments, got %q%s", f.Name(), pos[0], strings.Join(hint, ""))
	}
	return nil
}

func defaultDBHint() string {
	return "$XDG_DATA_HOME/alliance/alliance.db (~/.local/share/alliance/alliance.db)"
}

// dbPath resolves the database path: --db, then ALLIANCE_DB, then the default.
func (a *App) dbPath(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if p := a.Getenv("ALLIANCE_DB"); p != "" {
		return p, nil
	}
	if d := a.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "alliance", "alliance.db"), nil
	}
	home := a.Getenv("HOME")
	if home == "" {
		return "", alliance.Errorf(alliance.EINVALID, "no database given: pass --db PATH or set ALLIANCE_DB (HOME is not set)")
	}
	return filepath.Join(home, ".local", "share", "alliance", "alliance.db"), nil
}

// world is an opened database with the dataset loaded: what queries need.
type world struct {
	store   alliance.Store
	where   string // the database file, or its URL without the password
	ledger  *ledger.Ledger
	states  alliance.States
	records []*alliance.Record
	history alliance.History
	added   int
}

func (w *world) Close() error { return w.store.Close() }

// embedded loads the embedded dataset. An error here is a bug in the release.
func embedded() (alliance.States, []alliance.Event, error) {
	states, evs, err := dataset.Load(data.FS)
	if err != nil {
		return nil, nil, fmt.Errorf("embedded dataset: %w", err)
	}
	return states, dataset.Events(evs), nil
}

// open opens the database and, unless readOnly, adds what the embedded
// dataset holds that the database does not.
func (a *App) open(ctx context.Context, dbFlag string, sync bool) (*world, error) {
	path, err := a.dbPath(dbFlag)
	if err != nil {
		return nil, err
	}
	states, evs, err := embedded()
	if err != nil {
		return nil, err
	}
	st, where, err := a.openStore(ctx, path, false)
	if err != nil {
		return nil, err
	}
	w := &world{store: st, where: where, ledger: ledger.New(st, a.Now), states: states}
	if sync {
		w.records, w.added, err = w.ledger.Sync(ctx, evs)
	} else {
		w.records, err = w.ledger.Load(ctx)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	w.history = alliance.NewHistory(ledger.Effective(w.records))
	return w, nil
}

func (a *App) today() alliance.Date { return alliance.DateOf(a.Now()) }

// dateFlag parses an optional date flag value; empty means def.
func dateFlag(name, v string, def alliance.Date) (alliance.Date, error) {
	if v == "" {
		return def, nil
	}
	d, err := alliance.ParseDate(v)
	if err != nil {
		return d, alliance.Errorf(alliance.EINVALID, "--%s: %s", name, alliance.ErrorMessage(err))
	}
	return d, nil
}

// stateCode normalises and checks a state code given on the command line.
func stateCode(states alliance.States, s string) (string, error) {
	c, ok := states.Normalize(s)
	if !ok {
		if n, real := isocodes.Name(c); real {
			return "", alliance.Errorf(alliance.EINVALID, "%s is a real ISO code but not in this dataset (%s)", c, n)
		}
		known := make([]string, 0, len(states))
		for k := range states {
			known = append(known, k)
		}
		slices.Sort(known)
		return "", alliance.Errorf(alliance.EINVALID, "unknown state code %q: want an ISO 3166-1 alpha-2 code, one of %s", s, strings.Join(known, " "))
	}
	return c, nil
}

func (a *App) printJSON(v any) error {
	enc := json.NewEncoder(a.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// openFor checks that a command got exactly one state code, opens the
// database and resolves the code. The caller closes the world.
func (a *App) openFor(ctx context.Context, f *flags, pos []string, example string) (*world, string, error) {
	if len(pos) != 1 {
		return nil, "", alliance.Errorf(alliance.EINVALID, "%s needs one state code, e.g. `%s`", f.Name(), example)
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return nil, "", err
	}
	code, err := stateCode(w.states, pos[0])
	if err != nil {
		w.Close()
		return nil, "", err
	}
	return w, code, nil
}
