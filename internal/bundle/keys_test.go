package bundle_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/internal/bundle"
)

func TestKeys(t *testing.T) {
	gen := "sha256:" + fmt.Sprintf("%064x", 1)
	tests := []struct {
		name string
		keys bundle.Keys
		got  string
		want string
	}{
		{"Generation", bundle.Keys{}, bundle.Keys{}.Generation(), "/schemareg/generation"},
		{"GenerationPrefix", bundle.Keys{Prefix: "/reg2/"}, bundle.Keys{Prefix: "/reg2/"}.Generation(), "/reg2/generation"},
		{"IndexShard", bundle.Keys{}, bundle.Keys{}.IndexShard(gen, 3), "/schemareg/index/" + bundle.Ref(gen) + "/0003"},
		{"Schema", bundle.Keys{}, bundle.Keys{}.Schema("ticks_v1", "1.1.0"), "/schemareg/schemas/ticks_v1/1.1.0"},
		{"Latest", bundle.Keys{}, bundle.Keys{}.Latest("ticks_v1"), "/schemareg/schemas/ticks_v1/latest"},
		{"Versions", bundle.Keys{}, bundle.Keys{}.Versions("ticks_v1", "abc"), "/schemareg/versions/ticks_v1/abc"},
		{"Meta", bundle.Keys{}, bundle.Keys{}.Meta("ticks_v1", "1.0.0", "abc"), "/schemareg/meta/ticks_v1/1.0.0/abc"},
		{"Arrow", bundle.Keys{}, bundle.Keys{}.Arrow("ticks_v1", "1.0.0", "sha256:abc"), "/schemareg/arrow/ticks_v1/1.0.0/abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestEncodeValueIsStable(t *testing.T) {
	v := bundle.VersionList{ID: "a", Title: "<b> & c", Versions: []bundle.VersionInfo{{Version: "1.0.0"}}}
	a, err := bundle.EncodeValue(v)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := bundle.EncodeValue(v)
	if string(a) != string(b) || bundle.RefOf(a) != bundle.RefOf(b) {
		t.Fatal("two encodings of one value differ")
	}
	if want := `"title":"<b> & c"`; !strings.Contains(string(a), want) {
		t.Errorf("encoding %s lacks %s", a, want)
	}
}
