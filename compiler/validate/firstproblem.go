package validate

import (
	"errors"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/schemareg/schemareg/compiler/document"
)

// maxProblemPasses bounds the compiles firstProblem runs after the first.
const maxProblemPasses = 64

// firstProblem returns the problem of a failed compile of d that does not
// depend on the order in which the JSON Schema compiler visits d's members,
// which is Go's map order and differs from run to run. The compiler stops
// at the first $ref that does not resolve, or the first invalid pattern, it
// meets: firstProblem compiles a copy of d again with each such place it
// reports taken out, until none is left, and returns the one first in key
// order, as checkExternal and deepestCause choose. err is the first
// compile's error.
func (r *Registry) firstProblem(d *document.Document, err error) *document.Problem {
	best := compileProblem(d, err)
	if d.ID != "" && !r.compiles(d) {
		return best // the compiler compiles the registry's document of that id
	}
	cp := *d
	cp.Root = copyJSON(d.Root)
	ptr := failedAt(&cp, err)
	bestAt := pointerTokens(ptr)
	for range maxProblemPasses {
		if ptr == "" || !removeAt(cp.Root, ptr) {
			break
		}
		if err = r.compileRoot(&cp); err == nil {
			break
		}
		p := compileProblem(&cp, err)
		if ptr = failedAt(&cp, err); ptr == "" {
			break
		}
		if at := pointerTokens(ptr); slices.Compare(at, bestAt) < 0 {
			best, bestAt = p, at
		}
	}
	return best
}

// failedAt returns the pointer of the member of d that a compile error
// names when that error is one the compiler meets one at a time: a $ref
// that does not resolve, or a pattern that does not compile. "" otherwise.
func failedAt(d *document.Document, err error) string {
	var pnf *jsonschema.JSONPointerNotFoundError
	var anf *jsonschema.AnchorNotFoundError
	var le *jsonschema.LoadURLError
	var rx *jsonschema.InvalidRegexError
	switch {
	case errors.As(err, &pnf):
		return refPointer(d.Root, pnf.URL)
	case errors.As(err, &anf):
		return refPointer(d.Root, anf.Reference)
	case errors.As(err, &le):
		return refPointer(d.Root, le.URL)
	case errors.As(err, &rx):
		base, frag, _ := strings.Cut(rx.URL, "#")
		if strings.TrimSuffix(base, ".json") != location(d) {
			return ""
		}
		return frag
	}
	return ""
}

// compileRoot compiles d as compile does once its own checks have passed,
// d's root as the compiler's copy of location(d).
func (r *Registry) compileRoot(d *document.Document) error {
	_, err := newCompiler(rootLoader{r: r, loc: location(d), root: schemaRoot(d)}).Compile(location(d))
	return err
}

// rootLoader loads loc as root, and everything else from the registry.
type rootLoader struct {
	r    *Registry
	loc  string
	root any
}

func (l rootLoader) Load(u string) (any, error) {
	if strings.TrimSuffix(u, ".json") == l.loc {
		return l.root, nil
	}
	return l.r.Load(u)
}

// pointerTokens returns the reference tokens of a JSON pointer, unescaped.
func pointerTokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	toks := strings.Split(ptr[1:], "/")
	for i, t := range toks {
		toks[i] = document.UnescapePointer(t)
	}
	return toks
}

// removeAt deletes the member at ptr from the object holding it; false
// when there is none.
func removeAt(root any, ptr string) bool {
	i := strings.LastIndexByte(ptr, '/')
	if i < 0 {
		return false
	}
	parent, ok := document.LookupPointer(root, ptr[:i])
	if !ok {
		return false
	}
	m, ok := parent.(map[string]any)
	key := document.UnescapePointer(ptr[i+1:])
	if !ok {
		return false
	}
	if _, has := m[key]; !has {
		return false
	}
	delete(m, key)
	return true
}

// copyJSON returns a deep copy of a decoded document.
func copyJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, e := range v {
			c[k] = copyJSON(e)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = copyJSON(e)
		}
		return c
	}
	return v
}
