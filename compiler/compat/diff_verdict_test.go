package compat

import (
	"testing"

	"github.com/schemareg/schemareg/compiler/semver"
)

func TestRequiredBump(t *testing.T) {
	breaking := Change{Kind: "TYPE_CHANGED", Breaking: true}
	valid := Change{Kind: "MAX_LENGTH_INCREASED", Backward: true}
	note := Change{Kind: "TITLE_CHANGED", Backward: true, Forward: true, Annotation: true}
	tests := []struct {
		name    string
		changes []Change
		want    semver.Bump
	}{
		{"None", nil, semver.BumpNone},
		{"AnnotationsOnly", []Change{note, note}, semver.BumpPatch},
		{"ValidDataChanges", []Change{note, valid}, semver.BumpMinor},
		{"Breaking", []Change{note, valid, breaking}, semver.BumpMajor},
		{"BreakingFirst", []Change{breaking, note}, semver.BumpMajor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RequiredBump(tt.changes); got != tt.want {
				t.Errorf("RequiredBump = %v, want %v", got, tt.want)
			}
		})
	}
}
