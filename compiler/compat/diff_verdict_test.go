package compat

import (
	"testing"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/semver"
)

func TestRequiredBump(t *testing.T) {
	breaking := api.Change{Kind: "TYPE_CHANGED", Breaking: true}
	valid := api.Change{Kind: "MAX_LENGTH_INCREASED", Backward: true}
	note := api.Change{Kind: "TITLE_CHANGED", Backward: true, Forward: true, Annotation: true}
	tests := []struct {
		name    string
		changes []api.Change
		want    semver.Bump
	}{
		{"None", nil, semver.BumpNone},
		{"AnnotationsOnly", []api.Change{note, note}, semver.BumpPatch},
		{"ValidDataChanges", []api.Change{note, valid}, semver.BumpMinor},
		{"Breaking", []api.Change{note, valid, breaking}, semver.BumpMajor},
		{"BreakingFirst", []api.Change{breaking, note}, semver.BumpMajor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RequiredBump(tt.changes); got != tt.want {
				t.Errorf("RequiredBump = %v, want %v", got, tt.want)
			}
		})
	}
}
