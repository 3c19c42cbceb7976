package fastrow

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// corpusSchema is a schema of the differential corpus with its Checker.
type corpusSchema struct {
	name   string
	schema *jsonschema.Schema
	chk    *Checker
}

// corpus returns the repository's schemas and the keyword schemas, with
// the rows of their tables.
func corpus(t testing.TB) ([]corpusSchema, []string) {
	t.Helper()
	var out []corpusSchema
	var rows []string
	repo := repoSchemas(t)
	ids := make([]string, 0, len(repo))
	for id := range repo {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	table := repoRows()
	for _, id := range ids {
		out = append(out, corpusSchema{id, repo[id], mustCompile(t, repo[id], Limits{})})
		for _, rc := range table[id] {
			rows = append(rows, rc.row)
		}
	}
	for _, kt := range keywordTests() {
		s := mustSchema(t, kt.schema)
		out = append(out, corpusSchema{kt.name, s, mustCompile(t, s, Limits{})})
		for _, rc := range kt.rows {
			rows = append(rows, rc.row)
		}
	}
	return out, rows
}

// edgeRows are rows at the edges of what Valid decides, for every schema
// of the corpus.
func edgeRows() []string {
	return []string{
		`{}`, `[]`, `""`, `0`, `-0`, `-0.0`, `0e0`, `1E+2`, `1e-2`, `null`, `true`, `false`,
		`{"a":1,"a":1}`, `{"a":{"b":1,"b":1}}`, `{"a":"\u0000"}`, `{"\u0061":1,"a":1}`,
		`[1,2,3]`, `[[[[]]]]`, `{"":""}`, `{"": 1, "":2}`, " \t\r\n{} \t\r\n", "{}\f",
		`1.7976931348623157e308`, `1e309`, `4.9e-324`, `1e-301`, `123456789012345678901234567890`,
		`0.1`, `0.30000000000000004`, `9007199254740993`, `-9223372036854775809`,
		"\"\xc0\xaf\"", "\"\xf4\x90\x80\x80\"", "\"\u2028\"", "\x00", `"`, `{"a"`, `{"a":`, `[`,
	}
}

func FuzzAgreesWithFullValidator(f *testing.F) {
	schemas, rows := corpus(f)
	rows = append(rows, edgeRows()...)
	for i, row := range rows {
		f.Add(uint8(i%len(schemas)), []byte(row))
	}
	for i := range schemas {
		for _, row := range edgeRows() {
			f.Add(uint8(i), []byte(row))
		}
		f.Add(uint8(i), []byte(tick))
	}
	f.Fuzz(func(t *testing.T, which uint8, row []byte) {
		cs := schemas[int(which)%len(schemas)]
		if !cs.chk.Valid(row) {
			return
		}
		if ok, err := fullValid(cs.schema, row); !ok {
			t.Fatalf("schema %s: Valid(%q) = true, but the full path rejects it: %v", cs.name, row, err)
		}
	})
}

// TestCertifiesValidRows checks the other direction: the valid rows a
// feed sends are certified, all of them.
func TestCertifiesValidRows(t *testing.T) {
	schemas := repoSchemas(t)
	tests := map[string]func(r *rand.Rand) string{
		"ticks_v1": func(r *rand.Rand) string { return tickRow(r, true) },
		"quotes_v1": func(r *rand.Rand) string {
			bid := r.IntN(1_000_000)
			return fmt.Sprintf(`{"ts":%q,"symbol":%q,"bid":%d.%02d,"ask":%d.%02d,"bid_size":%d,"ask_size":%d,"venue":"XNAS"}`,
				timestamp(r), symbol(r), bid/100, bid%100, (bid+1)/100, (bid+1)%100, r.IntN(10_000), r.IntN(10_000))
		},
		"bars_1m_v1": func(r *rand.Rand) string {
			p := 1 + r.IntN(1_000_000)
			return fmt.Sprintf(`{"ts":%q,"symbol":%q,"open":%d.%02d,"high":%g,"low":%d,"close":%d.5,"volume":%d}`,
				timestamp(r), symbol(r), p/100, p%100, float64(p)*1.01, p, p, r.IntN(1<<40))
		},
	}
	for id, gen := range tests {
		t.Run(id, func(t *testing.T) {
			s := schemas[id]
			chk := mustCompile(t, s, Limits{MaxValues: 1000, MaxStringBytes: 1 << 20})
			r := rand.New(rand.NewPCG(1, 2))
			certified := 0
			const n = 2000
			for range n {
				row := gen(r)
				if ok, err := fullValid(s, []byte(row)); !ok {
					t.Fatalf("generated row %s is invalid: %v", row, err)
				}
				if chk.Valid([]byte(row)) {
					certified++
				} else {
					t.Errorf("valid row not certified: %s", row)
				}
			}
			t.Logf("%d of %d valid rows certified", certified, n)
		})
	}
}

func timestamp(r *rand.Rand) string {
	return fmt.Sprintf("2026-%02d-%02dT%02d:%02d:%02d.%06dZ", 1+r.IntN(12), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1_000_000))
}

func symbol(r *rand.Rand) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	var b strings.Builder
	for range 1 + r.IntN(5) {
		b.WriteByte(letters[r.IntN(len(letters))])
	}
	return b.String()
}

// tickRow is a row of ticks_v1, valid or not.
func tickRow(r *rand.Rand, valid bool) string {
	if !valid {
		return `{"ts":"2026-01-02T15:04:05.000123Z","symbol":"AAPL","price":-1,"size":9,"side":"X"}`
	}
	cents := 1 + r.IntN(10_000_000)
	return fmt.Sprintf(`{"ts":%q,"symbol":%q,"price":%d.%02d,"size":%d,"side":%q,"exchange":%q}`,
		timestamp(r), symbol(r), cents/100, cents%100, r.IntN(100_000), []string{"B", "S"}[r.IntN(2)],
		[]string{"XNAS", "XNYS", "ARCX", "BATS"}[r.IntN(4)])
}
