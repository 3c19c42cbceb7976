package etcdstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/bundle"
)

// DefaultPrefix is the key prefix of a registry in etcd.
const DefaultPrefix = "/schemareg"

// MaxShardBytes bounds the encoding of one index shard, well below etcd's
// default request limit of 1.5 MiB.
const MaxShardBytes = 256 << 10

// LatestKey is the last element of the latest mirror key; no version is
// named so, since versions start with a digit.
const LatestKey = "latest"

// ErrNotPublished reports an etcd prefix with no generation published.
var ErrNotPublished = errors.New("no bundle published")

// Keys builds the etcd keys of one registry. The zero value uses DefaultPrefix.
type Keys struct {
	// Prefix is the registry's key prefix without a trailing slash.
	Prefix string
}

func (k Keys) p() string {
	if k.Prefix == "" {
		return DefaultPrefix
	}
	return strings.TrimSuffix(k.Prefix, "/")
}

// Generation is the key of the current generation's Current.
func (k Keys) Generation() string { return k.p() + "/generation" }

// IndexRoot is the prefix of every generation's index shards.
func (k Keys) IndexRoot() string { return k.p() + "/index/" }

// Index is the prefix of a generation's index shards.
func (k Keys) Index(gen string) string { return k.IndexRoot() + Ref(gen) + "/" }

// IndexShard is the key of a generation's n-th index shard.
func (k Keys) IndexShard(gen string, n int) string { return fmt.Sprintf("%s%04d", k.Index(gen), n) }

// SchemaRoot is the prefix of a schema's version bytes and latest mirror.
func (k Keys) SchemaRoot(id string) string { return k.p() + "/schemas/" + id + "/" }

// Schema is the key of a version's canonical bytes.
func (k Keys) Schema(id, version string) string { return k.SchemaRoot(id) + version }

// Latest is the key of a schema's latest mirror: the latest version as text.
func (k Keys) Latest(id string) string { return k.SchemaRoot(id) + LatestKey }

// VersionsRoot is the prefix of a schema's version lists.
func (k Keys) VersionsRoot(id string) string { return k.p() + "/versions/" + id + "/" }

// Versions is the key of a schema's VersionList with the given ref.
func (k Keys) Versions(id, ref string) string { return k.VersionsRoot(id) + ref }

// MetaRoot is the prefix of a schema's VersionMeta values.
func (k Keys) MetaRoot(id string) string { return k.p() + "/meta/" + id + "/" }

// Meta is the key of a version's VersionMeta with the given ref.
func (k Keys) Meta(id, version, ref string) string { return k.MetaRoot(id) + version + "/" + ref }

// ArrowRoot is the prefix of a schema's Arrow IPC bytes.
func (k Keys) ArrowRoot(id string) string { return k.p() + "/arrow/" + id + "/" }

// Arrow is the key of a version's Arrow IPC bytes with the given digest.
func (k Keys) Arrow(id, version, digest string) string {
	return k.ArrowRoot(id) + version + "/" + Ref(digest)
}

// Leader is the prefix of the syncers' leader election.
func (k Keys) Leader() string { return k.p() + "/leader/" }

// Ref returns the hex part of a "sha256:<hex>" digest; a ref names a value by
// its content.
func Ref(digest string) string { return strings.TrimPrefix(digest, "sha256:") }

// RefOf returns the ref of data: its hex sha256.
func RefOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// EncodeValue returns the compact JSON of an etcd value, without HTML
// escaping: the same value always gives the same bytes, so a ref names it.
func EncodeValue(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode value: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Current is the value of the generation key.
type Current struct {
	// Generation is the bundle's generation, "sha256:<hex>".
	Generation string `json:"generation"`
	// Commit, Commits and Time are the bundle's source.
	Commit  string `json:"commit"`
	Commits int    `json:"commits"`
	Time    string `json:"time"`
	// Published is when the syncer switched to it, RFC 3339 in UTC.
	Published string `json:"published"`
	// Shards counts the index shards under Keys.Index(Generation).
	Shards int `json:"shards"`
	// Schemas counts the schemas in the index.
	Schemas int `json:"schemas"`
	// MirrorsPending is set while latest mirrors are still being written.
	MirrorsPending bool `json:"mirrors_pending,omitempty"`
}

// IndexShard is the value of one index shard.
type IndexShard struct {
	Schemas []Entry `json:"schemas"`
}

// Entry is one schema in a generation's index: what the server needs to
// answer for the schema's latest version without another read.
type Entry struct {
	ID     string `json:"id"`
	Latest string `json:"latest"`
	// Digest is the latest version's "sha256:<hex>": its ETag.
	Digest        string `json:"digest"`
	Deprecated    bool   `json:"deprecated,omitempty"`
	Compatibility string `json:"compatibility"`
	Title         string `json:"title,omitempty"`
	// Versions is the ref of the schema's VersionList.
	Versions string `json:"versions"`
	// Count is the number of versions.
	Count int `json:"count"`
}

// VersionList is the value of a Versions key: the schema and every version
// of it, oldest first.
type VersionList struct {
	ID            string        `json:"id"`
	Path          string        `json:"path"`
	Latest        string        `json:"latest"`
	Deprecated    bool          `json:"deprecated,omitempty"`
	Compatibility string        `json:"compatibility"`
	Title         string        `json:"title,omitempty"`
	Description   string        `json:"description,omitempty"`
	Versions      []VersionInfo `json:"versions"`
}

// VersionInfo is one version in a VersionList: Version without its changes.
type VersionInfo struct {
	Version string `json:"version"`
	// GlobalID is Version.GlobalID, 0 when the bundle had none.
	GlobalID     int    `json:"global_id,omitempty"`
	Digest       string `json:"digest"`
	Size         int    `json:"size"`
	Commit       string `json:"commit"`
	Time         string `json:"time"`
	Author       string `json:"author"`
	Bump         string `json:"bump"`
	RequiredBump string `json:"required_bump"`
	Compatible   bool   `json:"compatible"`
	// Arrow is the digest of the Arrow IPC bytes, "" when there are none.
	Arrow string `json:"arrow,omitempty"`
	// Meta is the ref of the version's VersionMeta.
	Meta string `json:"meta"`
	// Changes counts the changes against the version before.
	Changes int `json:"changes"`
	// Deps is Version.Deps: the version each schema it reaches is pinned to.
	Deps map[string]string `json:"deps,omitempty"`
}

// VersionMeta is the value of a Meta key.
type VersionMeta struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	// Previous is the version before, "" for the first.
	Previous string       `json:"previous,omitempty"`
	Path     string       `json:"path"`
	Changes  []api.Change `json:"changes"`
}

// Index is a generation as LoadGeneration reads it.
type Index struct {
	Current Current
	// ModRevision is the etcd mod revision of the generation key as read:
	// when this generation was published, the same for every reader.
	ModRevision int64
	// Schemas is sorted by id.
	Schemas []Entry
}

// Entry returns the index entry of a schema.
func (x *Index) Entry(id string) (*Entry, bool) {
	i := sort.Search(len(x.Schemas), func(i int) bool { return x.Schemas[i].ID >= id })
	if i < len(x.Schemas) && x.Schemas[i].ID == id {
		return &x.Schemas[i], true
	}
	return nil, false
}

// LoadGeneration reads the current generation and its index at one etcd
// revision, which it returns: a reader never mixes two generations. It
// returns ErrNotPublished when nothing is published under keys.
func LoadGeneration(ctx context.Context, kv clientv3.KV, keys Keys) (*Index, int64, error) {
	resp, err := kv.Get(ctx, keys.Generation())
	if err != nil {
		return nil, 0, fmt.Errorf("load generation %s: %w", keys.Generation(), err)
	}
	if len(resp.Kvs) == 0 {
		return nil, resp.Header.Revision, ErrNotPublished
	}
	rev := resp.Header.Revision
	x := &Index{ModRevision: resp.Kvs[0].ModRevision}
	if err := json.Unmarshal(resp.Kvs[0].Value, &x.Current); err != nil {
		return nil, rev, fmt.Errorf("load generation %s: %w: %v", keys.Generation(), bundle.ErrCorrupt, err)
	}
	x.Schemas, err = LoadIndex(ctx, kv, keys, x.Current, rev)
	if err != nil {
		return nil, rev, err
	}
	return x, rev, nil
}

// LoadIndex reads the index shards of cur at revision rev (0: the latest)
// and checks that they are all there.
func LoadIndex(ctx context.Context, kv clientv3.KV, keys Keys, cur Current, rev int64) ([]Entry, error) {
	prefix := keys.Index(cur.Generation)
	opts := []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend)}
	if rev > 0 {
		opts = append(opts, clientv3.WithRev(rev))
	}
	resp, err := kv.Get(ctx, prefix, opts...)
	if err != nil {
		return nil, fmt.Errorf("load index %s: %w", prefix, err)
	}
	if len(resp.Kvs) != cur.Shards {
		return nil, fmt.Errorf("load index %s: %w: %d shards, generation says %d", prefix, bundle.ErrCorrupt, len(resp.Kvs), cur.Shards)
	}
	entries := make([]Entry, 0, cur.Schemas)
	for _, kv := range resp.Kvs {
		var sh IndexShard
		if err := json.Unmarshal(kv.Value, &sh); err != nil {
			return nil, fmt.Errorf("load index %s: %w: %v", kv.Key, bundle.ErrCorrupt, err)
		}
		entries = append(entries, sh.Schemas...)
	}
	if len(entries) != cur.Schemas {
		return nil, fmt.Errorf("load index %s: %w: %d schemas, generation says %d", prefix, bundle.ErrCorrupt, len(entries), cur.Schemas)
	}
	return entries, nil
}

// LoadVersions reads the VersionList of a schema's index entry.
func LoadVersions(ctx context.Context, kv clientv3.KV, keys Keys, e *Entry) (*VersionList, error) {
	key := keys.Versions(e.ID, e.Versions)
	var vl VersionList
	if err := getJSON(ctx, kv, key, &vl); err != nil {
		return nil, err
	}
	return &vl, nil
}

// LoadMeta reads the VersionMeta of one version of a VersionList.
func LoadMeta(ctx context.Context, kv clientv3.KV, keys Keys, id string, v *VersionInfo) (*VersionMeta, error) {
	key := keys.Meta(id, v.Version, v.Meta)
	var m VersionMeta
	if err := getJSON(ctx, kv, key, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func getJSON(ctx context.Context, kv clientv3.KV, key string, v any) error {
	resp, err := kv.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("get %s: %w", key, err)
	}
	if len(resp.Kvs) == 0 {
		return fmt.Errorf("get %s: %w: key missing", key, bundle.ErrCorrupt)
	}
	if err := json.Unmarshal(resp.Kvs[0].Value, v); err != nil {
		return fmt.Errorf("get %s: %w: %v", key, bundle.ErrCorrupt, err)
	}
	return nil
}
