package bundle

// # In etcd
//
// The syncer publishes a bundle into etcd under a prefix (DefaultPrefix,
// "/schemareg", unless --prefix says otherwise); the server reads it back.
// With P the prefix:
//
//	P/generation                         Current (JSON): the published generation,
//	                                     its commit and where its index is. The one
//	                                     mutable pointer; switched in one transaction.
//	P/index/<gen>/<NNNN>                 IndexShard (JSON), immutable: the generation's
//	                                     schemas, one Entry each, sorted by id, split
//	                                     into shards of at most MaxShardBytes.
//	P/schemas/<id>/<version>             the version's canonical bytes, immutable.
//	P/schemas/<id>/latest                the latest version, as text: a mirror for
//	                                     operators (etcdctl get); see below.
//	P/versions/<id>/<ref>                VersionList (JSON), immutable and content
//	                                     addressed: every version of the schema with
//	                                     its digest, commit, bump, Arrow digest, ...
//	P/meta/<id>/<version>/<ref>          VersionMeta (JSON), immutable and content
//	                                     addressed: the changes against the version before.
//	P/arrow/<id>/<version>/<hex>         the version's Arrow IPC schema bytes, immutable,
//	                                     named by their sha256.
//	P/leader/<lease>                     the syncers' leader election (etcd's
//	                                     concurrency.Election): who may publish.
//
// <gen> is the generation's hex digest without "sha256:"; <ref> is the hex
// sha256 of the value (Ref). Only P/generation and the latest mirrors are ever
// overwritten. The schema bytes are keyed by (id, version) alone: a version's
// bytes never change, and a bundle that says otherwise is refused. Everything
// derived from them (version lists, changes, Arrow) is keyed by its own
// digest too, so a newer compiler that derives more never collides with what
// an older one published.
//
// # Consistency
//
// The syncer writes every immutable key of a generation first, then its
// index shards, and only then switches P/generation in one transaction. The
// transaction compares the key's mod revision with the one the syncer read
// (of two syncers, one wins and the other starts over) and checks that the
// index shards are still there (another syncer may have pruned them as an
// old generation's). A reader that reads P/generation and then the index at
// the same revision (LoadGeneration does) sees one whole generation, and
// every key the index leads to exists already, because immutable keys are
// written before the pointer and never change. The switch is one
// transaction whatever the number of schemas: it writes one key, plus the
// mirrors that fit.
//
// The latest mirrors are written in the switch transaction when they fit
// (etcd allows 128 operations in one); a switch that changes more of them
// sets Current.MirrorsPending and writes the rest in follow-up transactions,
// each guarded by the generation key's mod revision, then clears the flag.
// While the flag is set an operator may see a mirror one generation behind;
// servers read the index, not the mirrors. A sync that finds the flag set (its
// predecessor died) completes the mirrors.
//
// Old generations' index shards are pruned after a number of generations;
// schema, version-list, meta and Arrow keys are never deleted.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
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
	Previous string   `json:"previous,omitempty"`
	Path     string   `json:"path"`
	Changes  []Change `json:"changes"`
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
