package dev

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// TestPortInUseSaysHowToPickAnother: a taken port is an error that names
// the way out, not only the system's "address already in use".
func TestPortInUseSaysHowToPickAnother(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	err = Run(t.Context(), Config{Repo: t.TempDir(), DataDir: filepath.Join(t.TempDir(), "data"), Addr: taken.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), "address already in use") || !strings.Contains(err.Error(), "SCHEMAREG_ADDR=:8001 make run") {
		t.Errorf("dev on a taken port: %v", err)
	}
}
