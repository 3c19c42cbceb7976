package compiler

import (
	"errors"
	"fmt"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// maxDeltaChain bounds the deltas followed from one object to its base;
// git writes chains of at most 50.
const maxDeltaChain = 100

// errObjectTooLarge reports a packed object, or the base its delta needs,
// over what the reader accepts; readBlob turns it into an oversized file.
var errObjectTooLarge = errors.New("object too large")

// packs reads the headers of packed objects, without inflating them: the
// type, the inflated length and, for a delta, its base. go-git inflates a
// delta's data to learn the size it makes, and its base whole to apply
// it, so both are checked here first.
type packs struct {
	list []pack
}

type pack struct {
	idx  *idxfile.MemoryIndex
	file billy.File
	scan *packfile.Scanner
}

// openPacks opens the pack files of the repository whose .git folder is
// fs. A repository without packs has none to check.
func openPacks(fs billy.Filesystem, names []plumbing.Hash) (*packs, error) {
	p := &packs{}
	for _, h := range names {
		idxFile, err := fs.Open(fs.Join("objects", "pack", "pack-"+h.String()+".idx"))
		if err != nil {
			p.close()
			return nil, fmt.Errorf("open pack index %s: %w", h, err)
		}
		idx := idxfile.NewMemoryIndex()
		err = idxfile.NewDecoder(idxFile).Decode(idx)
		idxFile.Close()
		if err != nil {
			p.close()
			return nil, fmt.Errorf("read pack index %s: %w", h, err)
		}
		f, err := fs.Open(fs.Join("objects", "pack", "pack-"+h.String()+".pack"))
		if err != nil {
			p.close()
			return nil, fmt.Errorf("open pack %s: %w", h, err)
		}
		p.list = append(p.list, pack{idx: idx, file: f, scan: packfile.NewScanner(f)})
	}
	return p, nil
}

func (p *packs) close() {
	for _, pk := range p.list {
		pk.file.Close()
	}
	p.list = nil
}

// header returns the pack header of h; ok is false when no pack holds it.
func (p *packs) header(h plumbing.Hash) (pk *pack, hdr *packfile.ObjectHeader, ok bool, err error) {
	for i := range p.list {
		pk := &p.list[i]
		off, err := pk.idx.FindOffset(h)
		if err != nil {
			continue
		}
		hdr, err := pk.scan.SeekObjectHeader(off)
		if err != nil {
			return nil, nil, false, fmt.Errorf("read pack header of %s: %w", h, err)
		}
		return pk, hdr, true, nil
	}
	return nil, nil, false, nil
}

// check follows h's delta chain by headers alone and returns
// errObjectTooLarge when a delta's data is larger than maxDelta or the
// object at the chain's end, which go-git reads whole to apply the deltas,
// is larger than maxBase. An object in no pack passes: a loose object's
// header holds its size, which the caller checks.
func (p *packs) check(h plumbing.Hash, maxDelta, maxBase int64) error {
	for depth := 0; depth <= maxDeltaChain; depth++ {
		pk, hdr, ok, err := p.header(h)
		if err != nil || !ok {
			return err
		}
		switch hdr.Type {
		case plumbing.REFDeltaObject:
			h = hdr.Reference
		case plumbing.OFSDeltaObject:
			if h, err = pk.idx.FindHash(hdr.OffsetReference); err != nil {
				return fmt.Errorf("find the delta base of %s: %w", h, err)
			}
		default:
			if depth > 0 && hdr.Length > maxBase {
				return fmt.Errorf("%w: a delta of a %d-byte object", errObjectTooLarge, hdr.Length)
			}
			return nil
		}
		if hdr.Length > maxDelta {
			return fmt.Errorf("%w: a %d-byte delta", errObjectTooLarge, hdr.Length)
		}
	}
	return fmt.Errorf("%w: a delta chain longer than %d", errObjectTooLarge, maxDeltaChain)
}

// deltaBounds are the largest delta data and delta base accepted for an
// object of at most limit bytes: a delta spends at most 8 bytes of
// instructions per byte it makes, and a schema's base is another version
// of a schema, kept within 16 times the limit.
func deltaBounds(limit int) (maxDelta, maxBase int64) {
	return 8*int64(limit) + 64, max(16*int64(limit), 16<<20)
}

// packedWithin checks an object of the filesystem storage st against the
// delta bounds for limit; errObjectTooLarge when it is over them.
func packedWithin(st *filesystem.Storage, h plumbing.Hash, limit int) error {
	names, err := st.ObjectPacks()
	if err != nil || len(names) == 0 {
		return err
	}
	p, err := openPacks(st.Filesystem(), names)
	if err != nil {
		return err
	}
	defer p.close()
	maxDelta, maxBase := deltaBounds(limit)
	return p.check(h, maxDelta, maxBase)
}
