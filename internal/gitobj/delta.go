package gitobj

import (
	"errors"
	"fmt"
)

var errBadDelta = errors.New("malformed delta")

// deltaSizes reads the two sizes a delta's data begins with: the size of
// the base it applies to and of the object it makes. n is how many bytes
// they took.
func deltaSizes(delta []byte) (base, target int64, n int, err error) {
	base, n1, err := deltaVarint(delta)
	if err != nil {
		return 0, 0, 0, err
	}
	target, n2, err := deltaVarint(delta[n1:])
	if err != nil {
		return 0, 0, 0, err
	}
	return base, target, n1 + n2, nil
}

// deltaVarint reads a little-endian base-128 size.
func deltaVarint(b []byte) (int64, int, error) {
	var v int64
	for i := 0; i < len(b) && i < 9; i++ {
		v |= int64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, i + 1, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: size header", errBadDelta)
}

// applyDelta makes the object the delta describes from base, in dst's
// storage when it has room. The sizes its header gives are checked against
// base and maxTarget before the result is allocated, and every copy against
// both buffers.
func applyDelta(dst, base, delta []byte, maxTarget int64) ([]byte, error) {
	baseSize, target, n, err := deltaSizes(delta)
	if err != nil {
		return nil, err
	}
	if baseSize != int64(len(base)) {
		return nil, fmt.Errorf("%w: made for a base of %d bytes, applied to %d", errBadDelta, baseSize, len(base))
	}
	if target > maxTarget {
		return nil, fmt.Errorf("%w: makes a %d-byte object", ErrTooLarge, target)
	}
	out := dst[:0]
	if int64(cap(out)) < target {
		out = make([]byte, 0, target)
	}
	ops := delta[n:]
	for len(ops) > 0 {
		op := ops[0]
		ops = ops[1:]
		switch {
		case op&0x80 != 0: // copy from the base
			var off, size int64
			for i := range 4 {
				if op&(1<<i) != 0 {
					if len(ops) == 0 {
						return nil, fmt.Errorf("%w: truncated copy", errBadDelta)
					}
					off |= int64(ops[0]) << (8 * i)
					ops = ops[1:]
				}
			}
			for i := range 3 {
				if op&(0x10<<i) != 0 {
					if len(ops) == 0 {
						return nil, fmt.Errorf("%w: truncated copy", errBadDelta)
					}
					size |= int64(ops[0]) << (8 * i)
					ops = ops[1:]
				}
			}
			if size == 0 {
				size = 0x10000
			}
			if off+size > int64(len(base)) || int64(len(out))+size > target {
				return nil, fmt.Errorf("%w: copy out of bounds", errBadDelta)
			}
			out = append(out, base[off:off+size]...)
		case op != 0: // insert the next op bytes
			size := int(op)
			if size > len(ops) || int64(len(out)+size) > target {
				return nil, fmt.Errorf("%w: insert out of bounds", errBadDelta)
			}
			out = append(out, ops[:size]...)
			ops = ops[size:]
		default:
			return nil, fmt.Errorf("%w: reserved instruction 0", errBadDelta)
		}
	}
	if int64(len(out)) != target {
		return nil, fmt.Errorf("%w: made %d bytes of %d", errBadDelta, len(out), target)
	}
	return out, nil
}
