package fastrow

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// benchRows are ticks rows, one in ten invalid.
func benchRows() [][]byte {
	r := rand.New(rand.NewPCG(3, 4))
	rows := make([][]byte, 1000)
	for i := range rows {
		rows[i] = []byte(tickRow(r, i%10 != 9))
	}
	return rows
}

func reportRows(b *testing.B, n int) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkValid is the fast path alone: certify a row or say it is not
// known.
func BenchmarkValid(b *testing.B) {
	chk := mustCompile(b, repoSchemas(b)["ticks_v1"], Limits{MaxValues: 1 << 20, MaxStringBytes: 1 << 20})
	rows := benchRows()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		chk.Valid(rows[n%len(rows)])
		n++
	}
	reportRows(b, n)
}

// BenchmarkFullPath is the reference: decode each row with encoding/json
// (json.Number numbers) and validate it with jsonschema.
func BenchmarkFullPath(b *testing.B) {
	s := repoSchemas(b)["ticks_v1"]
	rows := benchRows()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		dec := json.NewDecoder(bytes.NewReader(rows[n%len(rows)]))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			b.Fatal(err)
		}
		_ = s.Validate(v)
		n++
	}
	reportRows(b, n)
}

// BenchmarkFastThenFull is how a caller uses a Checker: the full path runs
// for the rows Valid does not certify (here the invalid tenth).
func BenchmarkFastThenFull(b *testing.B) {
	s := repoSchemas(b)["ticks_v1"]
	chk := mustCompile(b, s, Limits{MaxValues: 1 << 20, MaxStringBytes: 1 << 20})
	rows := benchRows()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		row := rows[n%len(rows)]
		n++
		if chk.Valid(row) {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(row))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			b.Fatal(err)
		}
		_ = s.Validate(v)
	}
	reportRows(b, n)
}
