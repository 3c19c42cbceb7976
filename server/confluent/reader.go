package confluent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// maxCachedBytes bounds the schema bytes one generation's state keeps.
const maxCachedBytes = 64 << 20

// state is one generation of the registry, indexed the way the API asks.
type state struct {
	generation string
	subjects   map[string]*subject // by schema id
	ids        []string            // schema ids, sorted
	byGlobal   map[int]*version

	mu     sync.Mutex
	bytes  map[int][]byte // schema bytes by global id
	served map[int][]byte // the served form of them (served), by global id
	cached int            // bytes held in bytes and served
}

// cache keeps data under id in m while the state's budget allows.
func (st *state) cache(m map[int][]byte, id int, data []byte) {
	st.mu.Lock()
	if st.cached+len(data) <= maxCachedBytes {
		m[id] = data
		st.cached += len(data)
	}
	st.mu.Unlock()
}

// lookup returns what m holds under id.
func (st *state) lookup(m map[int][]byte, id int) ([]byte, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	data, ok := m[id]
	return data, ok
}

type subject struct {
	id       string
	mode     string
	versions []*version // publication order; versions[i].n == i+1
}

type version struct {
	subject *subject
	n       int
	info    etcdstore.VersionInfo
}

// reader loads generations from etcd and keeps the current one.
type reader struct {
	kv      clientv3.KV
	keys    etcdstore.Keys
	timeout time.Duration

	mu  sync.Mutex // serializes loads
	cur *state
}

// current returns the published generation, reloading it when the
// generation key names another one.
func (r *reader) current(ctx context.Context) (*state, error) {
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	resp, err := r.kv.Get(cctx, r.keys.Generation())
	if err != nil {
		return nil, &unavailable{err: err}
	}
	if len(resp.Kvs) == 0 {
		return nil, etcdstore.ErrNotPublished
	}
	var cur etcdstore.Current
	if err := json.Unmarshal(resp.Kvs[0].Value, &cur); err != nil {
		return nil, fmt.Errorf("read %s: %w: %v", r.keys.Generation(), bundle.ErrCorrupt, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur != nil && r.cur.generation == cur.Generation {
		return r.cur, nil
	}
	st, err := r.load(ctx)
	if err != nil {
		return nil, err
	}
	r.cur = st
	return st, nil
}

func (r *reader) load(ctx context.Context) (*state, error) {
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	x, _, err := etcdstore.LoadGeneration(cctx, r.kv, r.keys)
	cancel()
	if err != nil {
		if errors.Is(err, etcdstore.ErrNotPublished) || errors.Is(err, bundle.ErrCorrupt) {
			return nil, err
		}
		return nil, &unavailable{err: err}
	}
	entries := make([]*etcdstore.Entry, len(x.Schemas))
	for i := range x.Schemas {
		entries[i] = &x.Schemas[i]
	}
	lists, err := etcdstore.LoadVersionLists(ctx, r.kv, r.keys, entries, r.timeout)
	if err != nil {
		if errors.Is(err, bundle.ErrCorrupt) {
			return nil, err
		}
		return nil, &unavailable{err: err}
	}
	st := &state{
		generation: x.Current.Generation,
		subjects:   make(map[string]*subject, len(lists)),
		byGlobal:   map[int]*version{},
		bytes:      map[int][]byte{},
		served:     map[int][]byte{},
	}
	for i, vl := range lists {
		sub := &subject{id: entries[i].ID, mode: entries[i].Compatibility}
		for _, info := range vl.Versions {
			if info.GlobalID <= 0 {
				continue // a bundle compiled before global ids: not served here
			}
			v := &version{subject: sub, n: len(sub.versions) + 1, info: info}
			sub.versions = append(sub.versions, v)
			st.byGlobal[info.GlobalID] = v
		}
		if len(sub.versions) == 0 {
			continue
		}
		st.subjects[sub.id] = sub
		st.ids = append(st.ids, sub.id)
	}
	sort.Strings(st.ids)
	return st, nil
}

// schema returns the canonical bytes of a version.
func (r *reader) schema(ctx context.Context, st *state, v *version) ([]byte, error) {
	if data, ok := st.lookup(st.bytes, v.info.GlobalID); ok {
		return data, nil
	}
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	data, err := etcdstore.LoadSchema(cctx, r.kv, r.keys, v.subject.id, v.info.Version, v.info.Digest)
	if err != nil {
		if errors.Is(err, bundle.ErrCorrupt) {
			return nil, err
		}
		return nil, &unavailable{err: err}
	}
	st.cache(st.bytes, v.info.GlobalID, data)
	return data, nil
}

// servedSchema returns a version as this API serves it (served): the form
// every serializer's validator compiles, made once per generation while the
// cache's budget allows. Its digest finds the version when a client looks
// the schema up.
func (r *reader) servedSchema(ctx context.Context, st *state, v *version) ([]byte, error) {
	if out, ok := st.lookup(st.served, v.info.GlobalID); ok {
		return out, nil
	}
	data, err := r.schema(ctx, st, v)
	if err != nil {
		return nil, err
	}
	d, err := document.ParseSchema(v.subject.id+".json", data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %v", bundle.ErrCorrupt, v.subject.id, v.info.Version, err)
	}
	out := served(d)
	st.cache(st.served, v.info.GlobalID, out)
	return out, nil
}

// served is a registry document as the Confluent API serves it, in
// canonical form: without the registry's root "id", which draft-04
// validators read as a base URI and Ajv refuses ("NOT SUPPORTED: keyword
// id"), and with "$schema" naming the dialect its "schema" field names,
// by which a serializer picks its validator. Its other fields (version,
// compatibility, arrow) stay, unknown keywords that validators pass over
// (Ajv with strict: false). Import reads it back to the same document: it
// takes the id from the subject, and drops a "$schema" equal to "schema".
func served(d *document.Document) []byte {
	root, ok := d.Root.(map[string]any)
	if !ok {
		return d.Canonical
	}
	out := make(map[string]any, len(root)+1)
	for k, v := range root {
		if k != document.FieldID {
			out[k] = v
		}
	}
	if _, has := out["$schema"]; !has && d.Dialect != "" {
		if _, named := out[document.FieldSchema]; named {
			out["$schema"] = out[document.FieldSchema]
		}
	}
	return document.Canonical(out)
}
