// Package grafana holds the tests of the Grafana dashboard and the
// Prometheus alert rules: every metric they query exists in what a running
// schemareg server and syncer expose, and the rules parse.
package grafana

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/gittest"
)

// external are the series the dashboard and the rules read from
// kube-state-metrics, not from schemareg: the snapshot runs as a CronJob.
var external = map[string]bool{"kube_cronjob_status_last_successful_time": true}

const rulesFile = "../prometheus/schemareg-rules.yaml"

// exprs returns every PromQL expression of the dashboard and the rules.
func exprs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	data, err := os.ReadFile("schemareg.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("schemareg.json: %v", err)
	}
	for _, p := range dash.Panels {
		for i, tg := range p.Targets {
			out[fmt.Sprintf("dashboard panel %q target %d", p.Title, i)] = tg.Expr
		}
	}
	groups, errs := parseRules(rulesFile)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", rulesFile, errs)
	}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			out["rule "+r.Alert+r.Record] = r.Expr
		}
	}
	if len(out) < 10 {
		t.Fatalf("found %d expressions; want the whole dashboard and the rules", len(out))
	}
	return out
}

// metricNames parses expr and returns the metric names it selects.
func metricNames(expr string) ([]string, error) {
	// Grafana's variables are not PromQL; give them a value.
	expr = strings.ReplaceAll(expr, "$__rate_interval", "5m")
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		return nil, err
	}
	var names []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			names = append(names, vs.Name)
		}
		return nil
	})
	return names, nil
}

func parseRules(path string) (*rulefmt.RuleGroups, []error) {
	return rulefmt.ParseFile(path, false, model.UTF8Validation, parser.NewParser(parser.Options{}), slog.New(slog.DiscardHandler))
}

// TestRulesParse checks the rule file with Prometheus' own parser and that
// the four promised alerts are there.
func TestRulesParse(t *testing.T) {
	groups, errs := parseRules(rulesFile)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", rulesFile, errs)
	}
	have := map[string]bool{}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			have[r.Alert] = true
		}
	}
	for _, want := range []string{"SchemaregNoReadyServer", "SchemaregErrorRatio", "SchemaregGenerationStale", "SchemaregSnapshotTooOld"} {
		if !have[want] {
			t.Errorf("no alert %s in %s", want, rulesFile)
		}
	}
	bad := []byte("groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: sum(\n")
	path := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(path, bad, 0o644)
	if _, errs := parseRules(path); len(errs) == 0 {
		t.Error("the rule parser accepted a broken expression")
	}
}

// TestQueriedMetricsExist runs a server and a syncer against an embedded
// etcd, publishes a repository, asks the server a few things, scrapes both,
// takes a snapshot that pushes its metrics, and requires every metric the
// dashboard and the rules query.
func TestQueriedMetricsExist(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it")
	}
	bin := filepath.Join(t.TempDir(), "schemareg")
	build := exec.Command("go", "build", "-o", bin, "./cmd/schemareg")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	etcd := etcdtest.Start(t)
	endpoints := strings.Join(etcd.Endpoints(), ",")
	repo := gittest.New(t)
	repo.Write("schemas/ticks_v1.json", `{"id": "ticks_v1", "version": "1.0.0", "type": "object", "properties": {"ts": {"type": "string"}}}`)
	repo.Commit("ticks")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	serverAddr, syncAddr := freeAddr(t), freeAddr(t)
	start(ctx, t, bin, "serve", "-addr", serverAddr, "-etcd", endpoints, "-cache-ttl", "1ms")
	start(ctx, t, bin, "sync", "-watch", "-repo", repo.Dir, "-metrics-addr", syncAddr, "-etcd", endpoints)

	// The server is ready once the syncer has published a generation.
	waitOK(ctx, t, "http://"+serverAddr+"/ready")
	for _, p := range []string{"/schemas", "/schema/ticks_v1", "/schema/ticks_v1", "/schema/missing_v1", "/health"} {
		if resp, err := http.Get("http://" + serverAddr + p); err == nil {
			resp.Body.Close()
		}
	}
	exposed := map[string]bool{}
	scrape(t, "http://"+serverAddr+"/metrics", exposed)
	scrape(t, "http://"+syncAddr+"/metrics", exposed)
	// A snapshot is a batch job: it pushes its metrics to a Pushgateway,
	// here a stand-in that records the names it is sent.
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dec := expfmt.NewDecoder(r.Body, expfmt.ResponseFormat(r.Header))
		for {
			var mf dto.MetricFamily
			if err := dec.Decode(&mf); err != nil {
				break
			}
			exposed[mf.GetName()] = true
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer gw.Close()
	snap := exec.CommandContext(ctx, bin, "snapshot", "-etcd", endpoints, "-to", "file://"+t.TempDir(), "-pushgateway", gw.URL)
	if out, err := snap.CombinedOutput(); err != nil {
		t.Fatalf("schemareg snapshot: %v\n%s", err, out)
	}

	var missing []string
	for where, expr := range exprs(t) {
		names, err := metricNames(expr)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		for _, n := range names {
			if !exposed[n] && !external[n] {
				missing = append(missing, fmt.Sprintf("%s: %s", where, n))
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("metric not exposed by the server or the syncer: %s", m)
	}
}

func start(ctx context.Context, t *testing.T, bin string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		<-done
		if t.Failed() {
			t.Logf("schemareg %s:\n%s", args[0], logs.String())
		}
	})
}

// waitOK asks url until it answers 200 or ctx ends.
func waitOK(ctx context.Context, t *testing.T, url string) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no 200 from %s", url)
		case <-tick.C:
		}
	}
}

// scrape adds the metric names of a Prometheus text exposition to names,
// with the series names histograms and summaries expand to.
func scrape(t *testing.T, url string, names map[string]bool) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		name, _, _ := strings.Cut(line, " ")
		name, _, _ = strings.Cut(name, "{")
		names[name] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
