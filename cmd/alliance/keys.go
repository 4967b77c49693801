package main

import (
	"path/filepath"

	"alliance"
	"alliance/auth"
	"alliance/ledger"
)

// configDir is where a user's signing key and keyring live:
// $XDG_CONFIG_HOME/alliance, else ~/.config/alliance.
func (a *App) configDir() (string, error) {
	if d := a.Getenv("ALLIANCE_CONFIG"); d != "" {
		return d, nil
	}
	if d := a.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "alliance"), nil
	}
	home := a.Getenv("HOME")
	if home == "" {
		return "", alliance.Errorf(alliance.EINVALID, "no folder for the signing key: set ALLIANCE_CONFIG or XDG_CONFIG_HOME (HOME is not set)")
	}
	return filepath.Join(home, ".config", "alliance"), nil
}

// userKey loads the user's signing key, creating it and trusting it on first
// use; created says whether it was made now, path where it is.
func (a *App) userKey() (k auth.Key, path string, created bool, err error) {
	dir, err := a.configDir()
	if err != nil {
		return k, "", false, err
	}
	name := a.Getenv("ALLIANCE_RECORDER")
	if name == "" {
		name = a.Getenv("USER")
	}
	if name == "" {
		name = "user"
	}
	path = filepath.Join(dir, "signing.key")
	k, created, err = auth.LoadOrCreateKey(path, auth.RecorderName(name))
	if err != nil {
		return k, path, false, err
	}
	if err := auth.Trust(filepath.Join(dir, "keyring"), k); err != nil {
		return k, path, created, err
	}
	return k, path, created, nil
}

// trusted returns the keys verify trusts: the user's keyring (which holds
// their own key once they have recorded) and any --keyring files.
func (a *App) trusted(extra []string) (ledger.Keyring, error) {
	r := ledger.Keyring{}
	if dir, err := a.configDir(); err == nil {
		own, err := auth.ReadKeyring(filepath.Join(dir, "keyring"), true)
		if err != nil {
			return nil, err
		}
		for k, v := range own {
			r[k] = v
		}
	}
	for _, p := range extra {
		kr, err := auth.ReadKeyring(p, false)
		if err != nil {
			return nil, err
		}
		for k, v := range kr {
			r[k] = v
		}
	}
	return r, nil
}
