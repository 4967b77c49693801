// Package postgrestest gives tests a fresh PostgreSQL database of their own.
//
// The server comes from ALLIANCE_TEST_POSTGRES_DSN (default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable), a database a
// user who may CREATE DATABASE can connect to. When no server answers, tests
// are skipped, unless ALLIANCE_TEST_POSTGRES_REQUIRED=1 (CI sets it): then
// they fail.
package postgrestest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DefaultDSN is the server tests use when ALLIANCE_TEST_POSTGRES_DSN is unset.
const DefaultDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerDSN is the DSN of the test server's maintenance database.
func ServerDSN() string {
	if d := os.Getenv("ALLIANCE_TEST_POSTGRES_DSN"); d != "" {
		return d
	}
	return DefaultDSN
}

var (
	reachOnce sync.Once
	reachErr  error
)

// MustServer skips tb (or fails it, when PostgreSQL is required) unless the
// test server answers. A server that answers and refuses (a wrong password,
// a missing database) fails tb.
func MustServer(tb testing.TB) {
	tb.Helper()
	reachOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, ServerDSN())
		if err != nil {
			reachErr = err
			return
		}
		c.Close(ctx)
	})
	var pe *pgconn.PgError
	if errors.As(reachErr, &pe) {
		// The server answered, and refused: that is a broken setup, not an absent server.
		tb.Fatalf("PostgreSQL at %s refused the tests: %v", redact(ServerDSN()), reachErr)
	}
	if reachErr != nil {
		msg := "no PostgreSQL reachable at " + redact(ServerDSN()) + " (" + reachErr.Error() + "); set ALLIANCE_TEST_POSTGRES_DSN to a server where the user may CREATE DATABASE"
		if os.Getenv("ALLIANCE_TEST_POSTGRES_REQUIRED") == "1" {
			tb.Fatal(msg + ", which ALLIANCE_TEST_POSTGRES_REQUIRED=1 demands")
		}
		tb.Skip(msg)
	}
}

// MustDatabase creates an empty database alliance_test_<random> on the test
// server and returns its DSN; the database is dropped (WITH (FORCE), closing
// any connection left) when tb ends.
func MustDatabase(tb testing.TB) string {
	tb.Helper()
	MustServer(tb)
	dsn, drop, err := CreateDatabase()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := drop(); err != nil {
			tb.Error(err)
		}
	})
	return dsn
}

// CreateDatabase creates an empty database alliance_test_<random> on the
// test server and returns its DSN and the function that drops it, for a
// test whose databases outlive the subtest that creates them.
func CreateDatabase() (dsn string, drop func() error, err error) {
	var b [6]byte
	rand.Read(b[:])
	name := "alliance_test_" + hex.EncodeToString(b[:])
	admin := func(q string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, ServerDSN())
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, q)
		return err
	}
	dsn, err = withDatabase(ServerDSN(), name)
	if err != nil {
		return "", nil, err
	}
	if err := admin("CREATE DATABASE " + name); err != nil {
		return "", nil, fmt.Errorf("create test database %s: %w", name, err)
	}
	return dsn, func() error {
		if err := admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop test database %s: %w", name, err)
		}
		return nil
	}, nil
}

// WithDatabase returns dsn (a URL) naming another database on the same server.
func WithDatabase(tb testing.TB, dsn, name string) string {
	tb.Helper()
	d, err := withDatabase(dsn, name)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("ALLIANCE_TEST_POSTGRES_DSN must be a postgres:// URL")
	}
	u.Path = "/" + name
	return u.String(), nil
}

// redact hides a password in a URL.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(an unreadable URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
