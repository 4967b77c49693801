package postgres

import "time"

// SetWatchIdleCheck sets how often an idle Watch checks its connection, and
// returns the function that restores it.
func SetWatchIdleCheck(d time.Duration) func() {
	old := watchIdleCheck
	watchIdleCheck = d
	return func() { watchIdleCheck = old }
}

// SetIdleTimeout sets how long an append may hold the lock idle, and returns
// the function that restores it.
func SetIdleTimeout(d time.Duration) func() {
	old := idleTimeout
	idleTimeout = d
	return func() { idleTimeout = old }
}
