package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"alliance"
	"alliance/auth"
	"alliance/data"
	"alliance/exercise"
	"alliance/gazetteer"
	"alliance/geo"
	"alliance/rules"
	"alliance/third_party/geonames"
)

const exerciseUsage = `Usage: alliance exercise scenarios [--json]
       alliance exercise create --scenario NAME|FILE [--hours H] [--observer-delay MIN] [--url BASE] [--json]
       alliance exercise log ID [--json|--csv]
       alliance exercise verify ID [--keyring FILE]...
       alliance exercise report ID [--json]

A Council exercise seats the North Atlantic Council as it was on the
scenario's date: one seat per Ally, a chair (the Secretary General), exercise
control and observers. Each seat acts through its own secret, shown once by
create (only its SHA-256 is stored) and carried by its join link; the
server enforces the procedures: Article 4 requests, drafts under the silence
procedure (broken before the deadline, or agreed at it), consensus rounds
(agree, break, or agree with a footnote; one break blocks) and Article 5
invocations, which show every seat the Article 5/6 verdict for the place.

Every action is an entry in the exercise's own hash-chained log, signed by
the server's key, apart from the facts ledger: a scenario is a hypothesis.
verify checks the chain and signatures (exit 3 when the log was tampered
with). Scenarios ship in data/exercises (see scenarios); a FILE in the same
format can be played too. Run serve on the same --db to play.
`

func (a *App) exercise(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(a.Stdout, exerciseUsage)
		if len(args) == 0 {
			return alliance.Errorf(alliance.EINVALID, "exercise needs a subcommand: scenarios, create, log, verify or report")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	if !slices.Contains([]string{"scenarios", "create", "log", "verify", "report"}, sub) {
		return alliance.Errorf(alliance.EINVALID, "exercise %q: want scenarios, create, log, verify or report (see alliance exercise --help)", alliance.Clip(sub))
	}
	f := newFlags(a, "exercise "+sub, "", "Runs Council exercises; see alliance exercise --help.").withJSON()
	scenario := f.String("scenario", "", "a shipped scenario's name (see `exercise scenarios`) or a scenario file (create)")
	hours := f.Float64("hours", 7*24, "how long the seats' secrets stay valid, in hours (create)")
	delay := f.Int("observer-delay", 0, "minutes by which the observers' view lags (create)")
	base := f.String("url", "http://127.0.0.1:8080", "the server's address, for the join links (create)")
	csvOut := f.Bool("csv", false, "the log as CSV (log)")
	var keyrings multiFlag
	f.Var(&keyrings, "keyring", "a file of trusted keys, one \"ed25519 BASE64 NAME\" a line (verify; repeatable)")
	pos, err := f.parse(rest)
	if err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	if sub == "scenarios" {
		scs, err := exercise.LoadScenarios(data.FS, "exercises", w.states)
		if err != nil {
			return err
		}
		if *f.json {
			return a.printJSON(scs)
		}
		tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tDATE\tINJECTS\tDRAFTS\tTITLE")
		for _, s := range scs {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", s.Slug(), s.Date, len(s.Injects), len(s.Drafts), s.Name)
		}
		return tw.Flush()
	}
	m, err := a.exercises(w)
	if err != nil {
		return err
	}
	if sub == "create" {
		if len(pos) > 0 {
			return alliance.Errorf(alliance.EINVALID, "exercise create takes --scenario, not %q", alliance.Clip(pos[0]))
		}
		sc, raw, err := a.loadScenario(w, *scenario)
		if err != nil {
			return err
		}
		if *hours <= 0 || *hours > 90*24 {
			return alliance.Errorf(alliance.EINVALID, "--hours %g: from a minute to 2160 (90 days)", *hours)
		}
		creds, err := m.Create(ctx, sc, raw, exercise.CreateOptions{Lasts: time.Duration(*hours * float64(time.Hour)), ObserverDelay: time.Duration(*delay) * time.Minute})
		if err != nil {
			return err
		}
		if *f.json {
			return a.printJSON(creds)
		}
		link := func(secret string) string {
			return strings.TrimRight(*base, "/") + "/exercises/" + creds.ID + "#" + secret
		}
		out := a.Stdout
		fmt.Fprintf(out, "Exercise %s: %s\nThe Council is seated as on %s: %d delegations. Secrets expire %s.\n", creds.ID, sc.Name, sc.Date, len(creds.Delegations), creds.Expires.Format(time.RFC1123))
		fmt.Fprintf(out, "Give each person their own link, privately: a link is the seat. These are shown once.\n\n")
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "chair\t%s\n", link(creds.Chair))
		fmt.Fprintf(tw, "control\t%s\n", link(creds.Control))
		fmt.Fprintf(tw, "observers\t%s\n", link(creds.Observer))
		codes := make([]string, 0, len(creds.Delegations))
		for c := range creds.Delegations {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for _, c := range codes {
			fmt.Fprintf(tw, "%s (%s)\t%s\n", c, w.states.Name(c), link(creds.Delegations[c]))
		}
		tw.Flush()
		fmt.Fprintf(out, "\nStart the server with `alliance serve --db %s` if it is not running; control starts the clock.\n", w.where)
		return nil
	}
	if len(pos) != 1 {
		return alliance.Errorf(alliance.EINVALID, "exercise %s needs the exercise id, e.g. `alliance exercise %s x4k2…`", sub, sub)
	}
	id := pos[0]
	switch sub {
	case "log":
		as, err := m.Log(ctx, id, nil)
		if err != nil {
			return err
		}
		if *csvOut {
			return exercise.WriteCSV(a.Stdout, as)
		}
		if *f.json {
			return a.printJSON(as)
		}
		for _, x := range as {
			fmt.Fprintf(a.Stdout, "%4d  %s  %-9s %s\n", x.Seq, x.Clock.UTC().Format("2006-01-02 15:04"), x.Seat, exercise.Describe(x, nil))
		}
		return nil
	case "verify":
		trusted, err := a.trusted(keyrings)
		if err != nil {
			return err
		}
		as, err := m.Log(ctx, id, auth.Keyring(trusted))
		if err != nil {
			return err
		}
		if *f.json {
			return a.printJSON(map[string]any{"id": id, "entries": len(as), "ok": true})
		}
		fmt.Fprintf(a.Stdout, "OK: exercise %s, %d entries; the hash chain holds and every entry is signed by a trusted key.\n", id, len(as))
		return nil
	default: // report
		r, err := m.Report(ctx, id)
		if err != nil {
			return err
		}
		if *f.json {
			return a.printJSON(r)
		}
		fmt.Fprintf(a.Stdout, "After-action report: %s (Council as on %s), %d entries\n\n", r.Name, r.Date, r.Entries)
		for _, d := range r.Decisions {
			p := d.Procedure
			fmt.Fprintf(a.Stdout, "%s %s (%s): %s\n  %s\n", p.ID, strings.ToUpper(p.Status), p.Kind, p.Title, p.Reason)
			for _, b := range d.Breaks {
				fmt.Fprintf(a.Stdout, "  %s broke at %s: %s\n", b.Seat, b.Clock.UTC().Format("2006-01-02 15:04"), b.Text)
			}
			for _, b := range d.Footnotes {
				fmt.Fprintf(a.Stdout, "  %s agreed with a statement: %s\n", b.Seat, b.Text)
			}
			if d.InjectToDecisionMinutes != nil {
				fmt.Fprintf(a.Stdout, "  inject to decision: %d exercise minutes\n", *d.InjectToDecisionMinutes)
			}
		}
		for _, p := range r.Requests {
			fmt.Fprintf(a.Stdout, "%s Article 4 consultations requested by %s: %s\n", p.ID, strings.Join(p.RequestedBy, ", "), p.Status)
		}
		if len(r.Record) > 0 {
			fmt.Fprintf(a.Stdout, "\nWhat really happened, beside this exercise:\n")
		}
		for _, l := range r.Record {
			mark := "differs"
			if l.Same {
				mark = "same"
			}
			if l.Draft != "" {
				fmt.Fprintf(a.Stdout, "  draft %s: recorded %s %v, played %s %v (%s). Source: %s\n", l.Draft, l.Status, l.BrokenBy, l.PlayedStatus, l.PlayedBrokenBy, mark, l.Source.URL)
			} else {
				fmt.Fprintf(a.Stdout, "  Article 4 requested by: recorded %v, played %v (%s). Source: %s\n", l.Article4RequestedBy, l.PlayedArticle4, mark, l.Source.URL)
			}
		}
		return nil
	}
}

// loadScenario reads a shipped scenario by name, or a scenario file.
func (a *App) loadScenario(w *world, name string) (*exercise.Scenario, []byte, error) {
	if name == "" {
		return nil, nil, alliance.Errorf(alliance.EINVALID, "exercise create needs --scenario: a shipped scenario's name (alliance exercise scenarios) or a file")
	}
	if b, err := fs.ReadFile(data.FS, "exercises/"+name+".yaml"); err == nil && !strings.ContainsAny(name, "/\\") {
		sc, err := exercise.ParseScenario("data/exercises/"+name+".yaml", b, w.states)
		return sc, b, err
	}
	fi, err := os.Stat(name)
	if err != nil {
		return nil, nil, alliance.Errorf(alliance.EINVALID, "--scenario %q is neither a shipped scenario (see alliance exercise scenarios) nor a readable file", alliance.Clip(name))
	}
	if fi.Size() > exercise.MaxScenarioBytes {
		return nil, nil, alliance.Errorf(alliance.EINVALID, "%s: %d bytes; a scenario is at most %d", name, fi.Size(), exercise.MaxScenarioBytes)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, alliance.Errorf(alliance.EINVALID, "cannot read %s: %v", name, err)
	}
	sc, err := exercise.ParseScenario(name, b, w.states)
	return sc, b, err
}

// exercises returns the exercise manager over w's store, signing with the
// server's key (the one serve uses, trusted in the user's keyring).
func (a *App) exercises(w *world) (*exercise.Manager, error) {
	var st any = w.store
	xs, ok := st.(alliance.ExerciseStore)
	if !ok {
		return nil, alliance.Errorf(alliance.EINVALID, "this database does not keep exercises")
	}
	eng, ix, err := w.engine()
	if err != nil {
		return nil, err
	}
	dir, err := a.configDir()
	if err != nil {
		return nil, err
	}
	key, _, err := auth.LoadOrCreateKey(filepath.Join(dir, "server.key"), "server")
	if err != nil {
		return nil, err
	}
	if err := auth.Trust(filepath.Join(dir, "keyring"), key); err != nil {
		return nil, err
	}
	return exercise.NewManager(exercise.Config{Store: xs, Rules: eng, Judge: lazyJudge(eng, ix), Key: key, Now: a.Now}), nil
}

// lazyJudge builds the gazetteer on the first Article 5 draft only.
func lazyJudge(eng *rules.Engine, ix *geo.Index) exercise.Judge {
	var once sync.Once
	var j exercise.Judge
	var jerr error
	return func(in exercise.Inject, d alliance.Date) (exercise.VerdictNote, error) {
		once.Do(func() {
			g, err := gazetteer.New(ix, eng.States, geonames.Places)
			if err != nil {
				jerr = fmt.Errorf("embedded gazetteer: %w", err)
				return
			}
			j = exercise.NewJudge(eng, ix, g)
		})
		if jerr != nil {
			return exercise.VerdictNote{}, jerr
		}
		return j(in, d)
	}
}
