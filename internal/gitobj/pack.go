package gitobj

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
)

// pack is a pack file and its index, both mapped into memory.
type pack struct {
	name  string // the pack's file name, for errors
	idx   []byte
	data  []byte
	count int    // objects
	v1    bool   // an index of version 1
	fan   []byte // 256 big-endian counts
	unmap []func() error
}

const (
	idxHeader  = 8          // magic and version of a v2 index
	fanoutSize = 256 * 4    // cumulative counts by first hash byte
	hashSize   = 20         // SHA-1
	packHeader = 12         // "PACK", version, count
	maxObjects = 1<<31 - 1  // what a 4-byte index offset can number
	idxMagic   = "\xfftOc"  // a v2 index begins so; v1 has no magic
	packMagic  = "PACK"     // a pack begins so
	largeFlag  = 0x80000000 // a v2 offset naming an entry of the 8-byte table
)

// openPack maps base.idx and base.pack and checks their headers agree.
func openPack(base string) (*pack, error) {
	p := &pack{name: filepath.Base(base) + ".pack"}
	var err error
	if p.idx, err = p.mapFile(base + ".idx"); err != nil {
		return nil, err
	}
	if p.data, err = p.mapFile(base + ".pack"); err != nil {
		p.close()
		return nil, err
	}
	if err := p.parseIndex(); err != nil {
		p.close()
		return nil, fmt.Errorf("pack index %s: %w", filepath.Base(base)+".idx", err)
	}
	if len(p.data) < packHeader+hashSize || string(p.data[:4]) != packMagic {
		p.close()
		return nil, fmt.Errorf("pack %s: not a pack file", p.name)
	}
	if v := binary.BigEndian.Uint32(p.data[4:]); v != 2 && v != 3 {
		p.close()
		return nil, fmt.Errorf("pack %s: version %d is not one this reader knows", p.name, v)
	}
	if n := binary.BigEndian.Uint32(p.data[8:]); int(n) != p.count {
		p.close()
		return nil, fmt.Errorf("pack %s: holds %d objects, its index %d", p.name, n, p.count)
	}
	return p, nil
}

func (p *pack) mapFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, unmap, err := mapFile(f)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", filepath.Base(name), err)
	}
	if unmap != nil {
		p.unmap = append(p.unmap, unmap)
	}
	return b, nil
}

func (p *pack) close() {
	for _, u := range p.unmap {
		u()
	}
	p.unmap, p.idx, p.data = nil, nil, nil
}

// parseIndex checks the index's layout: its fan-out counts rise and its
// tables fit in the file.
func (p *pack) parseIndex() error {
	idx := p.idx
	fanAt := 0
	if len(idx) >= idxHeader && string(idx[:4]) == idxMagic {
		if v := binary.BigEndian.Uint32(idx[4:]); v != 2 {
			return fmt.Errorf("version %d is not one this reader knows", v)
		}
		fanAt = idxHeader
	} else {
		p.v1 = true
	}
	if len(idx) < fanAt+fanoutSize {
		return errors.New("truncated")
	}
	p.fan = idx[fanAt : fanAt+fanoutSize]
	prev := uint32(0)
	for i := range 256 {
		n := binary.BigEndian.Uint32(p.fan[4*i:])
		if n < prev {
			return errors.New("malformed fan-out table")
		}
		prev = n
	}
	if prev > maxObjects {
		return fmt.Errorf("%d objects", prev)
	}
	p.count = int(prev)
	need := fanAt + fanoutSize + p.count*(hashSize+4) + 2*hashSize
	if !p.v1 {
		need += p.count * 4 // the CRCs
	}
	if len(idx) < need {
		return errors.New("truncated")
	}
	return nil
}

// hashAt is the i-th hash of the index.
func (p *pack) hashAt(i int) []byte {
	if p.v1 {
		at := fanoutSize + i*(4+hashSize) + 4
		return p.idx[at : at+hashSize]
	}
	at := idxHeader + fanoutSize + i*hashSize
	return p.idx[at : at+hashSize]
}

// find returns the offset of h in the pack.
func (p *pack) find(h plumbing.Hash) (int64, bool, error) {
	lo := 0
	if h[0] > 0 {
		lo = int(binary.BigEndian.Uint32(p.fan[4*(int(h[0])-1):]))
	}
	hi := int(binary.BigEndian.Uint32(p.fan[4*int(h[0]):]))
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(p.hashAt(mid), h[:]); {
		case c == 0:
			off, err := p.offsetAt(mid)
			return off, err == nil, err
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false, nil
}

// offsetAt is the pack offset of the index's i-th object.
func (p *pack) offsetAt(i int) (int64, error) {
	var off int64
	if p.v1 {
		off = int64(binary.BigEndian.Uint32(p.idx[fanoutSize+i*(4+hashSize):]))
	} else {
		at := idxHeader + fanoutSize + p.count*(hashSize+4) + i*4
		v := binary.BigEndian.Uint32(p.idx[at:])
		off = int64(v)
		if v&largeFlag != 0 {
			large := idxHeader + fanoutSize + p.count*(hashSize+8) + int(v&^largeFlag)*8
			if large+8 > len(p.idx)-2*hashSize {
				return 0, fmt.Errorf("pack index of %s: a large offset outside its table", p.name)
			}
			u := binary.BigEndian.Uint64(p.idx[large:])
			if u > 1<<62 {
				return 0, fmt.Errorf("pack index of %s: offset %d", p.name, u)
			}
			off = int64(u)
		}
	}
	if off < packHeader || off >= int64(len(p.data))-hashSize {
		return 0, fmt.Errorf("pack index of %s: offset %d outside the pack", p.name, off)
	}
	return off, nil
}

// entry is a pack entry's header.
type entry struct {
	typ      plumbing.ObjectType
	size     int64 // inflated: the object's, or the delta data's
	dataOff  int64 // where its zlib stream begins
	baseOff  int64 // an offset delta's base
	baseHash plumbing.Hash
}

// header parses the entry header at off.
func (p *pack) header(off int64) (entry, error) {
	var e entry
	end := int64(len(p.data)) - hashSize
	if off < packHeader || off >= end {
		return e, fmt.Errorf("pack %s: an entry at %d, outside the pack", p.name, off)
	}
	at := off
	c := p.data[at]
	at++
	e.typ = plumbing.ObjectType((c >> 4) & 7)
	e.size = int64(c & 0x0f)
	for shift := 4; c&0x80 != 0; shift += 7 {
		if at >= end || shift > 55 {
			return e, fmt.Errorf("pack %s: malformed entry header at %d", p.name, off)
		}
		c = p.data[at]
		at++
		e.size |= int64(c&0x7f) << shift
	}
	switch e.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		if at >= end {
			return e, fmt.Errorf("pack %s: malformed delta offset at %d", p.name, off)
		}
		c = p.data[at]
		at++
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if at >= end || rel > 1<<55 {
				return e, fmt.Errorf("pack %s: malformed delta offset at %d", p.name, off)
			}
			c = p.data[at]
			at++
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		e.baseOff = off - rel
		if rel <= 0 || e.baseOff < packHeader {
			return e, fmt.Errorf("pack %s: the delta at %d names a base outside the pack", p.name, off)
		}
	case plumbing.REFDeltaObject:
		if at+hashSize > end {
			return e, fmt.Errorf("pack %s: truncated delta base at %d", p.name, off)
		}
		copy(e.baseHash[:], p.data[at:at+hashSize])
		at += hashSize
	default:
		return e, fmt.Errorf("pack %s: unknown object type %d at %d", p.name, e.typ, off)
	}
	e.dataOff = at
	return e, nil
}
