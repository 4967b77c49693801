package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

// MustBinary builds the real alliance binary once per test run and returns
// its path, for tests that start real processes.
func MustBinary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "alliance-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "alliance")
		var out []byte
		if out, binErr = exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); binErr != nil {
			binErr = &buildError{binErr, string(out)}
		}
	})
	if binErr != nil {
		tb.Fatalf("build: %v", binErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}
