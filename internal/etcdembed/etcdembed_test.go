package etcdembed

import (
	"net"
	"strconv"
	"testing"
)

// TestFreePort draws ports that bind, below the ephemeral range where the
// system has one with room beneath it.
func TestFreePort(t *testing.T) {
	lo, hi, below := belowEphemeral()
	for range 20 {
		port, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if below && (port < lo || port >= hi) {
			t.Errorf("port %d, want one in [%d, %d), below the ephemeral range", port, lo, hi)
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			t.Fatalf("port %d does not bind: %v", port, err)
		}
		l.Close()
	}
}
