package compiler

import (
	"fmt"
	"strings"

	"github.com/schemareg/schemareg/internal/bundle"
)

// Change is one classified difference between two versions of a schema.
type Change = bundle.Change

// Mode is a compatibility mode, with Confluent Schema Registry's names.
type Mode string

// The compatibility modes. BACKWARD is the default.
const (
	ModeBackward           Mode = "BACKWARD"
	ModeBackwardTransitive Mode = "BACKWARD_TRANSITIVE"
	ModeForward            Mode = "FORWARD"
	ModeForwardTransitive  Mode = "FORWARD_TRANSITIVE"
	ModeFull               Mode = "FULL"
	ModeFullTransitive     Mode = "FULL_TRANSITIVE"
	ModeNone               Mode = "NONE"
)

// Modes returns every mode, default first.
func Modes() []Mode {
	return []Mode{ModeBackward, ModeBackwardTransitive, ModeForward, ModeForwardTransitive, ModeFull, ModeFullTransitive, ModeNone}
}

// ParseMode parses a mode name, case-insensitively; "" is BACKWARD.
func ParseMode(s string) (Mode, error) {
	if s == "" {
		return ModeBackward, nil
	}
	for _, m := range Modes() {
		if strings.EqualFold(s, string(m)) {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown compatibility mode %q; use one of %s", s, joinModes())
}

func joinModes() string {
	names := make([]string, 0, 7)
	for _, m := range Modes() {
		names = append(names, string(m))
	}
	return strings.Join(names, ", ")
}

// Backward reports whether the mode requires backward compatibility: data
// written with the old schema must validate against the new one.
func (m Mode) Backward() bool {
	return m == ModeBackward || m == ModeBackwardTransitive || m == ModeFull || m == ModeFullTransitive
}

// Forward reports whether the mode requires forward compatibility: data
// written with the new schema must validate against the old one.
func (m Mode) Forward() bool {
	return m == ModeForward || m == ModeForwardTransitive || m == ModeFull || m == ModeFullTransitive
}

// Transitive reports whether the mode checks against every earlier version
// of the same major line instead of only the one before.
func (m Mode) Transitive() bool {
	return m == ModeBackwardTransitive || m == ModeForwardTransitive || m == ModeFullTransitive
}

// Policy is Confluent's compatibility policy for open content models.
type Policy string

// The policies. LENIENT is the default.
const (
	// PolicyLenient treats an open content model as open: adding a property
	// to it is compatible.
	PolicyLenient Policy = "LENIENT"
	// PolicyStrict uses value-set semantics: adding a property to an open
	// content model narrows the values it accepts, which breaks.
	PolicyStrict Policy = "STRICT"
)

// ParsePolicy parses a policy name, case-insensitively; "" is LENIENT.
func ParsePolicy(s string) (Policy, error) {
	switch strings.ToUpper(s) {
	case "", string(PolicyLenient):
		return PolicyLenient, nil
	case string(PolicyStrict):
		return PolicyStrict, nil
	}
	return "", fmt.Errorf("unknown compatibility policy %q; use LENIENT or STRICT", s)
}

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

// MarshalText implements encoding.TextMarshaler.
func (b Bump) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Bump) UnmarshalText(text []byte) error {
	v, err := ParseBump(string(text))
	*b = v
	return err
}
