package compiler

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/gittest"
)

func globalIDDoc(id, version, extra string) string {
	return fmt.Sprintf(`{"$schema": "https://json-schema.org/draft/2020-12/schema", "id": %q, "version": %q,
 "type": "object", "properties": {"a": {"type": "string"}%s}}`, id, version, extra)
}

// globalIDs lists "id@version=global id" for every version of b.
func globalIDs(t *testing.T, b *bundle.Bundle) []string {
	t.Helper()
	var out []string
	for _, s := range b.Manifest.Schemas {
		for _, v := range s.Versions {
			out = append(out, fmt.Sprintf("%s@%s=%d", s.ID, v.Version, v.GlobalID))
		}
	}
	return out
}

func TestGlobalIDsInHistoryOrder(t *testing.T) {
	r := gittest.New(t)
	r.Write("schemas/zeta_v1.json", globalIDDoc("zeta_v1", "1.0.0", ""))
	r.Commit("zeta")
	// Two files in one commit: numbered by path.
	r.Write("schemas/beta_v1.json", globalIDDoc("beta_v1", "1.0.0", ""))
	r.Write("schemas/alpha_v1.json", globalIDDoc("alpha_v1", "1.0.0", ""))
	r.Commit("alpha and beta")
	// The same content as alpha's under another id gets an id of its own.
	r.Write("schemas/zeta_v1.json", globalIDDoc("zeta_v1", "1.1.0", `, "b": {"type": "string"}`))
	r.Commit("zeta 1.1.0")
	first, err := Compile(t.Context(), CompileOptions{Repo: r.Dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alpha_v1@1.0.0=2", "beta_v1@1.0.0=3", "zeta_v1@1.0.0=1", "zeta_v1@1.1.0=4"}
	if diff := cmp.Diff(want, globalIDs(t, first.Bundle)); diff != "" {
		t.Fatalf("global ids (-want +got):\n%s", diff)
	}
	if first.Bundle.Manifest.GlobalIDs != 4 {
		t.Errorf("manifest global_ids = %d, want 4", first.Bundle.Manifest.GlobalIDs)
	}

	// A later commit continues the numbering, whether compiled from the
	// root or from the previous bundle, and earlier ids never move.
	r.Write("schemas/alpha_v1.json", globalIDDoc("alpha_v1", "1.1.0", `, "c": {"type": "integer"}`))
	r.Commit("alpha 1.1.0")
	full, err := Compile(t.Context(), CompileOptions{Repo: r.Dir})
	if err != nil {
		t.Fatal(err)
	}
	inc, err := Compile(t.Context(), CompileOptions{Repo: r.Dir, Since: first.Bundle})
	if err != nil {
		t.Fatal(err)
	}
	if !inc.Incremental {
		t.Fatalf("second compile was not incremental: %v", inc.Warnings)
	}
	want = []string{"alpha_v1@1.0.0=2", "alpha_v1@1.1.0=5", "beta_v1@1.0.0=3", "zeta_v1@1.0.0=1", "zeta_v1@1.1.0=4"}
	if diff := cmp.Diff(want, globalIDs(t, full.Bundle)); diff != "" {
		t.Errorf("full compile global ids (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, globalIDs(t, inc.Bundle)); diff != "" {
		t.Errorf("incremental compile global ids (-want +got):\n%s", diff)
	}
	if full.Bundle.Manifest.Generation != inc.Bundle.Manifest.Generation {
		t.Errorf("generations differ: full %s, incremental %s", full.Bundle.Manifest.Generation, inc.Bundle.Manifest.Generation)
	}
}

func TestGlobalIDsOldBundleRecompilesFromRoot(t *testing.T) {
	r := gittest.New(t)
	r.Write("schemas/alpha_v1.json", globalIDDoc("alpha_v1", "1.0.0", ""))
	r.Commit("alpha")
	first, err := Compile(t.Context(), CompileOptions{Repo: r.Dir})
	if err != nil {
		t.Fatal(err)
	}
	old := first.Bundle
	old.Manifest.GlobalIDs = 0
	for i := range old.Manifest.Schemas {
		for j := range old.Manifest.Schemas[i].Versions {
			old.Manifest.Schemas[i].Versions[j].GlobalID = 0
		}
	}
	if err := old.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	r.Write("schemas/beta_v1.json", globalIDDoc("beta_v1", "1.0.0", ""))
	r.Commit("beta")
	res, err := Compile(t.Context(), CompileOptions{Repo: r.Dir, Since: old})
	if err != nil {
		t.Fatal(err)
	}
	if res.Incremental {
		t.Error("a bundle without global ids was continued; want a compile from the root")
	}
	want := []string{"alpha_v1@1.0.0=1", "beta_v1@1.0.0=2"}
	if diff := cmp.Diff(want, globalIDs(t, res.Bundle)); diff != "" {
		t.Errorf("global ids (-want +got):\n%s", diff)
	}
}
