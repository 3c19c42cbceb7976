package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPythonClient runs the Python client's unittest suite: it starts
// "schemareg dev" from the binary TestMain built and drives it over HTTP,
// and runs the python block of docs/api.md. Without python3 it fails: the
// client is part of what make test proves.
func TestPythonClient(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: runs the built binary")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 is needed to test clients/python (apt-get install python3): %v", err)
	}
	dir, err := filepath.Abs("../clients/python")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), py, "-m", "unittest", "discover", "-v", "-s", "tests", "-t", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SCHEMAREG_BIN="+binary, "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3 -m unittest: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
