package compiler

import (
	"errors"
	"net/url"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
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
	// document is refused unchecked, with one DataError of keyword "limit".
	MaxChecks = 10_000_000
	// maxExploreWork and maxBoundWork bound the work of the check of the
	// evaluations itself: its exact walk, then its estimate.
	maxExploreWork = 300_000
	maxBoundWork   = 1_000_000
)

// checkSize refuses a document that, with the registry documents its $refs
// reach, has more than MaxSubschemas subschemas.
func (r *Registry) checkSize(d *Document) error {
	seen := map[*Document]bool{d: true}
	queue := []*Document{d}
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
			return d.problem("", "%s more than %d subschemas; split the schema, or refer to fewer and smaller schemas", what, MaxSubschemas)
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
			case "enum", "const", "examples", "default", FieldArrow:
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

// checkCost refuses a compiled schema under which one value may have to be
// checked more than MaxEvaluations times, and returns the most times one
// value may be. It follows the values a validator visits, from the root
// down to MaxDepth levels, and counts for each the subschemas that apply
// to it and along how many branches.
func checkCost(d *Document, root *jsonschema.Schema) (int, error) {
	c := &coster{ids: map[*jsonschema.Schema]int32{}, onStack: map[int32]bool{}, seen: map[string]int{}}
	c.add(root)
	for i := 0; i < len(c.nodes); i++ { // c.nodes grows as edges are added
		c.edges(int32(i))
	}
	c.dynamicEdges()
	c.budget = maxExploreWork
	err := c.explore(c.closure(0), MaxDepth)
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
		return 0, d.problem("", "the schema's $refs and applicators combine in too many ways to bound the work of a validator; simplify how its subschemas refer to each other")
	}
	at, where := "", "a subschema of another registry schema"
	if e, ok := err.(*costError); ok {
		loc := c.nodes[e.node].s.Location
		if base, frag, _ := strings.Cut(loc, "#"); base == d.location() {
			if f, err := url.PathUnescape(frag); err == nil {
				at, where = f, displayPointer(f)
			}
		} else {
			where = strings.TrimSuffix(trimRegistryBase(loc), "#")
		}
		return 0, d.problem(at, "one value may have to be checked more than %d times, against %s along many branches: the $refs and applicators that lead to it multiply the checks; refer to shared subschemas along fewer branches", MaxEvaluations, where)
	}
	return 0, d.problem("", "%v", err)
}

// costError names the subschema a value is checked against too often.
type costError struct{ node int32 }

func (e *costError) Error() string { return "too many evaluations" }

var errCostWork = errors.New("the evaluation check ran out of work")
