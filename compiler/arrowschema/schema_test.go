package arrowschema

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/compiler/document"
)

// TestArrowTicks checks the Arrow schema of the ticks_v1 example: the
// types its arrow block gives, in its order, and IPC bytes that an Arrow
// reader reads back.
func TestArrowTicks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "schemas", "ticks_v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := document.ParseDocument("ticks_v1.json", data)
	if err != nil {
		t.Fatal(err)
	}
	ipcBytes, err := IPC(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ipc.NewReader(bytes.NewReader(ipcBytes))
	if err != nil {
		t.Fatalf("read the IPC stream back: %v", err)
	}
	defer r.Release()
	var got []string
	for _, f := range r.Schema().Fields() {
		got = append(got, f.Name+" "+f.Type.String()+map[bool]string{true: " nullable", false: ""}[f.Nullable])
	}
	want := []string{
		"ts timestamp[us, tz=UTC]",
		"symbol utf8",
		"price float64",
		"size int64",
		"side utf8",
		"exchange utf8 nullable",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("arrow fields (-want +got):\n%s", diff)
	}
	again, _ := IPC(d, nil)
	if !bytes.Equal(ipcBytes, again) {
		t.Error("ArrowIPC is not deterministic")
	}
}

func TestArrowDefaultMapping(t *testing.T) {
	d, err := document.ParseSchema("s.json", []byte(`{
		"type": "object",
		"required": ["n"],
		"properties": {
			"n": {"type": "integer"},
			"f": {"type": ["number", "null"]},
			"d": {"type": "string", "format": "date"},
			"t": {"type": "string", "format": "date-time"},
			"b": {"type": "boolean"},
			"o": {"type": "object", "properties": {"k": {"type": "string"}}},
			"a": {"type": "array", "items": {"type": "integer"}},
			"r": {"$ref": "#/definitions/x"},
			"u": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
		},
		"definitions": {"x": {"type": "number"}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Schema(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range s.Fields() {
		got = append(got, f.Name+" "+f.Type.String())
	}
	want := []string{"a list<item: int64, nullable>", "b bool", "d date32", "f float64", "n int64", "o struct<k: utf8 nullable>", "r float64", "t timestamp[us, tz=UTC]", "u utf8"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default mapping (-want +got):\n%s", diff)
	}
}
