package validate

import (
	"errors"
	"net/url"
	"regexp/syntax"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/schemareg/schemareg/compiler/document"
)

// Limits of the work a schema may ask of a validator. A validator checks a
// value against every subschema that applies to it: $refs and applicators
// (allOf, anyOf, oneOf, items, ...) that reach one subschema along several
// branches make it check the same value again for each branch, and level
// after level the checks multiply. Forty levels of two branches that share
// one $ref make a 2 KB schema take years to check one small value.
const (
	// MaxSubschemas is the most subschemas a document and the registry
	// documents its $refs reach may have together: compiling them takes
	// time that grows with the square of their number.
	MaxSubschemas = 10_000
	// MaxEvaluations is the most times a validator may have to check one
	// value against subschemas of a schema.
	MaxEvaluations = 10_000
	// MaxChecks bounds the checks of one data document: the values it
	// holds times the most checks the schema makes of one value. A larger
	// document is refused unchecked, with one api.DataError of keyword "limit".
	MaxChecks = 10_000_000
	// MaxPatternSize is the most instructions one regular expression of a
	// schema (a pattern, a key of patternProperties) may compile to. The
	// work of matching a string grows with its length times this size.
	MaxPatternSize = 2_000
	// MaxPatternWork bounds the regular-expression work of one data
	// document: the bytes of its strings and property names times the
	// size of the schema's largest pattern. A larger document is refused
	// unchecked, with one api.DataError of keyword "limit".
	MaxPatternWork = 100_000_000
	// maxExploreWork and maxBoundWork bound the work of the check of the
	// evaluations itself: its exact walk, then its estimate.
	maxExploreWork = 300_000
	maxBoundWork   = 1_000_000
)

// checkSize refuses a document that, with the registry documents its $refs
// reach, has more than MaxSubschemas subschemas.
func (r *Registry) checkSize(d *document.Document) error {
	seen := map[*document.Document]bool{d: true}
	queue := []*document.Document{d}
	total := 0
	for first := true; len(queue) > 0; first = false {
		cur := queue[0]
		queue = queue[1:]
		walkSchema(cur.Root, func(m map[string]any) {
			total++
			ref, ok := m["$ref"].(string)
			if !ok || strings.HasPrefix(ref, "#") {
				return
			}
			if next, ok := r.Resolve(ref); ok && !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		})
		if total > MaxSubschemas {
			what := "the schema has"
			if !first {
				what = "the schema and the registry schemas its $refs reach have"
			}
			return d.ProblemAt("", "%s more than %d subschemas; split the schema, or refer to fewer and smaller schemas", what, MaxSubschemas)
		}
	}
	return nil
}

// walkSchema calls visit for every object in a schema document, but not
// for those inside values that are data (enum, const, examples, default)
// or the arrow block.
func walkSchema(v any, visit func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		visit(v)
		for k, c := range v {
			switch k {
			case "enum", "const", "examples", "default", document.FieldArrow:
				continue
			}
			walkSchema(c, visit)
		}
	case []any:
		for _, c := range v {
			walkSchema(c, visit)
		}
	}
}

// schemaCost is the most work a compiled schema asks of a validator.
type schemaCost struct {
	checks  int // the most times one value is checked against subschemas
	pattern int // the instructions of its largest regular expression
}

// checkCost refuses a compiled schema under which one value may have to be
// checked more than MaxEvaluations times, or with a regular expression over
// MaxPatternSize, and returns the most times one value may be checked and
// the size of its largest pattern. It follows the values a validator
// visits, from the root down to MaxDepth levels, and counts for each the
// subschemas that apply to it and along how many branches.
func checkCost(d *document.Document, root *jsonschema.Schema) (schemaCost, error) {
	c := &coster{ids: map[*jsonschema.Schema]int32{}, onStack: map[int32]bool{}, seen: map[string]int{}}
	c.add(root)
	for i := 0; i < len(c.nodes); i++ { // c.nodes grows as edges are added
		c.edges(int32(i))
	}
	largest, err := c.patterns(d)
	if err != nil {
		return schemaCost{}, err
	}
	checks, err := c.evaluations(d)
	return schemaCost{checks: checks, pattern: largest}, err
}

// patterns refuses a regular expression of the schema over MaxPatternSize
// and returns the size of the largest.
func (c *coster) patterns(d *document.Document) (int, error) {
	largest := 0
	for i, n := range c.nodes {
		type keyword struct{ re, ptr string }
		var res []keyword
		if n.s.Pattern != nil {
			res = append(res, keyword{n.s.Pattern.String(), "/pattern"})
		}
		for _, e := range n.patterns {
			res = append(res, keyword{e.re.String(), "/patternProperties/" + document.EscapePointer(e.re.String())})
		}
		for _, k := range res {
			size, err := patternSize(k.re)
			if err != nil {
				continue // the JSON Schema compiler compiled it: its engine is the judge
			}
			if size > MaxPatternSize {
				at, where, ok := c.where(d, int32(i))
				if ok {
					at += k.ptr
					where = displayPointer(at)
				}
				return 0, d.ProblemAt(at, "the regular expression %.80q at %s compiles to %d instructions; the limit is %d, since matching a string costs its length times this size: use fewer or smaller repetitions and alternatives",
					k.re, where, size, MaxPatternSize)
			}
			largest = max(largest, size)
		}
	}
	return largest, nil
}

// patternSize returns the instructions a regular expression compiles to.
func patternSize(re string) (int, error) {
	parsed, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return 0, err
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return 0, err
	}
	return len(prog.Inst), nil
}

// where returns the JSON pointer of a node in d and how to name it; ok is
// false for a node of another registry schema, named by its location.
func (c *coster) where(d *document.Document, node int32) (at, where string, ok bool) {
	loc := c.nodes[node].s.Location
	base, frag, _ := strings.Cut(loc, "#")
	if base != location(d) {
		return "", strings.TrimSuffix(trimRegistryBase(loc), "#"), false
	}
	f, err := url.PathUnescape(frag)
	if err != nil {
		return "", "a subschema of the schema", false
	}
	return f, displayPointer(f), true
}

// evaluations refuses a schema under which one value may have to be
// checked more than MaxEvaluations times, and returns the most times one
// value may be.
func (c *coster) evaluations(d *document.Document) (int, error) {
	c.dynamicEdges()
	c.budget = maxExploreWork
	err := c.explore(c.closure(0), document.MaxDepth)
	if err == errCostWork {
		// Too many combinations to follow each: bound them from above.
		c.work, c.budget = 0, maxBoundWork
		var total int
		switch total, err = c.bound(); {
		case err != nil:
		case total <= MaxEvaluations:
			err, c.most = nil, total
		default:
			err = &costError{node: 0}
		}
	}
	if err == nil {
		return c.most, nil
	}
	if err == errCostWork {
		return 0, d.ProblemAt("", "the schema's $refs and applicators combine in too many ways to bound the work of a validator; simplify how its subschemas refer to each other")
	}
	if e, ok := err.(*costError); ok {
		at, where, _ := c.where(d, e.node)
		return 0, d.ProblemAt(at, "one value may have to be checked more than %d times, against %s along many branches: the $refs and applicators that lead to it multiply the checks; refer to shared subschemas along fewer branches", MaxEvaluations, where)
	}
	return 0, d.ProblemAt("", "%v", err)
}

// costError names the subschema a value is checked against too often.
type costError struct{ node int32 }

func (e *costError) Error() string { return "too many evaluations" }

var errCostWork = errors.New("the evaluation check ran out of work")
