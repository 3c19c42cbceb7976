package document

import "testing"

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b": 1, "a": [true, null, "x"]}`, `{"a":[true,null,"x"],"b":1}`},
		{`{"n": 1.0, "m": 1e2, "k": -0, "j": 0.10, "i": 1E-7, "h": 12345678901234567890}`, `{"h":12345678901234567890,"i":1e-07,"j":0.1,"k":0,"m":100,"n":1}`},
		{`[6.9999999999999999e15, 6.9999999999999999e-5, 1e400]`, `[7000000000000000,7e-05,1e400]`},
		{`{"s": "<&>\u00e9\u2028\n\"\\"}`, "{\"s\":\"<&>\u00e9\u2028\\n\\\"\\\\\"}"},
		{`{"\u20ac": 1, "\ud83d\ude00": 2, "z": 3}`, "{\"z\":3,\"\u20ac\":1,\"\U0001F600\":2}"},
	}
	for _, tc := range tests {
		v, err := ParseJSON([]byte(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := string(Canonical(v)); got != tc.want {
			t.Errorf("Canonical(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestDocumentLine(t *testing.T) {
	data := []byte("{\n  \"id\": \"a_v1\",\n  \"version\": \"1.0.0\",\n  \"properties\": {\n    \"x/y\": {\"type\": \"string\"},\n    \"z\": {}\n  }\n}\n")
	d, err := ParseDocument("a_v1.json", data)
	if err != nil {
		t.Fatal(err)
	}
	for ptr, want := range map[string]int{
		"#/version": 3, "/properties": 4, "#/properties/x~1y/type": 5, "#/properties/z": 6,
		"#/properties/z/missing": 6, "#/nope": 1, "": 1,
	} {
		if got := d.Line(ptr); got != want {
			t.Errorf("Line(%q) = %d, want %d", ptr, got, want)
		}
	}
}
