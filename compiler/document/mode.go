package document

import (
	"fmt"
	"strings"
)

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
