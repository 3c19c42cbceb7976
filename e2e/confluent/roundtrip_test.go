// Package confluent runs Confluent's own clients against a real
// "schemareg dev": a record serialized with the latest version of a subject
// and deserialized by the schema id in its wire format, in Go and in
// JavaScript. It is a module of its own so that the clients stay out of the
// binary's build graph.
package confluent

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/jsonschema"
	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/e2e/internal/e2etest"
)

// tick is a record of schemas/ticks_v1.json.
type tick struct {
	TS       string  `json:"ts"`
	Symbol   string  `json:"symbol"`
	Price    float64 `json:"price"`
	Size     int     `json:"size"`
	Side     string  `json:"side"`
	Exchange string  `json:"exchange,omitempty"`
}

// registry is a running "schemareg dev" on a clone of this repository.
type registry struct {
	url  string // the Confluent API's base URL
	root string // the project's folder
	bin  string // the schemareg binary
}

func startRegistry(t *testing.T) *registry {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: runs the built binary")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "schemareg")
	build := exec.Command("go", "build", "-o", bin, "./cmd/schemareg")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build schemareg: %v\n%s", err, out)
	}
	clone := filepath.Join(t.TempDir(), "repo")
	if out, err := exec.Command("git", "clone", "-q", root, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	addr := e2etest.FreeAddr(t)
	cmd := exec.Command(bin, "dev", "--addr", addr, "--data-dir", t.TempDir())
	cmd.Dir = clone
	e2etest.Start(t, cmd)
	base := "http://" + addr
	e2etest.WaitFor(t, time.Minute, "the registry ready", func() bool {
		resp, err := http.Get(base + "/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return &registry{url: base + "/confluent", root: root, bin: bin}
}

// latestID asks the API for the global id of a subject's latest version.
func (r *registry) latestID(t *testing.T, subject string) int {
	t.Helper()
	resp, err := http.Get(r.url + "/subjects/" + subject + "/versions/latest")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct{ ID int }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v.ID <= 0 {
		t.Fatalf("latest of %s: id %d, %v", subject, v.ID, err)
	}
	return v.ID
}

// bySchemaID names the subject after the topic itself: schemareg dev
// serves subjects named by schema id.
func bySchemaID(topic string, _ serde.Type, _ schemaregistry.SchemaInfo) (string, error) {
	return topic, nil
}

func TestGoClientRoundTrip(t *testing.T) {
	reg := startRegistry(t)
	client, err := schemaregistry.NewClient(schemaregistry.NewConfig(reg.url))
	if err != nil {
		t.Fatal(err)
	}
	sconf := jsonschema.NewSerializerConfig()
	sconf.AutoRegisterSchemas = false
	sconf.UseLatestVersion = true
	sconf.EnableValidation = true
	ser, err := jsonschema.NewSerializer(client, serde.ValueSerde, sconf)
	if err != nil {
		t.Fatal(err)
	}
	ser.SubjectNameStrategy = bySchemaID
	in := tick{TS: "2024-01-02T03:04:05.000006Z", Symbol: "ACME", Price: 12.5, Size: 100, Side: "B", Exchange: "XNAS"}
	payload, err := ser.Serialize("ticks_v1", &in)
	if err != nil {
		t.Fatalf("serialize: %v", err)
	}
	want := reg.latestID(t, "ticks_v1")
	if len(payload) < 5 || payload[0] != 0 || int(binary.BigEndian.Uint32(payload[1:5])) != want {
		t.Fatalf("wire format % x..., want magic 0 and schema id %d", payload[:min(5, len(payload))], want)
	}

	// Validation is the client's own: a record the schema refuses fails.
	if _, err := ser.Serialize("ticks_v1", &tick{TS: "x", Symbol: "ACME", Price: 1, Size: 1, Side: "Q"}); err == nil {
		t.Error("a side outside the enum serialized; want the client's validation to refuse it")
	}

	// The deserializer's validation takes decoded JSON, not a struct; the
	// serializer validated the record against the same schema already.
	deser, err := jsonschema.NewDeserializer(client, serde.ValueSerde, jsonschema.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	deser.SubjectNameStrategy = bySchemaID
	var out tick
	if err := deser.DeserializeInto("ticks_v1", payload, &out); err != nil {
		t.Fatalf("deserialize: %v", err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-in +out):\n%s", diff)
	}

	// A serializer that registers what it derives from its Go type is told
	// that schemas come through a pull request.
	aconf := jsonschema.NewSerializerConfig()
	aconf.AutoRegisterSchemas = true
	auto, err := jsonschema.NewSerializer(client, serde.ValueSerde, aconf)
	if err != nil {
		t.Fatal(err)
	}
	auto.SubjectNameStrategy = bySchemaID
	_, err = auto.Serialize("ticks_v1", &in)
	if err == nil || !strings.Contains(err.Error(), "pull request") {
		t.Errorf("auto-registration of a new schema: %v, want a refusal naming a pull request", err)
	}
}

func TestJSClientRoundTrip(t *testing.T) {
	if _, err := os.Stat("node_modules/@confluentinc/schemaregistry"); err != nil {
		t.Skip("run npm ci in e2e/confluent first")
	}
	reg := startRegistry(t)
	node := exec.Command("node", "roundtrip.mjs", reg.url, "ticks_v1")
	out, err := node.CombinedOutput()
	if err != nil {
		t.Fatalf("node roundtrip.mjs: %v\n%s", err, out)
	}
	var got struct {
		ID     int  `json:"id"`
		Record tick `json:"record"`
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
		t.Fatalf("node output: %v\n%s", err, out)
	}
	if want := reg.latestID(t, "ticks_v1"); got.ID != want {
		t.Errorf("wire format id %d, want %d", got.ID, want)
	}
	want := tick{TS: "2024-01-02T03:04:05.000006Z", Symbol: "ACME", Price: 12.5, Size: 100, Side: "S", Exchange: "XNAS"}
	if diff := cmp.Diff(want, got.Record); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// quote is a record of schemas/market/quotes_v1.json, whose symbol and
// venue are $refs to instruments_v1: served as Confluent references.
type quote struct {
	TS      string  `json:"ts"`
	Symbol  string  `json:"symbol"`
	Bid     float64 `json:"bid"`
	Ask     float64 `json:"ask"`
	BidSize int     `json:"bid_size"`
	AskSize int     `json:"ask_size"`
	Venue   string  `json:"venue,omitempty"`
}

func TestGoClientResolvesReferences(t *testing.T) {
	reg := startRegistry(t)
	client, err := schemaregistry.NewClient(schemaregistry.NewConfig(reg.url))
	if err != nil {
		t.Fatal(err)
	}
	sconf := jsonschema.NewSerializerConfig()
	sconf.AutoRegisterSchemas = false
	sconf.UseLatestVersion = true
	sconf.EnableValidation = true
	ser, err := jsonschema.NewSerializer(client, serde.ValueSerde, sconf)
	if err != nil {
		t.Fatal(err)
	}
	ser.SubjectNameStrategy = bySchemaID
	in := quote{TS: "2024-01-02T03:04:05Z", Symbol: "ACME", Bid: 1, Ask: 2, BidSize: 3, AskSize: 4, Venue: "XNAS"}
	payload, err := ser.Serialize("quotes_v1", &in)
	if err != nil {
		t.Fatalf("serialize: %v", err)
	}
	// The referenced pattern applies: a lower-case symbol is refused.
	if _, err := ser.Serialize("quotes_v1", &quote{TS: in.TS, Symbol: "acme", Bid: 1, Ask: 2}); err == nil {
		t.Error("a symbol outside instruments_v1's pattern serialized; want the referenced schema to refuse it")
	}
	deser, err := jsonschema.NewDeserializer(client, serde.ValueSerde, jsonschema.NewDeserializerConfig())
	if err != nil {
		t.Fatal(err)
	}
	deser.SubjectNameStrategy = bySchemaID
	var out quote
	if err := deser.DeserializeInto("quotes_v1", payload, &out); err != nil {
		t.Fatalf("deserialize: %v", err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-in +out):\n%s", diff)
	}
}

// TestImportFromDevRoundTrip imports what a running schemareg dev serves
// with the binary, compiles the new history, and finds every schema the
// API serves byte for byte in the new bundle.
func TestImportFromDevRoundTrip(t *testing.T) {
	reg := startRegistry(t)
	repo := filepath.Join(t.TempDir(), "imported")
	out, err := exec.Command(reg.bin, "import", "--from", reg.url, "--repo", repo).CombinedOutput()
	if err != nil {
		t.Fatalf("schemareg import: %v\n%s", err, out)
	}
	bundleDir := filepath.Join(t.TempDir(), "bundle")
	compile := exec.Command(reg.bin, "compile", "--repo", repo, "--out", bundleDir)
	if out, err := compile.CombinedOutput(); err != nil {
		t.Fatalf("schemareg compile: %v\n%s", err, out)
	}
	var subjects []string
	getJSON(t, reg.url+"/subjects", &subjects)
	if len(subjects) == 0 {
		t.Fatal("the registry serves no subjects")
	}
	for _, s := range subjects {
		var versions []int
		getJSON(t, reg.url+"/subjects/"+s+"/versions", &versions)
		for _, n := range versions {
			var v struct {
				Schema   string
				Metadata struct{ Properties map[string]string }
			}
			getJSON(t, fmt.Sprintf("%s/subjects/%s/versions/%d", reg.url, s, n), &v)
			semver := v.Metadata.Properties["schemareg.version"]
			got, err := os.ReadFile(filepath.Join(bundleDir, "schemas", s, semver+".json"))
			// The import gives back the document as committed: the bytes
			// the registry's own API serves for that version.
			resp, gerr := http.Get(strings.TrimSuffix(reg.url, "/confluent") + "/schema/" + s + "/" + semver)
			if gerr != nil {
				t.Fatal(gerr)
			}
			want, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || string(got) != string(want) {
				t.Errorf("%s %s after the import: %v\n got  %s\n want %s", s, semver, err, got, want)
			}
		}
	}
}

func getJSON(t *testing.T, url string, into any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
}
