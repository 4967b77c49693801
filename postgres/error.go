package postgres

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"alliance"
)

// connectErr explains an error met while connecting.
func (s *Store) connectErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "3D000": // invalid_catalog_name
			return alliance.Errorf(alliance.ENOTFOUND, "no database %q on the PostgreSQL server %s (create it with `createdb`)", s.conn.Database, s.hostPort())
		case "28P01", "28000": // invalid_password, invalid_authorization_specification
			return alliance.Errorf(alliance.EINVALID, "PostgreSQL at %s refused user %q for database %q: check the user and password (%s)", s.hostPort(), s.conn.User, s.conn.Database, pe.Message)
		}
		return s.mapErr("connect", err)
	}
	return alliance.Errorf(alliance.EINVALID, "cannot connect to PostgreSQL at %s (user %q, database %q): %s; is the server running and the address right?",
		s.hostPort(), s.conn.User, s.conn.Database, rootCause(err))
}

// hostPort is the server's address as a user typed it.
func (s *Store) hostPort() string {
	return fmt.Sprintf("%s:%d", s.conn.Host, s.conn.Port)
}

// rootCause says briefly why a connection failed: "connect: connection
// refused", "lookup db.example: no such host". pgx's own text repeats the
// address, and once per attempt (sslmode=prefer tries twice).
func rootCause(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Error()
	}
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

// mapErr turns driver errors into domain errors by SQLSTATE, never by
// message text.
func (s *Store) mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "40001", pe.Code == "40P01", pe.Code == "55P03": // serialization_failure, deadlock_detected, lock_not_available
			return alliance.Errorf(alliance.ECONFLICT, "database %s is busy: another instance kept the ledger locked for more than %s; try again", s.where, LockTimeout)
		case pe.Code == "25P03": // idle_in_transaction_session_timeout
			return alliance.Errorf(alliance.ECONFLICT, "database %s abandoned the append: it held the ledger's lock idle for more than %s; try again", s.where, idleTimeout)
		case pe.Code == "25006": // read_only_sql_transaction
			return alliance.Errorf(alliance.EINVALID, "cannot write database %s: it is read-only", s.where)
		case pe.Code == "42501": // insufficient_privilege
			return alliance.Errorf(alliance.EINVALID, "cannot %s in database %s: user %q lacks the privilege (%s)", op, s.where, s.conn.User, pe.Message)
		case pe.Code == "42P01", pe.Code == "42703": // undefined_table, undefined_column
			return alliance.Errorf(alliance.ECORRUPT, "%s is not a readable alliance ledger (%s): it was left untouched", s.where, pe.Message)
		case pe.Code == "AL001": // the append-only triggers
			return alliance.Errorf(alliance.ECONFLICT, "%s: %s", op, pe.Message)
		case pe.Code == "23505", pe.Code == "23503": // unique_violation, foreign_key_violation
			return alliance.Errorf(alliance.ECONFLICT, "%s: %s", op, pe.Message)
		case pe.Code == "3D000":
			return alliance.Errorf(alliance.ENOTFOUND, "database %s no longer exists", s.where)
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57P"), pe.Code == "53300":
			// connection_exception, operator_intervention (shutdown), too_many_connections
			return alliance.Errorf(alliance.EINTERNAL, "lost the connection to PostgreSQL at %s during %s: %s", s.hostPort(), op, pe.Message)
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return alliance.Errorf(alliance.EINTERNAL, "cannot connect to PostgreSQL at %s during %s: %s", s.hostPort(), op, rootCause(err))
	}
	return fmt.Errorf("%s: %w", op, err)
}
