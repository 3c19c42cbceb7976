package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/schemareg/schemareg/api"
)

// randomValue makes a JSON value of strings that need escapes, numbers,
// empty and nested arrays and objects.
func randomValue(rng *rand.Rand, depth int) any {
	strs := []string{"", "plain", `a "quoted" word`, `back\slash`, `\"`, "line\nbreak", "tab\t", "<html>&", "ünïcödé ✓", "\u2028", `}{][,:`, `\`}
	switch k := rng.IntN(8); {
	case depth > 4 || k == 0:
		return strs[rng.IntN(len(strs))]
	case k == 1:
		return rng.Float64()*1e6 - 5e5
	case k == 2:
		return rng.IntN(3) == 0
	case k == 3:
		return nil
	case k < 6:
		n := rng.IntN(4)
		a := make([]any, n)
		for i := range a {
			a[i] = randomValue(rng, depth+1)
		}
		return a
	default:
		n := rng.IntN(4)
		m := map[string]any{}
		for range n {
			m[strs[rng.IntN(len(strs))]+fmt.Sprint(rng.IntN(3))] = randomValue(rng, depth+1)
		}
		return m
	}
}

func TestEncodeJSONIndentsAsEncodingJSONDoes(t *testing.T) {
	want := func(v any) []byte {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", " ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	rng := rand.New(rand.NewPCG(3, 4))
	values := []any{[]any{}, map[string]any{}, "", 0, []any{[]any{}, map[string]any{"": []any{}}}}
	for range 2000 {
		values = append(values, randomValue(rng, 0))
	}
	// A version list and a manifest, as a compile makes them.
	var versions []Version
	for i := range 30 {
		versions = append(versions, Version{Version: fmt.Sprintf("1.%d.0", i), GlobalID: i + 1, Digest: "sha256:00", Size: i,
			Path: "schemas/a.json", Commit: "c0ffee", Time: "2026-01-02T03:04:05Z", Author: `Ada "A" Lovelace <ada@example.com>`,
			Bump: "minor", RequiredBump: "minor", Compatible: true, Arrow: "sha256:11",
			Changes: []api.Change{{Kind: "PROPERTY_ADDED", Path: "#/properties/x~1y", Line: i, Message: `property "x/y" added \ <b>`}}})
	}
	values = append(values, versions, Manifest{Schemas: []Schema{{ID: "a", Versions: versions}}})
	for i, v := range values {
		got, err := encodeJSON(v)
		if err != nil {
			t.Fatal(err)
		}
		if w := want(v); !bytes.Equal(got, w) {
			t.Fatalf("value %d: got\n%s\nwant\n%s", i, got, w)
		}
	}
}
