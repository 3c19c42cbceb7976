package validate

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/schemareg/schemareg/compiler/arrowschema"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/fastrow"
)

// registryBase is the URL a registry document is known by when it has no
// $id of its own: "quotes_v1#/definitions/x" in a document resolves against
// it to the document quotes_v1. Nothing is ever fetched from it.
const registryBase = "schemareg:///schemas/"

// ErrExternalRef reports a $ref or $schema that points outside the registry.
// schemareg never fetches a schema from the network or the file system.
var ErrExternalRef = errors.New("reference outside the registry")

// Registry is a set of documents that may refer to each other by id
// ("quotes_v1#/definitions/x") or by $id. It compiles documents with
// santhosh-tekuri/jsonschema and never loads anything from outside the set.
type Registry struct {
	byID  map[string]*document.Document
	byURL map[string]*document.Document

	// Find, when set, finds documents the registry does not hold: by id,
	// or by $id URL when id is "". The history compiler loads documents
	// from Git only when a $ref needs them.
	Find func(id, url string) (*document.Document, bool)
	// FindVersion, when set, finds a published version a pinned reference
	// ("instruments_v1@1.2.0#/x") names and the registry does not hold.
	FindVersion func(id, version string) (*document.Document, bool)
	// MissingPin, when set, explains a pinned reference to a version the
	// registry does not hold, in place of the default message.
	MissingPin func(id, version string) string
}

// PinSeparator separates a registry id from the version a reference pins:
// "instruments_v1@1.2.0#/definitions/symbol". Ids never contain it.
const PinSeparator = "@"

// SplitPin splits "id@version" into its id and version; version is "" for
// an unpinned id.
func SplitPin(ref string) (id, version string) {
	id, version, _ = strings.Cut(ref, PinSeparator)
	return id, version
}

// NewRegistry indexes docs by id and by root $id. Documents without an id
// are reachable only by $id.
func NewRegistry(docs ...*document.Document) *Registry {
	r := &Registry{byID: map[string]*document.Document{}, byURL: map[string]*document.Document{}}
	for _, d := range docs {
		r.Add(d)
	}
	return r
}

// Add adds or replaces a document.
func (r *Registry) Add(d *document.Document) {
	if d.ID != "" {
		r.byID[d.ID] = d
		r.byURL[registryBase+d.ID] = d
		r.AddPinned(d)
	}
	if id, ok := d.Object()["$id"].(string); ok {
		if u, err := url.Parse(id); err == nil && u.IsAbs() {
			u.Fragment = ""
			r.byURL[u.String()] = d
		}
	}
}

// AddPinned makes d reachable by a reference that pins its version only
// ("instruments_v1@1.2.0"), not by its id alone.
func (r *Registry) AddPinned(d *document.Document) {
	if d.ID != "" && d.HasVersion {
		r.byURL[registryBase+d.ID+PinSeparator+d.Version.String()] = d
	}
}

// Remove removes the document with the given id.
func (r *Registry) Remove(id string) {
	d, ok := r.byID[id]
	if !ok {
		return
	}
	delete(r.byID, id)
	for u, x := range r.byURL {
		if x == d {
			delete(r.byURL, u)
		}
	}
}

// Lookup returns the document with the given registry id.
func (r *Registry) Lookup(id string) (*document.Document, bool) {
	if bare, version := SplitPin(id); version != "" {
		if d, ok := r.byURL[registryBase+id]; ok {
			return d, true
		}
		if r.FindVersion != nil {
			return r.FindVersion(bare, version)
		}
		return nil, false
	}
	if d, ok := r.byID[id]; ok {
		return d, true
	}
	if r.Find != nil {
		return r.Find(id, "")
	}
	return nil, false
}

func (r *Registry) lookupURL(u string) (*document.Document, bool) {
	if d, ok := r.byURL[u]; ok {
		return d, true
	}
	if id, ok := strings.CutPrefix(u, registryBase); ok {
		return r.Lookup(id)
	}
	if r.Find != nil {
		return r.Find("", u)
	}
	return nil, false
}

// Resolve finds the document a $ref outside its own document names: a
// registry id ("quotes_v1", "quotes_v1#/x") or an absolute $id URL. A nil
// Registry resolves nothing.
func (r *Registry) Resolve(ref string) (*document.Document, bool) {
	if r == nil {
		return nil, false
	}
	base, _, _ := strings.Cut(ref, "#")
	if bundleID := strings.TrimSuffix(base, ".json"); bundleID != "" && !strings.Contains(bundleID, ":") {
		return r.Lookup(bundleID)
	}
	return r.lookupURL(base)
}

// Load implements jsonschema.URLLoader: it serves registry documents only.
func (r *Registry) Load(u string) (any, error) {
	key := strings.TrimSuffix(u, ".json")
	if d, ok := r.lookupURL(key); ok {
		return schemaRoot(d), nil
	}
	if d, ok := r.lookupURL(u); ok {
		return schemaRoot(d), nil
	}
	if strings.HasPrefix(u, registryBase) {
		if id, version := SplitPin(strings.TrimPrefix(key, registryBase)); version != "" {
			if r.MissingPin != nil {
				return nil, errors.New(r.MissingPin(id, version))
			}
			return nil, fmt.Errorf("schema %s has no published version %s; pin a version that %s lists, or leave the version out to pin the current one", id, version, id)
		}
		return nil, fmt.Errorf("no schema with id %q in the registry", strings.TrimPrefix(key, registryBase))
	}
	return nil, fmt.Errorf("%w: %s is never fetched; refer to registry schemas by id, e.g. \"quotes_v1#/definitions/price\"", ErrExternalRef, u)
}

// schemaRoot is the root the JSON Schema compiler sees: the document with
// $schema set from the registry's "schema" field.
func schemaRoot(d *document.Document) any {
	obj, ok := d.Root.(map[string]any)
	if !ok || d.Dialect == "" {
		return d.Root
	}
	if _, has := obj["$schema"]; has {
		return obj
	}
	c := make(map[string]any, len(obj)+1)
	for k, v := range obj {
		c[k] = v
	}
	c["$schema"] = d.Dialect
	return c
}

// location is the URL a document is compiled under.
func location(d *document.Document) string {
	if d.ID != "" {
		return registryBase + d.ID
	}
	return registryBase + "_/" + strings.TrimPrefix(d.Digest, "sha256:")
}

// Compile compiles d, resolving references through the registry. Any
// problem comes back as a *Problem at the offending line of d.
func (r *Registry) Compile(d *document.Document) (*Validator, error) {
	s, cost, err := r.compile(d)
	if err != nil {
		return nil, err
	}
	v := &Validator{schema: s, checks: cost.checks, pattern: cost.pattern}
	// A row the fast path certifies must also pass Validate's cost check.
	var lim fastrow.Limits
	if v.checks > 0 {
		lim.MaxValues = MaxChecks/v.checks + 1
	}
	if v.pattern > 0 {
		lim.MaxStringBytes = MaxPatternWork/v.pattern + 1
	}
	if fast, ok := fastrow.Compile(s, lim); ok {
		v.fast = fast
	}
	return v, nil
}

// compile runs every check of Compile and returns the compiled schema and
// the most work it asks of a validator.
func (r *Registry) compile(d *document.Document) (*jsonschema.Schema, schemaCost, error) {
	if at, chain := r.refCycle(d); at != "" {
		return nil, schemaCost{}, d.ProblemAt(at, "$ref cycle %s; a chain of $refs must end in a schema", strings.Join(chain, " → "))
	}
	if f, ptr := unknownFormat(d.Root, ""); f != "" {
		return nil, schemaCost{}, d.ProblemAt(ptr, "unknown format %q; use a format of the JSON Schema specification (date-time, date, time, duration, email, hostname, ipv4, ipv6, uri, uri-reference, uuid, regex, ...)", f)
	}
	if err := r.checkExternal(d); err != nil {
		return nil, schemaCost{}, err
	}
	if err := r.checkSize(d); err != nil {
		return nil, schemaCost{}, err
	}
	c := newCompiler(r)
	if d.ID == "" {
		if err := c.AddResource(location(d), schemaRoot(d)); err != nil {
			return nil, schemaCost{}, d.ProblemAt("", "%v", err)
		}
	}
	s, err := c.Compile(location(d))
	if err != nil {
		return nil, schemaCost{}, r.firstProblem(d, err)
	}
	cost, err := checkCost(d, s)
	if err != nil {
		return nil, schemaCost{}, err
	}
	if err := arrowschema.Check(d, r); err != nil {
		return nil, schemaCost{}, err
	}
	return s, cost, nil
}

// newCompiler returns a JSON Schema compiler as the registry compiles:
// draft-07 unless a document says otherwise, every document loaded by l.
func newCompiler(l jsonschema.URLLoader) *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseLoader(l)
	return c
}

// compileProblem turns a compiler error into a Problem at the right line.
func compileProblem(d *document.Document, err error) *document.Problem {
	var sve *jsonschema.SchemaValidationError
	if errors.As(err, &sve) {
		var ve *jsonschema.ValidationError
		if errors.As(sve.Err, &ve) {
			leaf := deepestCause(ve)
			ptr := "/" + strings.Join(escapeAll(leaf.InstanceLocation), "/")
			if len(leaf.InstanceLocation) == 0 {
				ptr = ""
			}
			return d.ProblemAt(ptr, "not a valid JSON Schema: at %s: %s", displayPointer(ptr), leafMessage(leaf))
		}
	}
	var rx *jsonschema.InvalidRegexError
	if errors.As(err, &rx) {
		return d.ProblemAt(fragmentOf(rx.URL), "invalid regular expression %q: %v", rx.Regex, rx.Err)
	}
	var le *jsonschema.LoadURLError
	if errors.As(err, &le) {
		return d.ProblemAt(refPointer(d.Root, le.URL), "$ref %s: %v", trimRegistryBase(le.URL), le.Err)
	}
	var pnf *jsonschema.JSONPointerNotFoundError
	if errors.As(err, &pnf) {
		return d.ProblemAt(refPointer(d.Root, pnf.URL), "$ref %s does not resolve: no such location", trimRegistryBase(pnf.URL))
	}
	var anf *jsonschema.AnchorNotFoundError
	if errors.As(err, &anf) {
		return d.ProblemAt(refPointer(d.Root, anf.Reference), "$ref %s does not resolve: no such anchor", trimRegistryBase(anf.Reference))
	}
	return d.ProblemAt("", "%s", trimRegistryBase(err.Error()))
}

// deepestCause follows the causes of e down to one that has none: at each
// step the one earliest in the document, by location, then the first that
// jsonschema lists. jsonschema checks an object's members in map order,
// so the order of causes at different locations differs from run to run;
// what a compile reports, and what a bundle records, must not.
func deepestCause(e *jsonschema.ValidationError) *jsonschema.ValidationError {
	for len(e.Causes) > 0 {
		best := e.Causes[0]
		for _, c := range e.Causes[1:] {
			if slices.Compare(c.InstanceLocation, best.InstanceLocation) < 0 {
				best = c
			}
		}
		e = best
	}
	return e
}

func leafMessage(e *jsonschema.ValidationError) string {
	out := e.BasicOutput()
	for _, u := range out.Errors {
		if u.Error != nil {
			return u.Error.String()
		}
	}
	if out.Error != nil {
		return out.Error.String()
	}
	return e.Error()
}

func escapeAll(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = document.EscapePointer(t)
	}
	return out
}

func displayPointer(ptr string) string {
	if ptr == "" {
		return "the root"
	}
	return "#" + ptr
}

func fragmentOf(u string) string {
	_, frag, _ := strings.Cut(u, "#")
	return frag
}

func trimRegistryBase(s string) string {
	return strings.ReplaceAll(s, registryBase, "")
}

// refPointer finds the pointer of the first $ref in root that names the
// document or location u.
func refPointer(root any, u string) string {
	target, targetFrag, _ := strings.Cut(trimRegistryBase(u), "#")
	target = strings.TrimSuffix(target, ".json")
	var found string
	walkJSON(root, "", func(ptr string, v any) bool {
		m, ok := v.(map[string]any)
		if !ok {
			return true
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return true
		}
		base, frag, _ := strings.Cut(ref, "#")
		base = strings.TrimSuffix(base, ".json")
		if (base == "" || base == target || strings.HasSuffix(target, "/"+base)) && (targetFrag == "" || frag == targetFrag || base != "" && targetFrag == "") {
			found = ptr + "/$ref"
			return false
		}
		return true
	})
	return found
}

// refCycle returns the pointers of a chain of $refs that leads back to
// itself without passing through any other keyword: a schema that can never
// be evaluated. It follows local refs and refs to registry documents.
func (r *Registry) refCycle(d *document.Document) (at string, chain []string) {
	walkJSON(d.Root, "", func(ptr string, v any) bool {
		m, ok := v.(map[string]any)
		if !ok {
			return true
		}
		if _, ok := m["$ref"].(string); !ok {
			return true
		}
		type loc struct {
			doc *document.Document
			ptr string
		}
		seen := map[loc]bool{}
		cur, curDoc := m, d
		curPtr := ptr
		var names []string
		for i := 0; i < 64; i++ {
			ref, ok := cur["$ref"].(string)
			if !ok {
				return true
			}
			key := loc{curDoc, curPtr}
			names = append(names, displayRef(curDoc, d, curPtr))
			if seen[key] {
				at, chain = ptr+"/$ref", names
				return false
			}
			seen[key] = true
			base, frag, _ := strings.Cut(ref, "#")
			if base != "" {
				next, ok := r.Resolve(ref)
				if !ok {
					return true
				}
				curDoc = next
			}
			target, ok := document.LookupPointer(curDoc.Root, frag)
			if !ok {
				return true
			}
			next, ok := target.(map[string]any)
			if !ok {
				return true
			}
			cur, curPtr = next, frag
		}
		return true
	})
	return at, chain
}

func displayRef(doc, from *document.Document, ptr string) string {
	if doc == from || doc.ID == "" {
		return "#" + ptr
	}
	return doc.ID + "#" + ptr
}

// walkJSON visits every value of a decoded document in key order; visit
// returns false to stop.
func walkJSON(v any, ptr string, visit func(ptr string, v any) bool) bool {
	if !visit(ptr, v) {
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !walkJSON(v[k], ptr+"/"+document.EscapePointer(k), visit) {
				return false
			}
		}
	case []any:
		for i, e := range v {
			if !walkJSON(e, fmt.Sprintf("%s/%d", ptr, i), visit) {
				return false
			}
		}
	}
	return true
}

// knownFormat lists the formats of JSON Schema drafts 4 to 2020-12.
func knownFormat(f string) bool {
	switch f {
	case "date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname",
		"ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template",
		"json-pointer", "relative-json-pointer", "regex":
		return true
	}
	return false
}

// unknownFormat returns the first unknown "format" value in a schema and
// its pointer. It looks only where a keyword can be: inside enum, const,
// examples and default, "format" is data.
func unknownFormat(v any, ptr string) (string, string) {
	m, ok := v.(map[string]any)
	if !ok {
		if a, ok := v.([]any); ok {
			for i, e := range a {
				if f, p := unknownFormat(e, fmt.Sprintf("%s/%d", ptr, i)); f != "" {
					return f, p
				}
			}
		}
		return "", ""
	}
	if f, ok := m["format"].(string); ok && !knownFormat(f) {
		return f, ptr + "/format"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "enum", "const", "examples", "default", document.FieldArrow:
			continue
		}
		if f, p := unknownFormat(m[k], ptr+"/"+document.EscapePointer(k)); f != "" {
			return f, p
		}
	}
	return "", ""
}
