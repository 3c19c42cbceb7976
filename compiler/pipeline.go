package compiler

import (
	"context"
	"fmt"
	"path"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/schemareg/schemareg/compiler/arrowschema"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
)

// The walk is a pipeline. One goroutine reads the history from Git: the
// schema files each commit changes and their bytes. Workers parse every
// file, canonicalize and digest it and, when it refers to no other
// document, check it and map it to Arrow: work that depends on nothing
// but the file. The caller judges the commits one by one, in order, with
// everything prepared.

// step is one commit of the walk.
type step struct {
	commit  *object.Commit
	tree    plumbing.Hash // the schemas folder at the commit
	changes []fileChange
	docs    []prepared // for each change, what its new content parsed to
	pending atomic.Int32
	ready   chan struct{} // closed when docs are all prepared
}

// prepared is a changed file's new content, parsed and, when it can be
// checked alone, checked.
type prepared struct {
	doc   *document.Document
	model *compat.Model // doc made ready for diffing with its version before
	err   error

	// Set by the workers for a document that refers to no other: the
	// result of checking it and of mapping it to Arrow.
	checked  bool
	checkErr error
	ipcDone  bool
	ipc      []byte
	ipcErr   error
}

// job asks a worker to prepare one file of a step.
type job struct {
	step *step
	i    int
	data []byte
}

// walkSteps walks chain, each commit compared with the one before (prev
// for the first), and sends its steps, in order, to the returned channel.
// It clears chain as it goes.
// The error function reports what ended the walk early, after the channel
// is closed.
func (h *history) walkSteps(ctx context.Context, chain []*object.Commit, prev plumbing.Hash) (<-chan *step, func() error) {
	steps := make(chan *step, 64)
	jobs := make(chan job, 256)
	var walkErr error
	workers := max(1, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				ch := j.step.changes[j.i]
				j.step.docs[j.i] = prepare(ch.Path, j.data, h.maxBytes)
				if j.step.pending.Add(-1) == 0 {
					close(j.step.ready)
				}
			}
		}()
	}
	go func() {
		defer func() {
			close(jobs)
			wg.Wait()
			close(steps)
		}()
		prevTree := prev
		for i, c := range chain {
			// A step holds its commit from here: the walk lets go of
			// each once it is judged.
			chain[i] = nil
			if err := ctx.Err(); err != nil {
				walkErr = err
				return
			}
			st, err := h.readStep(c, prevTree)
			if err != nil {
				walkErr = err
				return
			}
			var datas [][]byte
			for _, ch := range st.changes {
				var data []byte
				if !ch.To.IsZero() {
					if data, err = h.git.readBlob(ch.To, h.maxBytes); err != nil {
						walkErr = err
						return
					}
				}
				datas = append(datas, data)
			}
			select {
			case steps <- st:
			case <-ctx.Done():
				walkErr = ctx.Err()
				return
			}
			for i, ch := range st.changes {
				if !ch.To.IsZero() {
					jobs <- job{st, i, datas[i]}
				}
			}
			prevTree = st.tree
			h.git.turn()
		}
	}()
	return steps, func() error { return walkErr }
}

// readStep finds the schema files commit c changes against the tree prev.
func (h *history) readStep(c *object.Commit, prev plumbing.Hash) (*step, error) {
	tree, err := h.git.dirHash(c, h.dir)
	if err != nil {
		return nil, err
	}
	changes, err := h.git.diffTrees(prev, tree, h.dir)
	if err != nil {
		return nil, fmt.Errorf("diff %s: %w", c.Hash, err)
	}
	st := &step{commit: c, tree: tree, changes: changes, docs: make([]prepared, len(changes)), ready: make(chan struct{})}
	n := 0
	for _, ch := range changes {
		if !ch.To.IsZero() {
			n++
		}
	}
	st.pending.Store(int32(n))
	if n == 0 {
		close(st.ready)
	}
	return st, nil
}

// prepare parses a file and, when it refers to no other document, checks
// it and maps it to Arrow, so that judging it later needs no more work.
func prepare(p string, data []byte, maxBytes int) prepared {
	if len(data) > maxBytes {
		return prepared{err: &document.Problem{Path: p, Message: fmt.Sprintf("file is larger than the limit of %d bytes; split the schema", maxBytes)}}
	}
	d, err := document.ParseDocument(p, data)
	if err != nil {
		return prepared{err: err}
	}
	if want := document.BaseName(p); d.ID != want {
		return prepared{err: d.ProblemAt("/id", "id %q does not match the file name %q; rename the file to %s.json or set \"id\": %q", d.ID, path.Base(p), d.ID, want)}
	}
	pr := prepared{doc: d, model: compat.ModelOf(d)}
	if !validate.HasExternalRef(d.Root) {
		pr.checkErr = validate.NewRegistry(d).Check(d)
		pr.checked = true
		if pr.checkErr == nil {
			pr.ipc, pr.ipcErr = arrowschema.IPC(d, nil)
			pr.ipcDone = true
		}
	}
	return pr
}

// prepared returns what the workers prepared for d, a file of the commit
// being applied, nil when d was not parsed by them.
func (h *history) prepared(d *document.Document) *prepared {
	if td, ok := h.treeDocs[d.Path]; ok && td.doc == d {
		return &td.prepared
	}
	return nil
}

// model returns d made ready for diffing: as the workers made it, as the
// schema's latest version kept it, or made now.
func (h *history) model(st *schemaState, d *document.Document) *compat.Model {
	if pr := h.prepared(d); pr != nil && pr.model.Of(d) {
		return pr.model
	}
	if st != nil && st.model.Of(d) {
		return st.model
	}
	return compat.ModelOf(d)
}

// check checks d within the registry of the current commit, as Compile
// would, unless it was checked alone already.
func (h *history) check(d *document.Document) error {
	if pr := h.prepared(d); pr != nil && pr.checked {
		return pr.checkErr
	}
	return h.reg.Check(d)
}

// arrowIPC maps d to Arrow within the registry of the current commit,
// unless that was done already.
func (h *history) arrowIPC(d *document.Document) ([]byte, error) {
	if pr := h.prepared(d); pr != nil && pr.ipcDone {
		return pr.ipc, pr.ipcErr
	}
	return arrowschema.IPC(d, h.reg)
}
