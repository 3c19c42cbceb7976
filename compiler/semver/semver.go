package semver

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a semantic version MAJOR.MINOR.PATCH with an optional
// pre-release. Build metadata is rejected: two versions that differ only in
// build metadata would name the same published version.
type Version struct {
	Major, Minor, Patch uint64
	Pre                 string
}

// ParseVersion parses a semantic version such as "1.2.3" or "2.0.0-rc.1".
func Parse(s string) (Version, error) {
	var v Version
	if s == "" {
		return v, fmt.Errorf("version is empty; write MAJOR.MINOR.PATCH, e.g. \"1.0.0\"")
	}
	if strings.Contains(s, "+") {
		return v, fmt.Errorf("version %q has build metadata (+...); schemareg versions are MAJOR.MINOR.PATCH[-PRERELEASE]", s)
	}
	core, pre, hasPre := strings.Cut(s, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH, e.g. \"1.0.0\"", s)
	}
	nums := [3]*uint64{&v.Major, &v.Minor, &v.Patch}
	for i, p := range parts {
		if p == "" || (len(p) > 1 && p[0] == '0') || strings.TrimLeft(p, "0123456789") != "" {
			return v, fmt.Errorf("version %q: %q is not a number without leading zeros", s, p)
		}
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return v, fmt.Errorf("version %q: %q is out of range", s, p)
		}
		*nums[i] = n
	}
	if hasPre {
		if pre == "" {
			return v, fmt.Errorf("version %q: empty pre-release after '-'", s)
		}
		for _, id := range strings.Split(pre, ".") {
			if id == "" {
				return v, fmt.Errorf("version %q: empty pre-release identifier", s)
			}
			for _, c := range id {
				if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
					return v, fmt.Errorf("version %q: pre-release may hold only [0-9A-Za-z-] and dots", s)
				}
			}
			if len(id) > 1 && id[0] == '0' && strings.TrimLeft(id, "0123456789") == "" {
				return v, fmt.Errorf("version %q: numeric pre-release identifier %q has a leading zero", s, id)
			}
		}
		v.Pre = pre
	}
	return v, nil
}

// String formats v.
func (v Version) String() string {
	s := strconv.FormatUint(v.Major, 10) + "." + strconv.FormatUint(v.Minor, 10) + "." + strconv.FormatUint(v.Patch, 10)
	if v.Pre != "" {
		s += "-" + v.Pre
	}
	return s
}

// Compare returns -1, 0 or +1 as v is less than, equal to or greater than w,
// by semantic-versioning precedence.
func (v Version) Compare(w Version) int {
	for _, p := range [][2]uint64{{v.Major, w.Major}, {v.Minor, w.Minor}, {v.Patch, w.Patch}} {
		if p[0] != p[1] {
			if p[0] < p[1] {
				return -1
			}
			return 1
		}
	}
	switch {
	case v.Pre == w.Pre:
		return 0
	case v.Pre == "":
		return 1
	case w.Pre == "":
		return -1
	}
	a, b := strings.Split(v.Pre, "."), strings.Split(w.Pre, ".")
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := comparePreID(a[i], b[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func comparePreID(a, b string) int {
	an, aerr := strconv.ParseUint(a, 10, 64)
	bn, berr := strconv.ParseUint(b, 10, 64)
	switch {
	case aerr == nil && berr == nil:
		if an < bn {
			return -1
		} else if an > bn {
			return 1
		}
		return 0
	case aerr == nil:
		return -1 // numeric identifiers sort before alphanumeric ones
	case berr == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// BumpFrom returns the bump v makes over the earlier version old: BumpMajor
// when the major grew, BumpMinor when the minor grew, BumpPatch when the patch
// or only the pre-release grew, BumpNone when v is not greater than old.
func (v Version) BumpFrom(old Version) Bump {
	switch {
	case v.Compare(old) <= 0:
		return BumpNone
	case v.Major != old.Major:
		return BumpMajor
	case v.Minor != old.Minor:
		return BumpMinor
	}
	return BumpPatch
}
