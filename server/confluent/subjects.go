package confluent

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/schemareg/schemareg/compiler/validate"
)

// SchemaType is the only schema type the registry holds.
const SchemaType = "JSON"

// Metadata properties every version answer carries.
const (
	PropertyVersion = "schemareg.version"
	PropertyCommit  = "schemareg.commit"
)

// SchemaAnswer is a subject's version as Confluent answers it.
type SchemaAnswer struct {
	Subject    string `json:"subject"`
	Version    int    `json:"version"`
	ID         int    `json:"id"`
	SchemaType string `json:"schemaType"`
	Schema     string `json:"schema"`
	// References are the registry schemas the schema's $refs name.
	References []Reference `json:"references,omitempty"`
	Metadata   *Metadata   `json:"metadata,omitempty"`
}

// Metadata holds the semantic version behind a Confluent version number.
type Metadata struct {
	Properties map[string]string `json:"properties"`
}

// SubjectVersion names one version of one subject.
type SubjectVersion struct {
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// subjectName is the subject of a schema id.
func (a *API) subjectName(id string) string {
	if a.opts.Naming == NamingValue {
		return id + "-value"
	}
	return id
}

// subject finds the subject a path names.
func (a *API) subject(st *state, name string) (*subject, error) {
	id := name
	if a.opts.Naming == NamingValue {
		var ok bool
		if id, ok = strings.CutSuffix(name, "-value"); !ok {
			return nil, subjectNotFound(name)
		}
	}
	if sub, ok := st.subjects[id]; ok {
		return sub, nil
	}
	return nil, subjectNotFound(name)
}

// version finds a version a path names: 1..n, "latest" or -1.
func (a *API) version(sub *subject, name, v string) (*version, error) {
	if v == "latest" || v == "-1" {
		return sub.versions[len(sub.versions)-1], nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1<<31-1 {
		return nil, errorf(http.StatusUnprocessableEntity, CodeInvalidVersion,
			"The specified version '%s' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", clip(v))
	}
	if n > len(sub.versions) {
		return nil, versionNotFound(name, v)
	}
	return sub.versions[n-1], nil
}

// load reads the current generation and the subject and version the path
// names; version is skipped when the route has none.
func (a *API) load(r *http.Request) (*state, *subject, *version, error) {
	st, err := a.reader.current(r.Context())
	if err != nil {
		return nil, nil, nil, err
	}
	name := r.PathValue("s")
	if name == "" {
		return st, nil, nil, nil
	}
	sub, err := a.subject(st, name)
	if err != nil {
		return nil, nil, nil, err
	}
	v := r.PathValue("v")
	if v == "" {
		return st, sub, nil, nil
	}
	ver, err := a.version(sub, name, v)
	if err != nil {
		return nil, nil, nil, err
	}
	return st, sub, ver, nil
}

func (a *API) answer(r *http.Request, st *state, v *version) (*SchemaAnswer, error) {
	plain, err := a.reader.servedSchema(r.Context(), st, v)
	if err != nil {
		return nil, err
	}
	return &SchemaAnswer{
		Subject: a.subjectName(v.subject.id), Version: v.n, ID: v.info.GlobalID,
		SchemaType: SchemaType, Schema: string(plain), References: a.references(st, v, plain),
		Metadata: &Metadata{Properties: map[string]string{PropertyVersion: v.info.Version, PropertyCommit: v.info.Commit}},
	}, nil
}

func (a *API) handleSubjects(w http.ResponseWriter, r *http.Request) {
	st, _, _, err := a.load(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	names := make([]string, len(st.ids))
	for i, id := range st.ids {
		names[i] = a.subjectName(id)
	}
	a.write(w, r, st, names, false)
}

func (a *API) handleSubjectVersions(w http.ResponseWriter, r *http.Request) {
	st, sub, _, err := a.load(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	ns := make([]int, len(sub.versions))
	for i := range ns {
		ns[i] = i + 1
	}
	a.write(w, r, st, ns, false)
}

func (a *API) handleVersion(w http.ResponseWriter, r *http.Request) {
	st, _, v, err := a.load(r)
	if err == nil {
		var ans *SchemaAnswer
		if ans, err = a.answer(r, st, v); err == nil {
			a.write(w, r, st, ans, false)
			return
		}
	}
	a.writeError(w, r, err)
}

func (a *API) handleVersionSchema(w http.ResponseWriter, r *http.Request) {
	st, _, v, err := a.load(r)
	if err == nil {
		var data []byte
		if data, err = a.reader.servedSchema(r.Context(), st, v); err == nil {
			a.writeRaw(w, r, st, data, false)
			return
		}
	}
	a.writeError(w, r, err)
}

func (a *API) handleTypes(w http.ResponseWriter, r *http.Request) {
	a.write(w, r, nil, []string{SchemaType}, true)
}

// ConfigAnswer is GET /config's answer.
type ConfigAnswer struct {
	CompatibilityLevel string `json:"compatibilityLevel"`
}

// ModeAnswer is GET /mode's answer: always READONLY.
type ModeAnswer struct {
	Mode string `json:"mode"`
}

func (a *API) handleConfig(w http.ResponseWriter, r *http.Request) {
	a.write(w, r, nil, ConfigAnswer{CompatibilityLevel: "BACKWARD"}, false)
}

func (a *API) handleSubjectConfig(w http.ResponseWriter, r *http.Request) {
	st, sub, _, err := a.load(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.write(w, r, st, ConfigAnswer{CompatibilityLevel: modeOf(sub)}, false)
}

func (a *API) handleMode(w http.ResponseWriter, r *http.Request) {
	a.write(w, r, nil, ModeAnswer{Mode: "READONLY"}, false)
}

func (a *API) handleSubjectMode(w http.ResponseWriter, r *http.Request) {
	st, _, _, err := a.load(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.write(w, r, st, ModeAnswer{Mode: "READONLY"}, false)
}

func modeOf(sub *subject) string {
	if sub.mode == "" {
		return "BACKWARD"
	}
	return sub.mode
}

// references lists the registry schemas the $refs of a version's bytes
// name (instruments_v1#/definitions/symbol names instruments_v1), each as
// the subject version the version is pinned to: the one a pinned $ref
// names, else the one its deps record, else, for a version published
// before versions recorded their pins, the subject's latest.
func (a *API) references(st *state, v *version, data []byte) []Reference {
	seen := map[string]bool{}
	var out []Reference
	for _, base := range registryRefs(data) {
		id, pinned := validate.SplitPin(strings.TrimSuffix(base, ".json"))
		sub, ok := st.subjects[id]
		if !ok || id == v.subject.id || seen[base] {
			continue
		}
		seen[base] = true
		if pinned == "" {
			pinned = v.info.Deps[id]
		}
		n := len(sub.versions)
		for _, sv := range sub.versions {
			if sv.info.Version == pinned {
				n = sv.n
			}
		}
		out = append(out, Reference{Name: base, Subject: a.subjectName(id), Version: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
