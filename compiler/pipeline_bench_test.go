package compiler

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkPrepare prepares one changed file an op, as a worker of the
// history walk does: versions of the schemas compiler/internal/gen writes
// (validate/testdata/bench).
func BenchmarkPrepare(b *testing.B) {
	paths, err := filepath.Glob(filepath.Join("validate", "testdata", "bench", "*.json"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no documents: %v", err)
	}
	datas := make([][]byte, len(paths))
	for i, p := range paths {
		if datas[i], err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := i % len(paths)
		pr := prepare(paths[j], datas[j], 1<<20)
		if pr.err != nil || !pr.checked || pr.checkErr != nil || pr.ipcErr != nil {
			b.Fatalf("%s: %v %v %v", paths[j], pr.err, pr.checkErr, pr.ipcErr)
		}
	}
}
