package postgres

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// describe names the database for messages: the URL without any password.
func describe(c *pgx.ConnConfig) string {
	host := c.Host
	if strings.HasPrefix(host, "/") {
		host = "[" + host + "]" // a Unix socket folder
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", c.User, host, c.Port, c.Database)
}

// Redact returns dsn with any password replaced by "xxxxx", for messages
// and logs. A string it cannot read is replaced whole.
func Redact(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		scheme, rest, _ := strings.Cut(dsn, "://")
		// The authority ends at the first "/" or "?"; its userinfo at the last "@".
		end := strings.IndexAny(rest, "/?")
		if end < 0 {
			end = len(rest)
		}
		auth, tail := rest[:end], rest[end:]
		if at := strings.LastIndex(auth, "@"); at >= 0 {
			if user, _, ok := strings.Cut(auth[:at], ":"); ok {
				auth = user + ":xxxxx" + auth[at:]
			}
		}
		if q := strings.Index(tail, "?"); q >= 0 {
			params := strings.Split(tail[q+1:], "&")
			for i, p := range params {
				if k, _, _ := strings.Cut(p, "="); strings.EqualFold(k, "password") {
					params[i] = k + "=xxxxx"
				}
			}
			tail = tail[:q+1] + strings.Join(params, "&")
		}
		return scheme + "://" + auth + tail
	}
	if !strings.Contains(dsn, "=") {
		return "(an unreadable PostgreSQL address)"
	}
	// key=value form: values may be quoted and contain spaces.
	var b strings.Builder
	for i := 0; i < len(dsn); {
		j := strings.Index(dsn[i:], "password")
		if j < 0 {
			b.WriteString(dsn[i:])
			break
		}
		j += i
		k := j + len("password")
		for k < len(dsn) && dsn[k] == ' ' {
			k++
		}
		if k >= len(dsn) || dsn[k] != '=' {
			b.WriteString(dsn[i:k])
			i = k
			continue
		}
		b.WriteString(dsn[i:j] + "password=xxxxx")
		k++
		for k < len(dsn) && dsn[k] == ' ' {
			k++
		}
		if k < len(dsn) && dsn[k] == '\'' {
			for k++; k < len(dsn) && dsn[k] != '\''; k++ {
				if dsn[k] == '\\' {
					k++
				}
			}
			k++
		} else {
			for k < len(dsn) && dsn[k] != ' ' {
				k++
			}
		}
		i = min(k, len(dsn))
	}
	return b.String()
}
