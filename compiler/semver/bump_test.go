package semver

import (
	"strings"
	"testing"
)

func TestCheckBump(t *testing.T) {
	v := func(s string) Version {
		t.Helper()
		ver, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return ver
	}
	tests := []struct {
		old, new string
		required Bump
		ok       bool
		notice   string // substring; "" for none
		err      string // substring; "" for none
	}{
		{"1.2.3", "2.0.0", BumpMajor, true, "", ""},
		{"1.2.3", "1.3.0", BumpMinor, true, "", ""},
		{"1.2.3", "1.2.4", BumpPatch, true, "", ""},
		{"1.2.3", "1.2.4", BumpNone, true, "", ""},
		{"1.2.3", "1.3.0", BumpMajor, false, "use 2.0.0", ""},
		{"1.2.3", "1.2.4", BumpMinor, false, "use 1.3.0", ""},
		{"1.2.3", "2.0.0", BumpMinor, true, "a minor bump (1.3.0) would do", ""},
		{"1.2.3", "1.3.0", BumpPatch, true, "a patch bump (1.2.4) would do", ""},
		{"1.2.3", "1.3.0", BumpNone, true, "a patch bump (1.2.4) would do", ""},
		{"1.2.3", "1.2.3", BumpNone, false, "", "not greater than 1.2.3"},
		{"1.2.3", "1.2.2", BumpPatch, false, "", "use 1.2.4 or later"},
		{"2.0.0-rc.1", "2.0.0", BumpMajor, true, "", ""},
		{"1.2.3", "2.0.0-rc.1", BumpMajor, true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.old+"→"+tt.new+"/"+tt.required.String(), func(t *testing.T) {
			ok, notice, err := CheckBump(v(tt.old), v(tt.new), tt.required)
			if ok != tt.ok {
				t.Errorf("ok = %v, want %v (notice %q, err %v)", ok, tt.ok, notice, err)
			}
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
			if tt.notice == "" && notice != "" || tt.notice != "" && !strings.Contains(notice, tt.notice) {
				t.Errorf("notice = %q, want %q", notice, tt.notice)
			}
		})
	}
}
