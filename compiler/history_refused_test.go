package compiler

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// enumSchema is a schema whose values are an enum, under a mode.
func enumSchema(version, mode, enum string) string {
	return `{
  "id": "ev_v1",
  "version": "` + version + `",
  "compatibility": "` + mode + `",
  "enum": [` + enum + `]
}
`
}

// A version whose bump is refused is never published, and the fix that
// follows is judged against the version that stayed latest: one verdict.
func TestRefusedVersionIsNeverPublished(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.2.0", "", propTS, propSymbol, propSide))
	r.commit("v1.2")
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.3.0", "", propTS, propSymbol))
	r.commit("drop side with a minor bump")
	_, err := Compile(t.Context(), CompileOptions{Repo: r.dir})
	var ve *ViolationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "1.3.0 is not published") {
		t.Fatalf("compile at the refused commit: %v", err)
	}
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "2.0.0", "", propTS, propSymbol))
	r.commit("fix: major bump")
	res := mustCompile(t, r, CompileOptions{})
	want := []string{
		"schema ticks_v1 latest=2.0.0 path=schemas/ticks_v1.json",
		"  1.2.0 bump=none required=none compatible=true",
		"  2.0.0 bump=major required=major compatible=false",
		"violation INVALID_BUMP schemas/ticks_v1.json:3 ticks_v1 1.3.0",
	}
	if diff := cmp.Diff(want, summary(res.Bundle)); diff != "" {
		t.Errorf("compile (-want +got):\n%s", diff)
	}
	if _, ok := res.Bundle.Files["schemas/ticks_v1/1.3.0.json"]; ok {
		t.Error("the bundle holds the refused 1.3.0")
	}
	assertIncrementalEqual(t, r, res.Bundle)
}

// Under a transitive mode the change that breaks against an earlier
// version is listed, naming that version, and the refusal says it.
func TestTransitiveRefusalNamesTheBreakingChange(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/ev_v1.json", enumSchema("1.0.0", "NONE", `"a", "b"`))
	r.commit("v1")
	r.write("schemas/ev_v1.json", enumSchema("1.1.0", "NONE", `"a"`))
	r.commit("drop b under NONE")
	r.write("schemas/ev_v1.json", enumSchema("1.2.0", "BACKWARD_TRANSITIVE", `"a"`))
	r.commit("transitive from now on")
	r.write("schemas/ev_v1.json", enumSchema("1.3.0", "BACKWARD_TRANSITIVE", `"a", "c"`))
	r.commit("add c")
	rep, err := Check(t.Context(), CheckOptions{Repo: r.dir, Base: "HEAD~1", Head: "HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range rep.Schemas {
		for _, c := range s.Changes {
			got = append(got, c.Kind+" breaking="+strconv.FormatBool(c.Breaking)+" "+c.Message)
		}
	}
	joined := strings.Join(got, "\n")
	if !strings.Contains(joined, "breaking=true against 1.0.0: ") || !strings.Contains(joined, "ENUM_ARRAY_EXTENDED breaking=false") {
		t.Errorf("changes should show the extension against 1.2.0 and what breaks against 1.0.0:\n%s", joined)
	}
}
