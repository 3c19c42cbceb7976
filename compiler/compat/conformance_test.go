package compat

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
)

// The conformance test runs the peers' own test data through the engine
// the registry uses: Confluent Schema Registry's SchemaDiffTest cases
// (verdicts and change lists) and Apicurio Registry's JSON Schema
// compatibility cases (verdicts, both directions). The data is read at run
// time from the shared folder; nothing of it is copied here.

// conformanceDir is where the peers' data lives: ../shared/conformance
// beside the repository, or SCHEMAREG_CONFORMANCE_DIR.
func conformanceDir() string {
	if d := os.Getenv("SCHEMAREG_CONFORMANCE_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "conformance")
}

// Targets the test fails below.
const (
	verdictTarget = 1.00 // every verdict agrees, known exceptions aside
	changesTarget = 0.90 // Confluent change lists matched as multisets
)

// exception is a case where schemareg deliberately gives another answer
// than the peer. docs/compatibility.md explains each decision.
type exception struct {
	file, id string // file base name and case description (Confluent) or id (Apicurio)
	index    int    // the case's position in its file, for descriptions used twice
	verdict  bool   // the verdict differs (else only the change list)
	reason   string
}

// knownExceptions lists every case where schemareg differs from a peer on
// purpose. Keep it short: each entry is a decision, not a workaround.
func knownExceptions() []exception {
	const matchAll = "the unanchored pattern [a-z]* matches every string (ECMA-262 search semantics), so adding or removing it changes no verdict"
	const requiredUndeclared = "making a name required breaks data that lacks it, declared property or not; Apicurio agrees (\"Object: required\" cases)"
	return []exception{
		{"diff-schema-examples.json", "Detect required array to be changed", 55, true, requiredUndeclared},
		{"diff-schema-examples-2020-12.json", "Detect required array to be changed", 57, true, requiredUndeclared},
		{"diff-schema-examples-2020-12.json", "Detect changes to id", 1, false,
			"$id changes are reported in every dialect; Confluent reports them for draft-07 only"},
		{"diff-schema-examples-2020-12.json", "Detect removed maxProperties", 58, false,
			"a removed maxProperties is reported in every dialect; Confluent's 2020-12 loader drops it beside properties"},
		{"diff-schema-examples-2020-12.json", "Detect removed minProperties", 61, false,
			"a removed minProperties is reported in every dialect; Confluent's 2020-12 loader drops it beside properties"},
		{"diff-schema-examples-2020-12.json", "Detect added boolean additional properties", 89, false,
			"additionalProperties false → absent opens the object in every dialect; Confluent's 2020-12 loader misses it"},
		{"compatibility-test-data.json", "String: pattern 1", 10, true, matchAll},
		{"compatibility-test-data.json", "String: pattern 2", 11, true, matchAll},
		{"compatibility-test-data.json", "Conditional: then", 125, true, matchAll},
		{"compatibility-test-data.json", "Conditional: else", 126, true, matchAll},
	}
}

type confluentCase struct {
	Description       string   `json:"description"`
	Original          any      `json:"original_schema"`
	Update            any      `json:"update_schema"`
	Changes           []string `json:"changes"`
	Compatible        bool     `json:"compatible"`
	CompatibleLenient *bool    `json:"compatible_lenient"`
}

type apicurioCase struct {
	ID            string `json:"id"`
	Compatibility string `json:"compatibility"`
	Original      any    `json:"original"`
	Updated       any    `json:"updated"`
}

func decodeLoose(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The 2020-12 file has trailing commas, which its upstream parser allows.
	data = regexp.MustCompile(`,(\s*[}\]])`).ReplaceAll(data, []byte("$1"))
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

// confluentVocabulary reads the Difference types from the derived table.
func confluentVocabulary(t testing.TB, dir string) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "confluent-change-types.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vocab := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "type\t") {
			continue
		}
		vocab[strings.SplitN(line, "\t", 2)[0]] = true
	}
	return vocab
}

// confluentChanges formats a result the way Confluent's tests list
// differences, keeping only the kinds Confluent has a name for.
func confluentChanges(r DiffResult, vocab map[string]bool) []string {
	var out []string
	for _, c := range r.Changes {
		if vocab[c.Kind] {
			out = append(out, c.Kind+" "+c.Path)
		}
	}
	sort.Strings(out)
	return out
}

func sameMultiset(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

type fileScore struct {
	file                    string
	verdicts, verdictsTotal int
	changes, changesTotal   int
	lenient, lenientTotal   int
	exceptions              int
}

func TestConformance(t *testing.T) {
	dir := conformanceDir()
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no conformance data at %s (set SCHEMAREG_CONFORMANCE_DIR): %v", dir, err)
	}
	vocab := confluentVocabulary(t, dir)
	exc := map[string]exception{}
	for _, e := range knownExceptions() {
		exc[fmt.Sprintf("%s#%d", e.file, e.index)] = e
	}
	used := map[string]bool{}
	var scores []fileScore
	confluentFiles, _ := filepath.Glob(filepath.Join(dir, "confluent", "*.json"))
	sort.Strings(confluentFiles)
	for _, path := range confluentFiles {
		var cases []confluentCase
		decodeLoose(t, path, &cases)
		s := fileScore{file: "confluent/" + filepath.Base(path)}
		for i, c := range cases {
			key := fmt.Sprintf("%s#%d", filepath.Base(path), i)
			e, isExc := exc[key]
			if isExc {
				used[key] = true
				if e.id != c.Description {
					t.Errorf("%s: exception names %q but the case is %q", key, e.id, c.Description)
				}
			}
			strict := DiffSchemas(c.Original, c.Update, DiffOptions{Mode: document.ModeBackward, Policy: PolicyStrict})
			s.verdictsTotal++
			switch {
			case strict.Compatible == c.Compatible:
				s.verdicts++
				if isExc && e.verdict {
					t.Errorf("%s %q: listed as a verdict exception but now agrees; drop it", key, c.Description)
				}
			case isExc && e.verdict:
				s.exceptions++
			default:
				t.Errorf("%s %q: compatible=%v under STRICT, Confluent says %v\n  got %v", key, c.Description,
					strict.Compatible, c.Compatible, confluentChanges(strict, vocab))
			}
			if c.CompatibleLenient != nil {
				lenient := DiffSchemas(c.Original, c.Update, DiffOptions{Mode: document.ModeBackward, Policy: PolicyLenient})
				s.lenientTotal++
				if lenient.Compatible == *c.CompatibleLenient {
					s.lenient++
				} else {
					t.Errorf("%s %q: compatible=%v under LENIENT, Confluent says %v", key, c.Description,
						lenient.Compatible, *c.CompatibleLenient)
				}
			}
			s.changesTotal++
			got := confluentChanges(strict, vocab)
			if sameMultiset(got, c.Changes) {
				s.changes++
				if isExc && !e.verdict {
					t.Errorf("%s %q: listed as a change-list exception but now matches; drop it", key, c.Description)
				}
			} else if !isExc {
				t.Logf("changes differ: %s %q\n  want %v\n  got  %v", key, c.Description, c.Changes, got)
			}
		}
		scores = append(scores, s)
	}
	scores = append(scores, apicurioScore(t, filepath.Join(dir, "apicurio", "compatibility-test-data.json"), exc, used))
	for k, e := range exc {
		if !used[k] {
			t.Errorf("exception %s %q matches no case", k, e.id)
		}
	}
	reportScores(t, scores)
}

func apicurioScore(t *testing.T, path string, exc map[string]exception, used map[string]bool) fileScore {
	var data struct {
		Tests []apicurioCase `json:"tests"`
	}
	decodeLoose(t, path, &data)
	s := fileScore{file: "apicurio/" + filepath.Base(path)}
	for i, c := range data.Tests {
		key := fmt.Sprintf("%s#%d", filepath.Base(path), i)
		e, isExc := exc[key]
		if isExc {
			used[key] = true
		}
		opts := DiffOptions{Policy: PolicyStrict, Mode: document.ModeBackward}
		back := DiffSchemas(c.Original, c.Updated, opts).Compatible
		opts.Mode = document.ModeForward
		fwd := DiffSchemas(c.Original, c.Updated, opts).Compatible
		var want [2]bool
		switch c.Compatibility {
		case "backward":
			want = [2]bool{true, false}
		case "both":
			want = [2]bool{true, true}
		case "none":
			want = [2]bool{false, false}
		case "forward":
			want = [2]bool{false, true}
		}
		s.verdictsTotal++
		switch {
		case [2]bool{back, fwd} == want:
			s.verdicts++
		case isExc && e.verdict:
			s.exceptions++
		default:
			t.Errorf("%s %q: backward=%v forward=%v, Apicurio says %s", key, c.ID, back, fwd, c.Compatibility)
		}
	}
	return s
}

func reportScores(t *testing.T, scores []fileScore) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-52s %16s %16s %10s %10s\n", "file", "verdicts", "change lists", "lenient", "exceptions")
	var v, vt, c, ct, ex int
	for _, s := range scores {
		changes := "-"
		if s.changesTotal > 0 {
			changes = fmt.Sprintf("%d/%d", s.changes, s.changesTotal)
		}
		lenient := "-"
		if s.lenientTotal > 0 {
			lenient = fmt.Sprintf("%d/%d", s.lenient, s.lenientTotal)
		}
		fmt.Fprintf(&b, "%-52s %16s %16s %10s %10d\n", s.file, fmt.Sprintf("%d/%d", s.verdicts, s.verdictsTotal),
			changes, lenient, s.exceptions)
		v, vt, c, ct, ex = v+s.verdicts, vt+s.verdictsTotal, c+s.changes, ct+s.changesTotal, ex+s.exceptions
	}
	fmt.Fprintf(&b, "%-52s %16s %16s %10s %10d\n", "all", fmt.Sprintf("%d/%d", v, vt), fmt.Sprintf("%d/%d", c, ct), "", ex)
	t.Log(b.String())
	if vt > 0 && float64(v+ex) < verdictTarget*float64(vt) {
		t.Errorf("verdicts: %d of %d agree (%d known exceptions); target %.0f%%", v, vt, ex, 100*verdictTarget)
	}
	if ct > 0 && float64(c) < changesTarget*float64(ct) {
		t.Errorf("change lists: %d of %d match; target %.0f%%", c, ct, 100*changesTarget)
	}
}

// kindDeviations lists the kinds whose verdict schemareg sets apart from
// Confluent's table, by policy. docs/compatibility.md explains why.
func kindDeviations() map[string]string {
	return map[string]string{
		"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL/LENIENT":                   "removing a declared property from a closed object rejects data that holds it",
		"PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL/LENIENT": "the removed property's old values now fail the additional-properties schema",
	}
}

// TestKindsAgreeWithConfluent checks each kind named after a Confluent
// Difference type against Confluent's compatible-change sets.
func TestKindsAgreeWithConfluent(t *testing.T) {
	dir := conformanceDir()
	f, err := os.Open(filepath.Join(dir, "confluent-change-types.tsv"))
	if err != nil {
		t.Skipf("no conformance data at %s (set SCHEMAREG_CONFORMANCE_DIR): %v", dir, err)
	}
	defer f.Close()
	type row struct{ strict, lenient bool }
	table := map[string]row{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 || strings.HasPrefix(cols[0], "#") || cols[0] == "type" {
			continue
		}
		table[cols[0]] = row{cols[1] == "true", cols[2] == "true"}
	}
	dev := kindDeviations()
	used := map[string]bool{}
	for _, k := range Kinds() {
		want, inTable := table[k.Kind]
		if inTable != k.Confluent {
			t.Errorf("%s: Confluent flag %v, but the table has it: %v", k.Kind, k.Confluent, inTable)
			continue
		}
		if !inTable {
			continue
		}
		for _, p := range []struct {
			name      string
			got, want bool
		}{{"STRICT", k.BackwardStrict, want.strict}, {"LENIENT", k.BackwardLenient, want.lenient}} {
			key := k.Kind + "/" + p.name
			if _, ok := dev[key]; ok {
				used[key] = true
				if p.got == p.want {
					t.Errorf("%s: listed as a deviation but agrees; drop it", key)
				}
				continue
			}
			if p.got != p.want {
				t.Errorf("%s: compatible=%v, Confluent says %v", key, p.got, p.want)
			}
		}
	}
	for k := range dev {
		if !used[k] {
			t.Errorf("deviation %s names no kind", k)
		}
	}
}
