package compat_test

import (
	"fmt"
	"os"

	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/render"
)

func ExampleDiff() {
	old, err := document.ParseDocument("ticks_v1.json", []byte(`{
  "id": "ticks_v1",
  "version": "1.0.0",
  "type": "object",
  "properties": {
    "side": {"type": "string", "enum": ["B", "S"]},
    "size": {"type": "integer"}
  },
  "additionalProperties": false
}`))
	if err != nil {
		panic(err)
	}
	new, err := document.ParseDocument("ticks_v1.json", []byte(`{
  "id": "ticks_v1",
  "version": "1.1.0",
  "type": "object",
  "properties": {
    "side": {"type": "string", "enum": ["B"]},
    "size": {"type": "number"}
  },
  "additionalProperties": false
}`))
	if err != nil {
		panic(err)
	}
	res := compat.Diff(old, new, compat.DiffOptions{})
	fmt.Println(res.Compatible, res.Bump)
	for _, c := range res.Changes {
		fmt.Println(c.Line, c.Kind, c.Breaking)
	}
	if err := render.WriteDiff(os.Stdout, render.FormatGitHub, "ticks_v1.json", res); err != nil {
		panic(err)
	}
	// Output:
	// false major
	// 6 ENUM_ARRAY_NARROWED true
	// 7 TYPE_EXTENDED false
	// ::error file=ticks_v1.json,line=6,title=ENUM_ARRAY_NARROWED breaks BACKWARD::field "side": enum value "S" removed; data written with 1.x may hold it
	// ::notice file=ticks_v1.json,line=7,title=TYPE_EXTENDED::field "size": type widened from integer to number; data written with 1.x stays valid
}
