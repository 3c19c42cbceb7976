package compat

import (
	"encoding/json"
	"math/big"
	"sort"
	"strconv"
)

// KindInfo describes one kind of change the compatibility engine reports.
type KindInfo struct {
	// Kind is the stable UPPER_SNAKE name found in api.Change.Kind.
	Kind string `json:"kind"`
	// BackwardStrict and BackwardLenient report whether the change keeps
	// data written with the old schema valid against the new one, under the
	// STRICT and the LENIENT policy. Forward compatibility is the same
	// question asked of the diff with the schemas swapped.
	BackwardStrict  bool `json:"backward_strict"`
	BackwardLenient bool `json:"backward_lenient"`
	// Annotation is true for kinds that change no validation outcome.
	Annotation bool `json:"annotation"`
	// Confluent is true when Confluent Schema Registry reports the same
	// kind under the same name.
	Confluent bool `json:"confluent"`
	// Summary says what the change is, for documentation.
	Summary string `json:"summary"`
	// Family names the rules that find it: annotation, schema, scalar,
	// object, array, combined or arrow.
	Family string `json:"family"`
}

// Kinds returns every kind of change, in a stable order: annotations,
// types, strings, numbers, objects, arrays, enums, combinations, Arrow.
func Kinds() []KindInfo {
	out := make([]KindInfo, 0, numKinds)
	for k := kind(0); k < numKinds; k++ {
		out = append(out, k.info())
	}
	return out
}

// LookupKind returns the description of a kind by name.
func LookupKind(name string) (KindInfo, bool) {
	for k := kind(0); k < numKinds; k++ {
		if kindInfos[k].name == name {
			return k.info(), true
		}
	}
	return KindInfo{}, false
}

func (k kind) info() KindInfo {
	i := kindInfos[k]
	return KindInfo{Kind: i.name, BackwardStrict: i.policy == compatible, BackwardLenient: i.policy != breaking,
		Annotation: i.annotation, Confluent: i.confluent, Summary: i.summary, Family: kindFamily[k]}
}

// String returns the kind's name.
func (k kind) String() string {
	if k >= numKinds {
		return "UNKNOWN"
	}
	return kindInfos[k].name
}

// compatible reports whether a change of this kind, found diffing old
// against new, keeps data written with old valid against new.
func (k kind) compatible(p Policy) bool {
	switch kindInfos[k].policy {
	case compatible:
		return true
	case breaksStrict:
		return p != PolicyStrict
	}
	return false
}

// annotation reports whether the kind changes only annotations.
func (k kind) annotation() bool { return kindInfos[k].annotation }

// cmpNumber compares two JSON numbers by value: 1 and 1.0 are equal.
func cmpNumber(a, b json.Number) int {
	if a == b {
		return 0
	}
	fa, errA := strconv.ParseFloat(string(a), 64)
	fb, errB := strconv.ParseFloat(string(b), 64)
	if errA == nil && errB == nil && fa != fb {
		if fa < fb {
			return -1
		}
		return 1
	}
	ra, okA := new(big.Rat).SetString(string(a))
	rb, okB := new(big.Rat).SetString(string(b))
	if okA && okB {
		return ra.Cmp(rb)
	}
	switch {
	case string(a) < string(b):
		return -1
	case string(a) > string(b):
		return 1
	}
	return 0
}

// divides reports whether b is an integer multiple of a (both non-zero).
func divides(a, b json.Number) bool {
	ra, okA := new(big.Rat).SetString(string(a))
	rb, okB := new(big.Rat).SetString(string(b))
	if !okA || !okB || ra.Sign() == 0 {
		return false
	}
	return new(big.Rat).Quo(rb, ra).IsInt()
}

func sortStrings(s []string) { sort.Strings(s) }
