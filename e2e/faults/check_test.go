package faults

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/bundle/etcdread"
	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/syncer"
)

// checkEtcd fails the test unless etcd holds one of the candidate bundles,
// whole; it returns that bundle.
func checkEtcd(t *testing.T, kv clientv3.KV, keys bundle.Keys, candidates ...*bundle.Bundle) *bundle.Bundle {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	b, err := verifyEtcd(ctx, kv, keys, candidates...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// verifyEtcd reads the published generation as a server does, at one
// revision, and checks that it is exactly one of the candidate bundles and
// that every key it leads to is there with the bytes the bundle has: the
// index entries, each schema's version list, every version's bytes (a
// version that changed its bytes is an error), its changes, its Arrow
// schema and, unless the mirrors are pending, the latest mirror.
func verifyEtcd(ctx context.Context, kv clientv3.KV, keys bundle.Keys, candidates ...*bundle.Bundle) (*bundle.Bundle, error) {
	x, rev, err := etcdread.LoadGeneration(ctx, kv, keys)
	if err != nil {
		return nil, fmt.Errorf("etcd holds no whole generation: %w", err)
	}
	var b *bundle.Bundle
	var names []string
	for _, c := range candidates {
		names = append(names, short(c.Manifest.Generation))
		if c.Manifest.Generation == x.Current.Generation {
			b = c
		}
	}
	if b == nil {
		return nil, fmt.Errorf("etcd publishes generation %s at revision %d, none of %s", short(x.Current.Generation), rev, strings.Join(names, ", "))
	}
	where := fmt.Sprintf("generation %s at revision %d", short(b.Manifest.Generation), rev)
	if err := compareIndex(x, b); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	entries := make([]*bundle.Entry, len(x.Schemas))
	for i := range x.Schemas {
		entries[i] = &x.Schemas[i]
	}
	lists, err := etcdread.LoadVersionLists(ctx, kv, keys, entries, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	for i, vl := range lists {
		if err := compareVersionList(vl, &b.Manifest.Schemas[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	// Three ranges per schema, 42 schemas per transaction: within etcd's
	// 128 operations.
	const per = 42
	for start := 0; start < len(lists); start += per {
		batch := lists[start:min(start+per, len(lists))]
		var ops []clientv3.Op
		for _, vl := range batch {
			ops = append(ops,
				clientv3.OpGet(keys.SchemaRoot(vl.ID), clientv3.WithPrefix(), clientv3.WithRev(rev)),
				clientv3.OpGet(keys.MetaRoot(vl.ID), clientv3.WithPrefix(), clientv3.WithKeysOnly(), clientv3.WithRev(rev)),
				clientv3.OpGet(keys.ArrowRoot(vl.ID), clientv3.WithPrefix(), clientv3.WithKeysOnly(), clientv3.WithRev(rev)))
		}
		resp, err := kv.Txn(ctx).Then(ops...).Commit()
		if err != nil {
			return nil, fmt.Errorf("%s: read the versions: %w", where, err)
		}
		for j, vl := range batch {
			got := map[string][]byte{}
			for k := 0; k < 3; k++ {
				for _, kv := range resp.Responses[3*j+k].GetResponseRange().Kvs {
					got[string(kv.Key)] = kv.Value
				}
			}
			if err := compareKeys(keys, vl, got, x.Current.MirrorsPending); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	return b, nil
}

// checkIndex checks that the generation published is b's and its index
// b's, without reading the keys it leads to.
func checkIndex(ctx context.Context, kv clientv3.KV, keys bundle.Keys, b *bundle.Bundle) error {
	x, rev, err := etcdread.LoadGeneration(ctx, kv, keys)
	if err != nil {
		return err
	}
	if x.Current.Generation != b.Manifest.Generation {
		return fmt.Errorf("generation %s published at revision %d, want %s", short(x.Current.Generation), rev, short(b.Manifest.Generation))
	}
	return compareIndex(x, b)
}

// compareIndex checks that an index is the bundle's.
func compareIndex(x *bundle.Index, b *bundle.Bundle) error {
	m := &b.Manifest
	if x.Current.Commit != m.Source.Commit || len(x.Schemas) != len(m.Schemas) {
		return fmt.Errorf("index of %d schemas at commit %s, the bundle has %d at %s", len(x.Schemas), x.Current.Commit, len(m.Schemas), m.Source.Commit)
	}
	for i, e := range x.Schemas {
		s := &m.Schemas[i]
		l := latestOf(s)
		if e.ID != s.ID || e.Latest != s.Latest || e.Digest != l.Digest || e.Count != len(s.Versions) ||
			e.Compatibility != s.Compatibility || e.Deprecated != s.Deprecated || e.Title != s.Title {
			return fmt.Errorf("index entry %+v is not the bundle's schema %s (latest %s %s, %d versions)", e, s.ID, s.Latest, l.Digest, len(s.Versions))
		}
	}
	return nil
}

// compareVersionList checks a version list against the bundle's schema.
func compareVersionList(vl *bundle.VersionList, s *bundle.Schema) error {
	if vl.ID != s.ID || vl.Latest != s.Latest || len(vl.Versions) != len(s.Versions) {
		return fmt.Errorf("version list of %s: latest %s, %d versions; the bundle has %s, %d", vl.ID, vl.Latest, len(vl.Versions), s.Latest, len(s.Versions))
	}
	for i, v := range vl.Versions {
		w := &s.Versions[i]
		if v.Version != w.Version || v.Digest != w.Digest || v.Arrow != w.Arrow || v.Size != w.Size {
			return fmt.Errorf("version list of %s: %s %s, the bundle has %s %s", vl.ID, v.Version, v.Digest, w.Version, w.Digest)
		}
	}
	return nil
}

// compareKeys checks the keys of one schema: every version's bytes against
// its digest, its meta and Arrow keys, and the latest mirror.
func compareKeys(keys bundle.Keys, vl *bundle.VersionList, got map[string][]byte, mirrorsPending bool) error {
	for _, v := range vl.Versions {
		data, ok := got[keys.Schema(vl.ID, v.Version)]
		if !ok {
			return fmt.Errorf("%s %s: the version's bytes are missing", vl.ID, v.Version)
		}
		if d := bundle.Digest(data); d != v.Digest {
			return fmt.Errorf("%s %s: the bytes in etcd digest to %s, the version is %s", vl.ID, v.Version, d, v.Digest)
		}
		if _, ok := got[keys.Meta(vl.ID, v.Version, v.Meta)]; !ok {
			return fmt.Errorf("%s %s: the changes key %s is missing", vl.ID, v.Version, keys.Meta(vl.ID, v.Version, v.Meta))
		}
		if v.Arrow != "" {
			if _, ok := got[keys.Arrow(vl.ID, v.Version, v.Arrow)]; !ok {
				return fmt.Errorf("%s %s: the Arrow key is missing", vl.ID, v.Version)
			}
		}
	}
	if !mirrorsPending {
		if m := string(got[keys.Latest(vl.ID)]); m != vl.Latest {
			return fmt.Errorf("%s: the latest mirror says %q, the generation %s, and no mirrors are pending", vl.ID, m, vl.Latest)
		}
	}
	return nil
}

// revision returns etcd's current revision.
func revision(t *testing.T, kv clientv3.KV) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	resp, err := kv.Get(ctx, "revision-probe")
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Revision
}

// checkStore fails the test unless every snapshot under prefix is whole:
// its bytes match the sha256 stored beside it and etcd's own integrity hash
// at its end. It returns the snapshots' names.
func checkStore(t *testing.T, s *faultyS3, prefix string) []string {
	t.Helper()
	return checkStoreKnown(t, s, prefix, map[string]string{})
}

// checkStoreKnown is checkStore for a store whose snapshots in known (name
// → sha256) were checked before: they must still have that sha256. It adds
// the new ones to known.
func checkStoreKnown(t *testing.T, s *faultyS3, prefix string, known map[string]string) []string {
	t.Helper()
	var names []string
	for _, key := range s.keys(t, prefix+"/") {
		name := strings.TrimPrefix(key, prefix+"/")
		if strings.HasSuffix(name, syncer.ChecksumSuffix) {
			continue
		}
		names = append(names, name)
		data, _ := s.object(t, key)
		sum, ok := s.object(t, key+syncer.ChecksumSuffix)
		if !ok {
			t.Errorf("snapshot %s has no checksum object", key)
			continue
		}
		h := sha256.Sum256(data)
		got := hex.EncodeToString(h[:])
		if want, _, _ := strings.Cut(string(sum), " "); got != want {
			t.Errorf("snapshot %s (%d bytes) fails its checksum: sha256 %s, stored %s", key, len(data), got, want)
			continue
		}
		if old, ok := known[name]; ok {
			if old != got {
				t.Errorf("snapshot %s changed: sha256 %s, %s before", key, got, old)
			}
			continue
		}
		f := filepath.Join(t.TempDir(), name)
		writeFile(t, f, data)
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		err = syncer.CheckEtcdSnapshot(fh)
		fh.Close()
		os.Remove(f)
		if err != nil {
			t.Errorf("snapshot %s: %v", key, err)
		}
		known[name] = got
	}
	return names
}

// restoreArgs are the arguments of "schemareg restore" from a prefix of s
// into a data folder, for a member with peer URL peer.
func restoreArgs(s *faultyS3, prefix, data, peer string) []string {
	return append(append([]string{"restore", "--from"}, s.args(prefix)...), "--data-dir", data, "--initial-advertise-peer-urls", peer)
}

// checkRestored starts etcd on a restored data folder and checks that it
// publishes b whole.
func checkRestored(t *testing.T, data, peer string, b *bundle.Bundle) {
	t.Helper()
	srv, err := etcdembed.Start(etcdembed.Config{Dir: data, PeerURL: peer, NoFsync: true})
	if err != nil {
		t.Fatalf("etcd does not start on the restored data: %v", err)
	}
	defer srv.Close()
	checkEtcd(t, etcdtest.NewClient(t, srv.Endpoints()), bundle.Keys{Prefix: bundle.DefaultPrefix}, b)
}

// emptyOrAbsent fails the test when dir holds anything.
func emptyOrAbsent(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err == nil && len(entries) > 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("a refused restore left %s holding %v", dir, names)
	}
}

func freePeer(t *testing.T) string {
	t.Helper()
	u, err := etcdembed.FreeURL()
	if err != nil {
		t.Fatal(err)
	}
	return u
}
