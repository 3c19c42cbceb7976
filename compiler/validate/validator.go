package validate

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	jskind "github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/fastrow"
)

// Validator checks data against a compiled schema. It is safe for
// concurrent use.
type Validator struct {
	schema  *jsonschema.Schema
	checks  int // the most times one value is checked against subschemas
	pattern int // the instructions of the schema's largest regular expression
	// fast certifies valid rows in one scan of their bytes; nil when the
	// schema uses what it does not support.
	fast *fastrow.Checker
}

// ValidateJSON checks one data document given as JSON bytes. A document
// the fast path certifies costs one scan of its bytes; any other is parsed
// (ParseData) and validated, which also says what is wrong. perr is the
// parse error of bytes that are not one JSON document.
func (v *Validator) ValidateJSON(data []byte) (errs []api.DataError, perr error) {
	if v.fast != nil && v.fast.Valid(data) {
		return nil, nil
	}
	doc, err := ParseData(data)
	if err != nil {
		return nil, err
	}
	return v.Validate(doc), nil
}

// Validate checks one decoded data document (decode it with json.Number for
// numbers, as the parser of this package does). It returns nil when the
// data is valid.
//
// A document with so many values that checking them could take more than
// MaxChecks checks of a value against a subschema, or with so many bytes
// of strings that matching them could take more than MaxPatternWork steps
// of the schema's largest regular expression, is not checked: it gets one
// api.DataError, of keyword "limit".
func (v *Validator) Validate(data any) []api.DataError {
	if v.checks > 0 || v.pattern > 0 {
		values, bytes := measure(data, MaxChecks/max(v.checks, 1)+1, MaxPatternWork/max(v.pattern, 1)+1)
		switch {
		case v.checks > 0 && values*v.checks > MaxChecks:
			return []api.DataError{{Keyword: "limit", Message: fmt.Sprintf(
				"too large to check against this schema: more than %d values, each checked up to %d times; the limit is %d checks a document, so send fewer values at once",
				MaxChecks/v.checks, v.checks, MaxChecks)}}
		case v.pattern > 0 && bytes*v.pattern > MaxPatternWork:
			return []api.DataError{{Keyword: "limit", Message: fmt.Sprintf(
				"too large to check against this schema: more than %d bytes of strings and property names, each matched by regular expressions of up to %d instructions; the limit is %d steps a document, so send shorter strings or fewer at once",
				MaxPatternWork/v.pattern, v.pattern, MaxPatternWork)}}
		}
	}
	err := v.schema.Validate(data)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []api.DataError{{Message: err.Error()}}
	}
	var out []api.DataError
	collectLeaves(ve, &out)
	if len(out) == 0 {
		out = append(out, api.DataError{Message: ve.Error()})
	}
	return out
}

// measure counts the values and property names of a decoded document, up
// to valueLimit, and the bytes of its strings and property names, up to
// byteLimit; it stops once either is reached.
func measure(v any, valueLimit, byteLimit int) (values, bytes int) {
	var walk func(v any)
	walk = func(v any) {
		if values >= valueLimit || bytes >= byteLimit {
			return
		}
		values++
		switch v := v.(type) {
		case string:
			bytes += len(v)
		case map[string]any:
			values += len(v)
			for k, c := range v {
				bytes += len(k)
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(v)
	return values, bytes
}

// collectLeaves flattens a validation error tree into its leaves: the
// failures that say what is wrong, not the groups that contain them.
func collectLeaves(e *jsonschema.ValidationError, out *[]api.DataError) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collectLeaves(c, out)
		}
		return
	}
	ptr := ""
	if len(e.InstanceLocation) > 0 {
		ptr = "/" + strings.Join(escapeAll(e.InstanceLocation), "/")
	}
	keyword := ""
	switch k := e.ErrorKind; {
	case isKind[*jskind.FalseSchema](k):
		keyword = "false" // no keyword: the schema is false
	case isKind[*jskind.Not](k):
		keyword = "not"
	case len(k.KeywordPath()) > 0:
		keyword = k.KeywordPath()[0]
	default:
		_, frag, _ := strings.Cut(e.SchemaURL, "#")
		keyword = path.Base(frag)
	}
	*out = append(*out, api.DataError{Path: ptr, Keyword: keyword, Message: leafMessage(e)})
}

func isKind[K jsonschema.ErrorKind](k jsonschema.ErrorKind) bool {
	_, ok := k.(K)
	return ok
}

// ParseData decodes one JSON data document the way Validate expects it,
// with the limits of this package (depth, UTF-8). A syntax error comes back
// as a *SyntaxError.
func ParseData(data []byte) (any, error) {
	return document.ParseJSON(data)
}
