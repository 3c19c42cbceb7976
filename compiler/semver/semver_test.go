package semver

import (
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{"1.2.3", "1.2.3", ""},
		{"0.0.0", "0.0.0", ""},
		{"2.0.0-rc.1", "2.0.0-rc.1", ""},
		{"1.0", "", "is not MAJOR.MINOR.PATCH"},
		{"01.0.0", "", "without leading zeros"},
		{"1.0.0+build", "", "build metadata"},
		{"1.0.0-", "", "empty pre-release"},
		{"1.0.0-rc..1", "", "empty pre-release identifier"},
		{"1.0.0-01", "", "leading zero"},
		{"v1.0.0", "", "not a number"},
		{"", "", "version is empty"},
		{"99999999999999999999.0.0", "", "out of range"},
	}
	for _, tc := range tests {
		v, err := Parse(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseVersion(%q) error %v, want one containing %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || v.String() != tc.want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %s", tc.in, v, err, tc.want)
		}
	}
}

func TestVersionCompareAndBump(t *testing.T) {
	tests := []struct {
		a, b string
		cmp  int
		bump Bump // the bump b makes over a
	}{
		{"1.0.0", "1.0.0", 0, BumpNone},
		{"1.0.0", "1.0.1", -1, BumpPatch},
		{"1.0.0", "1.1.0", -1, BumpMinor},
		{"1.9.9", "2.0.0", -1, BumpMajor},
		{"1.2.3", "1.2.2", 1, BumpNone},
		{"1.0.0-alpha", "1.0.0", -1, BumpPatch},
		{"1.0.0-alpha", "1.0.0-alpha.1", -1, BumpPatch},
		{"1.0.0-alpha.1", "1.0.0-alpha.beta", -1, BumpPatch},
		{"1.0.0-beta.2", "1.0.0-beta.11", -1, BumpPatch},
		{"1.0.0-rc.1", "1.0.0-beta", 1, BumpNone},
	}
	for _, tc := range tests {
		a, _ := Parse(tc.a)
		b, _ := Parse(tc.b)
		if got := a.Compare(b); got != tc.cmp {
			t.Errorf("%s.Compare(%s) = %d, want %d", tc.a, tc.b, got, tc.cmp)
		}
		if got := b.BumpFrom(a); got != tc.bump {
			t.Errorf("%s.BumpFrom(%s) = %s, want %s", tc.b, tc.a, got, tc.bump)
		}
	}
}
