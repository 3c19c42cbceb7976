package site

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// browser is a headless Chromium driven over the Chrome DevTools Protocol.
type browser struct {
	ws      *websocket.Conn
	mu      sync.Mutex
	nextID  int
	pending map[int]chan cdpMessage
	// problems collects uncaught exceptions and console errors of pages.
	problems []string
}

// cdpMessage is a command, a reply or an event.
type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// startBrowser starts Chromium with a fresh profile and connects to it; the
// test's end closes it.
func startBrowser(t *testing.T, bin string) *browser {
	t.Helper()
	profile := t.TempDir()
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
		"--remote-debugging-port=0", "--remote-allow-origins=http://127.0.0.1",
		"--user-data-dir="+profile, "--window-size=1280,900", "about:blank")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// Chromium's helpers share its process group.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})
	ws := ""
	deadline := time.Now().Add(60 * time.Second)
	for ws == "" {
		select {
		case <-exited:
			t.Fatalf("%s exited: %s", bin, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s wrote no DevToolsActivePort: %s", bin, stderr.String())
		}
		if data, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort")); err == nil {
			if port, path, ok := strings.Cut(strings.TrimSpace(string(data)), "\n"); ok {
				ws = "ws://127.0.0.1:" + port + path
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cfg, err := websocket.NewConfig(ws, "http://127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := cfg.DialContext(t.Context())
	if err != nil {
		t.Fatalf("connect to %s: %v", ws, err)
	}
	b := &browser{ws: conn, pending: map[int]chan cdpMessage{}}
	go b.read()
	t.Cleanup(func() { conn.Close() })
	return b
}

// read dispatches replies to their callers and records page problems.
func (b *browser) read() {
	for {
		var m cdpMessage
		if err := websocket.JSON.Receive(b.ws, &m); err != nil {
			b.mu.Lock()
			for id, ch := range b.pending {
				close(ch)
				delete(b.pending, id)
			}
			b.pending = nil
			b.mu.Unlock()
			return
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.pending[m.ID]
			delete(b.pending, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		b.event(m)
	}
}

func (b *browser) event(m cdpMessage) {
	var problem string
	switch m.Method {
	case "Runtime.exceptionThrown":
		var p struct {
			ExceptionDetails struct {
				Text      string `json:"text"`
				URL       string `json:"url"`
				Exception struct {
					Description string `json:"description"`
				} `json:"exception"`
			} `json:"exceptionDetails"`
		}
		json.Unmarshal(m.Params, &p)
		d := p.ExceptionDetails
		problem = "exception: " + d.Text + " " + d.Exception.Description + " at " + d.URL
	case "Log.entryAdded":
		var p struct {
			Entry struct {
				Level, Text, URL string
			} `json:"entry"`
		}
		json.Unmarshal(m.Params, &p)
		if p.Entry.Level == "error" && !strings.HasSuffix(p.Entry.URL, "/favicon.ico") {
			problem = "console: " + p.Entry.Text + " " + p.Entry.URL
		}
	case "Page.javascriptDialogOpening":
		problem = "a dialog opened: " + string(m.Params)
	}
	if problem != "" {
		b.mu.Lock()
		b.problems = append(b.problems, problem)
		b.mu.Unlock()
	}
}

// call sends a command, to a page when session is set, and decodes its
// result into out.
func (b *browser) call(ctx context.Context, session, method string, params, out any) error {
	raw, err := json.Marshal(params)
	if err != nil {
		return err
	}
	ch := make(chan cdpMessage, 1)
	b.mu.Lock()
	if b.pending == nil {
		b.mu.Unlock()
		return errors.New("the browser connection is closed")
	}
	b.nextID++
	id := b.nextID
	b.pending[id] = ch
	b.mu.Unlock()
	if err := websocket.JSON.Send(b.ws, cdpMessage{ID: id, Method: method, Params: raw, SessionID: session}); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m, ok := <-ch:
		switch {
		case !ok:
			return fmt.Errorf("%s: the browser connection closed", method)
		case m.Error != nil:
			return fmt.Errorf("%s: %s", method, m.Error.Message)
		case out != nil:
			return json.Unmarshal(m.Result, out)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// tab is one page of the browser.
type tab struct {
	t       *testing.T
	ctx     context.Context
	b       *browser
	session string
	shots   string // folder of the screenshots
	n       int
}

// newTab opens a page with its runtime and log events on.
func (b *browser) newTab(t *testing.T, ctx context.Context, shots string) *tab {
	t.Helper()
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		t.Fatal(err)
	}
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached); err != nil {
		t.Fatal(err)
	}
	p := &tab{t: t, ctx: ctx, b: b, session: attached.SessionID, shots: shots}
	for _, domain := range []string{"Page.enable", "Runtime.enable", "Log.enable"} {
		p.do(domain, nil, nil)
	}
	return p
}

func (p *tab) do(method string, params, out any) {
	p.t.Helper()
	if params == nil {
		params = map[string]any{}
	}
	if err := p.b.call(p.ctx, p.session, method, params, out); err != nil {
		p.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression and decodes its value into out.
func (p *tab) eval(expr string, out any) {
	p.t.Helper()
	if err := p.tryEval(expr, out); err != nil {
		p.t.Fatal(err)
	}
}

// tryEval is eval, returning what went wrong.
func (p *tab) tryEval(expr string, out any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception *struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	params := map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}
	if err := p.b.call(p.ctx, p.session, "Runtime.evaluate", params, &r); err != nil {
		return err
	}
	if e := r.ExceptionDetails; e != nil {
		if e.Exception != nil {
			return fmt.Errorf("evaluate %s: %s: %s", expr, e.Text, e.Exception.Description)
		}
		return fmt.Errorf("evaluate %s: %s", expr, e.Text)
	}
	if out != nil {
		if err := json.Unmarshal(r.Result.Value, out); err != nil {
			return fmt.Errorf("evaluate %s: %s: %v", expr, r.Result.Value, err)
		}
	}
	return nil
}

// waitFor polls a JavaScript condition until it holds, for 30 seconds at
// the most. A page navigates while it is polled: an evaluation that fails
// because the document went away, or throws because the next one is not
// there yet, is tried again.
func (p *tab) waitFor(what, expr string) {
	p.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		var ok bool
		err := p.tryEval("!!("+expr+")", &ok)
		if err == nil && ok {
			return
		}
		select {
		case <-p.ctx.Done():
			p.t.Fatalf("waiting for %s (%s): %v (last evaluation: %v)", what, expr, p.ctx.Err(), err)
		case <-deadline:
			var url string
			p.tryEval("location.href", &url)
			p.t.Fatalf("waiting for %s (%s) at %s: 30 s went by (last evaluation: %v)", what, expr, url, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// navigate loads a URL and waits for the page to load.
func (p *tab) navigate(url string) {
	p.t.Helper()
	p.do("Page.navigate", map[string]any{"url": url}, nil)
	p.waitFor("the page "+url, `location.href === `+jsString(url)+` && document.readyState === "complete"`)
}

// click clicks the middle of the element a selector finds, as a mouse does.
func (p *tab) click(selector string) {
	p.t.Helper()
	var at struct{ X, Y float64 }
	p.eval(`(() => { const e = document.querySelector(`+jsString(selector)+`);
		if (!e) throw new Error("no element "+`+jsString(selector)+`);
		e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect();
		return {X: r.x + r.width / 2, Y: r.y + r.height / 2}; })()`, &at)
	p.do("Input.dispatchMouseEvent", map[string]any{"type": "mouseMoved", "x": at.X, "y": at.Y}, nil)
	for _, kind := range []string{"mousePressed", "mouseReleased"} {
		p.do("Input.dispatchMouseEvent", map[string]any{"type": kind, "x": at.X, "y": at.Y, "button": "left", "buttons": 1, "clickCount": 1}, nil)
	}
}

// key presses and releases a key such as "Tab" or "Escape".
func (p *tab) key(name string, code int) {
	p.t.Helper()
	for _, kind := range []string{"keyDown", "keyUp"} {
		p.do("Input.dispatchKeyEvent", map[string]any{"type": kind, "key": name, "code": name, "windowsVirtualKeyCode": code}, nil)
	}
}

// typeText types text into the focused element.
func (p *tab) typeText(text string) {
	p.t.Helper()
	p.do("Input.insertText", map[string]any{"text": text}, nil)
}

// screenshot saves a PNG of the page.
func (p *tab) screenshot(name string) {
	p.t.Helper()
	var shot struct {
		Data string `json:"data"`
	}
	p.do("Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": false}, &shot)
	data, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		p.t.Fatal(err)
	}
	p.n++
	file := filepath.Join(p.shots, fmt.Sprintf("%02d-%s.png", p.n, name))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// problems returns and clears what went wrong in pages so far.
func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.problems
	b.problems = nil
	return out
}

func jsString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

// findChromium finds Debian's chromium, installing it when the test runs as
// root with apt-get; it skips the test, saying why, when neither works.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("chromium is not installed and only root can install it: run `make deps` as root, or apt-get install chromium")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("chromium is not installed and there is no apt-get to install it")
	}
	t.Log("installing chromium for the browser test")
	install := exec.CommandContext(t.Context(), "sh", "-c", "apt-get update -qq && apt-get install -y -qq chromium")
	install.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := install.CombinedOutput(); err != nil {
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		var last string
		for sc.Scan() {
			last = sc.Text()
		}
		t.Skipf("chromium is not installed and apt-get could not install it: %v: %s", err, last)
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("apt-get installed chromium but it is not on PATH")
	}
	return p
}
