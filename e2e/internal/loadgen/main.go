// Command loadgen puts a schemareg server under sustained read load and
// checks every answer, for the soak test (.ci/soak, "make soak").
//
//	loadgen -url http://127.0.0.1:8000 -duration 5m -c 16
//
// Its clients read what clients read: versions by number (the bytes must
// digest to the ETag, and to the digest the version list gave), latest
// versions, version lists, the list of schemas and its pages, and
// conditional GETs that must answer 304. It follows new generations: every
// -refresh it reads /schemas again, and the version list of each schema
// whose latest version moved. Any other status, a transport error or bytes
// that do not match count as errors. It prints progress every -every and,
// at the end, requests per second, the error count, latency percentiles and
// a last line "RESULT key=value ..." for scripts; it exits 1 when there was
// an error.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8000", "the server's base URL")
	duration := flag.Duration("duration", 5*time.Minute, "how long to put load on the server")
	conc := flag.Int("c", 16, "concurrent clients, each on its own keep-alive connection")
	refresh := flag.Duration("refresh", 2*time.Second, "how often to read /schemas again to follow new generations")
	every := flag.Duration("every", 30*time.Second, "how often to print progress")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, strings.TrimSuffix(*base, "/"), *duration, *conc, *refresh, *every, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// version is one version of a schema as a version list gives it.
type version struct {
	Version string `json:"version"`
	Digest  string `json:"digest"`
}

// catalog is what the clients pick their requests from.
type catalog struct {
	ids      []string
	latest   map[string]string // id → latest version's digest
	versions map[string][]version
}

// stats are one client's figures.
type stats struct {
	latencies []time.Duration
	errors    int
	samples   []string
	byKind    map[string]int
}

func (s *stats) fail(format string, args ...any) {
	s.errors++
	if len(s.samples) < 5 {
		s.samples = append(s.samples, fmt.Sprintf(format, args...))
	}
}

type loader struct {
	base   string
	client *http.Client
	cat    atomic.Pointer[catalog]
	done   atomic.Int64
	errs   atomic.Int64
	gens   atomic.Int64 // catalog changes seen
}

func run(ctx context.Context, base string, duration time.Duration, conc int, refresh, every time.Duration, out io.Writer) error {
	l := &loader{base: base, client: &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, DisableCompression: true,
			IdleConnTimeout: 90 * time.Second},
	}}
	var st stats
	cat, err := l.load(ctx, nil, &st)
	if err != nil {
		return fmt.Errorf("read the catalog: %w", err)
	}
	l.cat.Store(cat)
	fmt.Fprintf(out, "loadgen: %d schemas, %d clients, %s against %s\n", len(cat.ids), conc, duration, base)

	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	start := time.Now()
	all := make([]*stats, conc+1)
	all[conc] = &st
	var wg sync.WaitGroup
	for i := 0; i < conc; i++ {
		all[i] = &stats{byKind: map[string]int{}}
		wg.Add(1)
		go func(s *stats, rnd *rand.Rand) {
			defer wg.Done()
			for ctx.Err() == nil {
				l.one(ctx, rnd, s)
			}
		}(all[i], rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano()))))
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick, progress := time.NewTicker(refresh), time.NewTicker(every)
		defer tick.Stop()
		defer progress.Stop()
		last, lastAt := int64(0), start
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if next, err := l.load(ctx, l.cat.Load(), &st); err == nil {
					l.cat.Store(next)
				} else if ctx.Err() == nil {
					st.fail("refresh: %v", err)
				}
			case now := <-progress.C:
				n := l.done.Load()
				fmt.Fprintf(out, "loadgen: %5.0fs %9d requests %8.0f/s %d errors, %d catalog changes\n",
					now.Sub(start).Seconds(), n, float64(n-last)/now.Sub(lastAt).Seconds(), l.errs.Load(), l.gens.Load())
				last, lastAt = n, now
			}
		}
	}()
	wg.Wait()
	elapsed := time.Since(start)
	return report(out, all, elapsed, l.gens.Load())
}

// one makes one request of a random kind and checks its answer.
func (l *loader) one(ctx context.Context, rnd *rand.Rand, s *stats) {
	cat := l.cat.Load()
	id := cat.ids[rnd.IntN(len(cat.ids))]
	vs := cat.versions[id]
	v := vs[rnd.IntN(len(vs))]
	var kind, path string
	var header []string
	switch x := rnd.IntN(100); {
	case x < 40:
		kind, path = "version", "/schema/"+id+"/"+v.Version
	case x < 60:
		kind, path = "latest", "/schema/"+id
	case x < 75:
		kind, path = "versions", "/schema/"+id+"/versions"
	case x < 82:
		kind, path = "schemas", "/schemas"
	case x < 90:
		kind, path = "page", "/schemas?limit=50&after="+cat.ids[rnd.IntN(len(cat.ids))]
	default:
		kind, path = "not-modified", "/schema/"+id+"/"+v.Version
		header = []string{"If-None-Match", `"` + v.Digest + `"`}
	}
	t0 := time.Now()
	status, etag, body, err := l.get(ctx, path, header...)
	took := time.Since(t0)
	if ctx.Err() != nil {
		return // the run ended in the middle of it: not counted
	}
	s.latencies = append(s.latencies, took)
	s.byKind[kind]++
	l.done.Add(1)
	bad := func(format string, args ...any) {
		l.errs.Add(1)
		s.fail("GET %s: "+format, append([]any{path}, args...)...)
	}
	switch {
	case err != nil:
		bad("%v", err)
	case kind == "not-modified":
		if status != http.StatusNotModified || etag != `"`+v.Digest+`"` {
			bad("%d ETag %s, want 304 %s", status, etag, v.Digest)
		}
	case status != http.StatusOK:
		bad("%d %.200s", status, body)
	case kind == "version":
		if d := digest(body); etag != `"`+v.Digest+`"` || d != v.Digest {
			bad("ETag %s, body %s, the version list says %s", etag, d, v.Digest)
		}
	case kind == "latest":
		if d := digest(body); etag != `"`+d+`"` {
			bad("ETag %s, body %s", etag, d)
		}
	default:
		if !json.Valid(body) {
			bad("not JSON: %.200s", body)
		}
	}
}

// load reads /schemas and the version list of every schema whose latest
// version is not the one prev knows.
func (l *loader) load(ctx context.Context, prev *catalog, s *stats) (*catalog, error) {
	var list struct {
		Schemas []struct {
			ID     string `json:"id"`
			Digest string `json:"digest"`
		} `json:"schemas"`
	}
	if err := l.getJSON(ctx, "/schemas", &list); err != nil {
		return nil, err
	}
	if len(list.Schemas) == 0 {
		return nil, errors.New("no schemas published")
	}
	cat := &catalog{latest: map[string]string{}, versions: map[string][]version{}}
	changed := false
	for _, e := range list.Schemas {
		cat.ids = append(cat.ids, e.ID)
		cat.latest[e.ID] = e.Digest
		if prev != nil && prev.latest[e.ID] == e.Digest {
			cat.versions[e.ID] = prev.versions[e.ID]
			continue
		}
		changed = true
		var vl struct {
			Versions []version `json:"versions"`
		}
		if err := l.getJSON(ctx, "/schema/"+e.ID+"/versions", &vl); err != nil {
			return nil, err
		}
		if len(vl.Versions) == 0 {
			return nil, fmt.Errorf("%s has no versions", e.ID)
		}
		cat.versions[e.ID] = vl.Versions
	}
	if prev != nil && (changed || len(prev.ids) != len(cat.ids)) {
		l.gens.Add(1)
	}
	return cat, nil
}

func (l *loader) getJSON(ctx context.Context, path string, v any) error {
	status, _, body, err := l.get(ctx, path)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %.200s", path, status, body)
	}
	return json.Unmarshal(body, v)
}

func (l *loader) get(ctx context.Context, path string, header ...string) (int, string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.base+path, nil)
	if err != nil {
		return 0, "", nil, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), body, err
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// report prints the figures of the run and returns an error when any
// request failed.
func report(out io.Writer, all []*stats, elapsed time.Duration, gens int64) error {
	var lat []time.Duration
	errs := 0
	kinds := map[string]int{}
	var samples []string
	for _, s := range all {
		lat = append(lat, s.latencies...)
		errs += s.errors
		samples = append(samples, s.samples...)
		for k, n := range s.byKind {
			kinds[k] += n
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	var mix []string
	for _, k := range names {
		mix = append(mix, fmt.Sprintf("%s %d", k, kinds[k]))
	}
	rps := float64(len(lat)) / elapsed.Seconds()
	fmt.Fprintf(out, "loadgen: %d requests in %s: %.0f requests/s, %d errors, %d catalog changes followed\n", len(lat), elapsed.Round(time.Millisecond), rps, errs, gens)
	fmt.Fprintf(out, "loadgen: latency p50 %s ms, p90 %s ms, p99 %s ms, p99.9 %s ms, max %s ms\n", ms(pct(0.5)), ms(pct(0.9)), ms(pct(0.99)), ms(pct(0.999)), ms(pct(1)))
	fmt.Fprintf(out, "loadgen: mix: %s\n", strings.Join(mix, ", "))
	for _, s := range samples {
		fmt.Fprintf(out, "loadgen: error: %s\n", s)
	}
	fmt.Fprintf(out, "RESULT requests=%d seconds=%.1f rps=%.0f errors=%d p50_ms=%s p99_ms=%s generations=%d\n",
		len(lat), elapsed.Seconds(), rps, errs, ms(pct(0.5)), ms(pct(0.99)), gens)
	if errs > 0 {
		return fmt.Errorf("%d errors", errs)
	}
	return nil
}
