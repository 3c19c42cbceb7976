package compiler

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/google/go-cmp/cmp"
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
		v, err := ParseVersion(tc.in)
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
		a, _ := ParseVersion(tc.a)
		b, _ := ParseVersion(tc.b)
		if got := a.Compare(b); got != tc.cmp {
			t.Errorf("%s.Compare(%s) = %d, want %d", tc.a, tc.b, got, tc.cmp)
		}
		if got := b.BumpFrom(a); got != tc.bump {
			t.Errorf("%s.BumpFrom(%s) = %s, want %s", tc.b, tc.a, got, tc.bump)
		}
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b": 1, "a": [true, null, "x"]}`, `{"a":[true,null,"x"],"b":1}`},
		{`{"n": 1.0, "m": 1e2, "k": -0, "j": 0.10, "i": 1E-7, "h": 12345678901234567890}`, `{"h":12345678901234567890,"i":1e-07,"j":0.1,"k":0,"m":100,"n":1}`},
		{`[6.9999999999999999e15, 6.9999999999999999e-5, 1e400]`, `[7000000000000000,7e-05,1e400]`},
		{`{"s": "<&>\u00e9\u2028\n\"\\"}`, "{\"s\":\"<&>\u00e9\u2028\\n\\\"\\\\\"}"},
		{`{"\u20ac": 1, "\ud83d\ude00": 2, "z": 3}`, "{\"z\":3,\"\u20ac\":1,\"\U0001F600\":2}"},
	}
	for _, tc := range tests {
		v, err := parseJSON([]byte(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := string(Canonical(v)); got != tc.want {
			t.Errorf("Canonical(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestDocumentLine(t *testing.T) {
	data := []byte("{\n  \"id\": \"a_v1\",\n  \"version\": \"1.0.0\",\n  \"properties\": {\n    \"x/y\": {\"type\": \"string\"},\n    \"z\": {}\n  }\n}\n")
	d, err := ParseDocument("a_v1.json", data)
	if err != nil {
		t.Fatal(err)
	}
	for ptr, want := range map[string]int{
		"#/version": 3, "/properties": 4, "#/properties/x~1y/type": 5, "#/properties/z": 6,
		"#/properties/z/missing": 6, "#/nope": 1, "": 1,
	} {
		if got := d.Line(ptr); got != want {
			t.Errorf("Line(%q) = %d, want %d", ptr, got, want)
		}
	}
}

// TestArrowTicks checks the Arrow schema of the ticks_v1 example: the
// types its arrow block gives, in its order, and IPC bytes that an Arrow
// reader reads back.
func TestArrowTicks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "schemas", "ticks_v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseDocument("ticks_v1.json", data)
	if err != nil {
		t.Fatal(err)
	}
	ipcBytes, err := d.ArrowIPC(nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ipc.NewReader(bytes.NewReader(ipcBytes))
	if err != nil {
		t.Fatalf("read the IPC stream back: %v", err)
	}
	defer r.Release()
	var got []string
	for _, f := range r.Schema().Fields() {
		got = append(got, f.Name+" "+f.Type.String()+map[bool]string{true: " nullable", false: ""}[f.Nullable])
	}
	want := []string{
		"ts timestamp[us, tz=UTC]",
		"symbol utf8",
		"price float64",
		"size int64",
		"side utf8",
		"exchange utf8 nullable",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("arrow fields (-want +got):\n%s", diff)
	}
	again, _ := d.ArrowIPC(nil)
	if !bytes.Equal(ipcBytes, again) {
		t.Error("ArrowIPC is not deterministic")
	}
}

func TestArrowDefaultMapping(t *testing.T) {
	d, err := ParseSchema("s.json", []byte(`{
		"type": "object",
		"required": ["n"],
		"properties": {
			"n": {"type": "integer"},
			"f": {"type": ["number", "null"]},
			"d": {"type": "string", "format": "date"},
			"t": {"type": "string", "format": "date-time"},
			"b": {"type": "boolean"},
			"o": {"type": "object", "properties": {"k": {"type": "string"}}},
			"a": {"type": "array", "items": {"type": "integer"}},
			"r": {"$ref": "#/definitions/x"},
			"u": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
		},
		"definitions": {"x": {"type": "number"}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.ArrowSchema(nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range s.Fields() {
		got = append(got, f.Name+" "+f.Type.String())
	}
	want := []string{"a list<item: int64, nullable>", "b bool", "d date32", "f float64", "n int64", "o struct<k: utf8 nullable>", "r float64", "t timestamp[us, tz=UTC]", "u utf8"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default mapping (-want +got):\n%s", diff)
	}
}
