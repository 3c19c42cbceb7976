package hostile

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNDJSONTrickleCutOff: clients that hold NDJSON batches open by
// sending a KiB of blank lines now and then, within --stream-idle, are cut
// off at --stream-timeout, all of them, while others are served.
func TestNDJSONTrickleCutOff(t *testing.T) {
	needBinary(t)
	srv := startServer(t, newRepo(t, map[string]string{"schemas/ticks_v1.json": ticks("1.0.0", "")}),
		"--stream-idle", "500ms", "--stream-timeout", "2s")
	addr := strings.TrimPrefix(srv.base, "http://")
	const clients, maxChunks = 20, 600 // 600 chunks at 100 ms: a minute
	var wg sync.WaitGroup
	answers := make([]string, clients)
	sent := make([]int, clients)
	for i := range clients {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /schema/ticks_v1/compat HTTP/1.1\r\nHost: registry\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
		closed := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer close(closed)
			data, _ := io.ReadAll(c) // returns when the server closes
			answers[i] = string(data)
		}()
		go func() {
			defer wg.Done()
			blank := fmt.Sprintf("%x\r\n%s\r\n", 1024, strings.Repeat("\n", 1024))
			for sent[i] = 0; sent[i] < maxChunks; sent[i]++ {
				select {
				case <-closed:
					return
				case <-time.After(100 * time.Millisecond):
				}
				if _, err := io.WriteString(c, blank); err != nil {
					return
				}
			}
		}()
	}
	// Others are served meanwhile.
	if code, body := srv.post(t, "/schema/ticks_v1/compat", "application/x-ndjson", `{"symbol":"A","price":1}`+"\n"); code != http.StatusOK || !strings.Contains(body, `"valid":true`) {
		t.Errorf("a batch beside the trickles: %d %s", code, body)
	}
	if code, _ := get(t, srv.client, srv.base+"/schema/ticks_v1"); code != http.StatusOK {
		t.Errorf("a read beside the trickles: %d", code)
	}
	wg.Wait()
	for i := range clients {
		if sent[i] >= maxChunks {
			t.Errorf("client %d trickled %d chunks: never cut off", i, sent[i])
		}
		if !strings.Contains(answers[i], `"code":"timeout"`) || strings.Contains(answers[i], "127.0.0.1") {
			t.Errorf("client %d: answer %q, want a timeout error line without addresses", i, answers[i])
		}
	}
}
