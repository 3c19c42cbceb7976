package syncer

import (
	"fmt"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/bundletest"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
)

// The benchmarks publish a bundle of benchSchemas schemas × benchVersions
// versions, the size the targets are set for: first publish under 3s and
// within 2× of etcd's own transactions writing the same keys and bytes
// (BenchmarkPublishFirstReference), an unchanged re-sync under 200ms, a
// one-version change under 100ms. They
// publish the way "sync" does after bundle.Read verified the bundle
// (Syncer.Trusted), with one Syncer across syncs as "sync --watch" keeps.
const (
	benchSchemas  = 1000
	benchVersions = 40
)

// BenchmarkPublishFirst publishes the bundle into an empty prefix of a new
// embedded etcd. Like its reference, it first does the same once, untimed:
// a new process and a new etcd grow their heaps and files on the first
// hundred thousand keys, whoever writes them.
func BenchmarkPublishFirst(b *testing.B) {
	bb := bundletest.Build(b, bundletest.Spec{Schemas: benchSchemas, Versions: benchVersions, Arrow: true})
	cli := etcdtest.Start(b).Client(b)
	warm := New(cli, testLogger(b))
	warm.Keys, warm.Trusted = etcdstore.Keys{Prefix: "/warmup"}, true
	if _, err := warm.Publish(b.Context(), bb); err != nil {
		b.Fatal(err)
	}
	var keys int
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s := New(cli, testLogger(b))
		s.Keys = etcdstore.Keys{Prefix: fmt.Sprintf("/bench%d", i)}
		s.Trusted = true
		start := time.Now()
		res, err := s.Publish(b.Context(), bb)
		if err != nil {
			b.Fatal(err)
		}
		keys = res.Keys
		b.Logf("first publish of %d×%d: %d keys, %d bytes in %v", benchSchemas, benchVersions, res.Keys, res.Bytes, time.Since(start))
	}
	b.ReportMetric(float64(keys), "keys/op")
}

// BenchmarkPublishFirstReference is the reference for BenchmarkPublishFirst:
// the same keys and bytes put by plain etcd transactions, in batches of the
// same limits with the same number in flight, and nothing else — no plan,
// no compares, no generation switch.
func BenchmarkPublishFirstReference(b *testing.B) {
	bb := bundletest.Build(b, bundletest.Spec{Schemas: benchSchemas, Versions: benchVersions, Arrow: true})
	cli := etcdtest.Start(b).Client(b)
	s := New(cli, testLogger(b))
	s.Keys = etcdstore.Keys{Prefix: "/plan"}
	s.Trusted = true
	p, err := s.plan(bb)
	if err != nil {
		b.Fatal(err)
	}
	changed := p.changed(nil)
	ex, err := s.readExisting(b.Context(), p, changed, nil)
	if err != nil {
		b.Fatal(err)
	}
	writes, mirrors, err := ex.writes(s.Keys, p, changed)
	if err != nil {
		b.Fatal(err)
	}
	writes = append(writes, mirrors...)
	var size int64
	for _, w := range writes {
		size += int64(len(w.value))
	}
	// put writes every key under prefix: the reference's whole work.
	put := func(prefix string) {
		batches := s.batches(writes, 1)
		next := make(chan []write)
		var wg sync.WaitGroup
		for range s.PipelineDepth {
			wg.Go(func() {
				for batch := range next {
					ops := make([]clientv3.Op, len(batch))
					for j, w := range batch {
						ops[j] = clientv3.OpPut(prefix+w.key, string(w.value))
					}
					if _, err := cli.Txn(b.Context()).Then(ops...).Commit(); err != nil {
						b.Error(err)
					}
				}
			})
		}
		for _, batch := range batches {
			next <- batch
		}
		close(next)
		wg.Wait()
	}
	put("/refwarmup")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		put(fmt.Sprintf("/ref%d", i))
		b.Logf("etcd transactions alone, %d×%d: %d keys, %d bytes in %v", benchSchemas, benchVersions, len(writes), size, time.Since(start))
	}
	b.ReportMetric(float64(len(writes)), "keys/op")
}

// BenchmarkPublishUnchanged re-syncs the published bundle: one read.
func BenchmarkPublishUnchanged(b *testing.B) {
	bb := bundletest.Build(b, bundletest.Spec{Schemas: benchSchemas, Versions: benchVersions, Arrow: true})
	cli := etcdtest.Start(b).Client(b)
	s := New(cli, testLogger(b))
	s.Trusted = true
	if _, err := s.Publish(b.Context(), bb); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := s.Publish(b.Context(), bb)
		if err != nil || !res.NoOp {
			b.Fatalf("re-sync: %v %+v", err, res)
		}
	}
}

// BenchmarkPublishOneVersion publishes bundles that each add one version to
// one schema of the published one.
func BenchmarkPublishOneVersion(b *testing.B) {
	base := bundletest.Build(b, bundletest.Spec{Schemas: benchSchemas, Versions: benchVersions, Arrow: true})
	cli := etcdtest.Start(b).Client(b)
	s := New(cli, testLogger(b))
	s.Trusted = true
	if _, err := s.Publish(b.Context(), base); err != nil {
		b.Fatal(err)
	}
	next := base
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		next = addVersion(b, next, i%benchSchemas)
		b.StartTimer()
		res, err := s.Publish(b.Context(), next)
		if err != nil {
			b.Fatal(err)
		}
		if res.NoOp || res.Keys > 8 {
			b.Fatalf("one-version change wrote %d keys: %v", res.Keys, res.Writes)
		}
	}
}

// addVersion returns a copy of b with one more version of its n-th schema.
func addVersion(tb testing.TB, b *bundle.Bundle, n int) *bundle.Bundle {
	tb.Helper()
	nb := &bundle.Bundle{Manifest: b.Manifest, Files: make(map[string][]byte, len(b.Files)+1)}
	for k, v := range b.Files {
		nb.Files[k] = v
	}
	nb.Manifest.Schemas = append([]bundle.Schema(nil), b.Manifest.Schemas...)
	s := &nb.Manifest.Schemas[n]
	s.Versions = append([]bundle.Version(nil), s.Versions...)
	last := s.Versions[len(s.Versions)-1]
	version := fmt.Sprintf("1.%d.0", len(s.Versions))
	data := []byte(fmt.Sprintf(`{"id":%q,"type":"object","version":%q}`, s.ID, version))
	nb.Files[bundle.SchemaFile(s.ID, version)] = data
	last.Version, last.Digest, last.Size, last.Arrow, last.Changes = version, bundle.Digest(data), len(data), "", nil
	s.Versions = append(s.Versions, last)
	s.Latest = version
	if err := nb.Manifest.Seal(); err != nil {
		tb.Fatal(err)
	}
	return nb
}
