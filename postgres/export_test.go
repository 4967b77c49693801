package postgres

import "time"

// SetWatchIdleCheck sets how often an idle Watch checks its connection, and
// returns the function that restores it.
func SetWatchIdleCheck(d time.Duration) func() {
	old := watchIdleCheck
	watchIdleCheck = d
	return func() { watchIdleCheck = old }
}
