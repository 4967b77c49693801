package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"alliance"
	"alliance/auth"
)

func (a *App) token(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(a.Stdout, `Usage: alliance token create --role editor|reader --name NAME [--json]
       alliance token list [--json]
       alliance token revoke NAME

Tokens let clients write through the API (POST /api/v1/events with
"Authorization: Bearer TOKEN"): an editor records events, a reader only reads
(anonymous requests read too). create prints the token once; only its SHA-256
is stored, in the database, so every server on that database knows it.
Entries written with a token record its name and are signed by the server's key.
`)
		if len(args) == 0 {
			return alliance.Errorf(alliance.EINVALID, "token needs a subcommand: create, list or revoke")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	f := newFlags(a, "token "+sub, "", "Manages API tokens; see alliance token --help.").withJSON()
	role := f.String("role", "", "editor or reader (create)")
	name := f.String("name", "", "the token's name, stored as the recorder of what it writes (create)")
	pos, err := f.parse(rest)
	if err != nil {
		return err
	}
	w, err := a.open(ctx, *f.db, true)
	if err != nil {
		return err
	}
	defer w.Close()
	var st any = w.store
	ts, ok := st.(alliance.TokenStore)
	if !ok {
		return alliance.Errorf(alliance.EINVALID, "this database does not keep tokens")
	}
	switch sub {
	case "create":
		if len(pos) > 0 {
			return alliance.Errorf(alliance.EINVALID, "token create takes --role and --name, not %q", pos[0])
		}
		r, err := auth.ParseRole(*role)
		if err != nil {
			return err
		}
		if err := auth.CheckTokenName(*name); err != nil {
			return err
		}
		secret, hash := auth.NewToken()
		if err := ts.CreateToken(ctx, alliance.Token{Name: *name, Role: r, Hash: hash, Created: a.Now()}); err != nil {
			return err
		}
		if *f.json {
			return a.printJSON(map[string]string{"token": secret, "name": *name, "role": string(r)})
		}
		fmt.Fprintf(a.Stdout, "%s\n", secret)
		fmt.Fprintf(a.Stderr, "alliance: %s token %q created; this is the only time it is shown\n", r, *name)
		return nil
	case "list":
		if len(pos) > 0 {
			return alliance.Errorf(alliance.EINVALID, "token list takes no arguments")
		}
		list, err := ts.Tokens(ctx)
		if err != nil {
			return err
		}
		if *f.json {
			if list == nil {
				list = []alliance.Token{}
			}
			return a.printJSON(list)
		}
		tw := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tREVOKED")
		for _, t := range list {
			rev := ""
			if t.Revoked != nil {
				rev = t.Revoked.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", term(t.Name), t.Role, t.Created.Format("2006-01-02 15:04"), rev)
		}
		return tw.Flush()
	case "revoke":
		if len(pos) != 1 {
			return alliance.Errorf(alliance.EINVALID, "token revoke needs the token's name")
		}
		if err := ts.RevokeToken(ctx, pos[0], a.Now()); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "token %q revoked\n", term(pos[0]))
		return nil
	}
	return alliance.Errorf(alliance.EINVALID, "unknown token subcommand %q: want create, list or revoke", sub)
}
