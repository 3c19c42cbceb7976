package semver

import "fmt"

// Bump is the size of a version increment.
type Bump int

// The bumps, smallest first.
const (
	BumpNone Bump = iota
	BumpPatch
	BumpMinor
	BumpMajor
)

// String returns "none", "patch", "minor" or "major".
func (b Bump) String() string {
	switch b {
	case BumpPatch:
		return "patch"
	case BumpMinor:
		return "minor"
	case BumpMajor:
		return "major"
	}
	return "none"
}

// ParseBump parses the output of Bump.String.
func ParseBump(s string) (Bump, error) {
	for b := BumpNone; b <= BumpMajor; b++ {
		if s == b.String() {
			return b, nil
		}
	}
	return BumpNone, fmt.Errorf("unknown bump %q; use none, patch, minor or major", s)
}

// Describe returns "no bump" or "a major bump", "a minor bump", "a patch
// bump", for messages.
func (b Bump) Describe() string {
	if b == BumpNone {
		return "no bump"
	}
	return "a " + b.String() + " bump"
}

// MarshalText implements encoding.TextMarshaler.
func (b Bump) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Bump) UnmarshalText(text []byte) error {
	v, err := ParseBump(string(text))
	*b = v
	return err
}

// CheckBump applies the bump rule to a new version: it must be greater
// than old by at least the required bump (1.2.3 → 2.0.0 for major, 1.3.0
// for minor, 1.2.4 for patch). A larger bump is allowed; notice says so.
// A bump too small gives ok false and a notice naming the version to use.
// A version that is not greater than old is an error. Any version greater
// than a pre-release is allowed: pre-releases promise no compatibility.
func CheckBump(old, new Version, required Bump) (ok bool, notice string, err error) {
	if new.Compare(old) <= 0 {
		return false, "", fmt.Errorf("version %s is not greater than %s; use %s or later", new, old, old.Next(required))
	}
	made := new.BumpFrom(old)
	switch {
	case old.Pre != "":
		return true, "", nil
	case made < required:
		return false, fmt.Sprintf("%s → %s is a %s bump, but the changes need a %s bump: use %s",
			old, new, made, required, old.Next(required)), nil
	case made > required && made > BumpPatch:
		return true, fmt.Sprintf("%s → %s is a %s bump; a %s bump (%s) would do",
			old, new, made, MinBump(required), old.Next(required)), nil
	}
	return true, "", nil
}

// Next returns the smallest version after v that makes the bump b.
func (v Version) Next(b Bump) Version {
	switch b {
	case BumpMajor:
		return Version{Major: v.Major + 1}
	case BumpMinor:
		return Version{Major: v.Major, Minor: v.Minor + 1}
	}
	return Version{Major: v.Major, Minor: v.Minor, Patch: v.Patch + 1}
}

// MinBump is the smallest bump a new version makes when the changes
// require b: a version must grow.
func MinBump(b Bump) Bump {
	if b < BumpPatch {
		return BumpPatch
	}
	return b
}
