package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/schemareg/schemareg/client"
)

// A pipeline reads the latest schema of its table, then checks each row
// before it writes it, and quarantines the rows that do not fit.
func Example() {
	srv := httptest.NewServer(fakeRegistry()) // the registry's REST API
	defer srv.Close()
	ctx := context.Background()

	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	s, err := c.GetSchema(ctx, "ticks_v1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("writing with", s.ID, s.Version)

	rows := []map[string]any{
		{"price": 5321.25, "side": "B"},
		{"price": 5321.5, "side": "X"},
	}
	for i, row := range rows {
		res, err := c.Validate(ctx, "ticks_v1", row)
		if err != nil {
			log.Fatal(err)
		}
		if !res.Valid {
			fmt.Printf("row %d quarantined: %s %s\n", i, res.Errors[0].Path, res.Errors[0].Message)
		}
	}
	// Output:
	// writing with ticks_v1 1.1.0
	// row 1 quarantined: /side value must be one of 'B', 'S'
}

func ExampleNew() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()

	c, err := client.New(srv.URL,
		client.WithHTTPClient(&http.Client{Transport: http.DefaultTransport}),
		client.WithRetries(5),
		client.WithBackoff(50*time.Millisecond, time.Second),
		client.WithCache(1024),
		client.WithUserAgent("ticks-loader/2.3"),
	)
	if err != nil {
		log.Fatal(err)
	}
	st, err := c.Health(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.Status, st.Schemas)
	// Output: ok 1
}

func ExampleClient_GetSchema() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}

	s, err := c.GetSchema(context.Background(), "ticks_v1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.ID, s.Version, s.ContentType)
	fmt.Println(s.Digest == digest(string(s.Body))) // the exact bytes the registry published
	// Output:
	// ticks_v1 1.1.0 application/schema+json
	// true
}

func ExampleClient_GetVersion() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	s, err := c.GetVersion(ctx, "ticks_v1", "1.0.0") // immutable: cached after the first read
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Version, len(s.Body), "bytes")

	_, err = c.GetVersion(ctx, "ticks_v1", "9.0.0")
	fmt.Println(errors.Is(err, client.ErrNotFound))
	fmt.Println(err)
	// Output:
	// 1.0.0 207 bytes
	// true
	// get schema ticks_v1 9.0.0: 404 not_found: schema ticks_v1 9.0.0 not found
}

func ExampleSchema_Decode() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	s, err := c.GetSchema(context.Background(), "ticks_v1")
	if err != nil {
		log.Fatal(err)
	}

	var doc struct {
		Title    string   `json:"title"`
		Required []string `json:"required"`
	}
	if err := s.Decode(&doc); err != nil {
		log.Fatal(err)
	}
	fmt.Println(doc.Title, doc.Required)
	// Output: Level-1 ticks [price side]
}

func ExampleClient_Versions() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}

	versions, err := c.Versions(context.Background(), "ticks_v1")
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range versions {
		published, err := time.Parse(time.RFC3339, v.Time)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(v.Version, v.Bump, v.Commit, published.Format(time.DateOnly))
	}
	// Output:
	// 1.0.0 none 4f2a9c1 2026-01-02
	// 1.1.0 minor 9be03d7 2026-01-09
}

func ExampleClient_List() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}

	schemas, err := c.List(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range schemas {
		fmt.Println(s.ID, s.Latest, s.Compatibility, s.Title)
	}
	// Output: ticks_v1 1.1.0 BACKWARD Level-1 ticks
}

func ExampleClient_Compat() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}

	v, err := c.Compat(context.Background(), "ticks_v1", "1.0.0", "latest")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.Mode, "compatible:", v.Compatible, "bump:", v.Bump, "breaking:", len(v.Breaking()))
	for _, ch := range v.Changes {
		fmt.Println(ch.Kind, ch.Path)
		fmt.Println(ch.Message)
	}
	// Output:
	// BACKWARD compatible: true bump: minor breaking: 0
	// OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/exchange
	// field "exchange": optional property added
}

func ExampleClient_Validate() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}

	row := []byte(`{"price": -1, "side": "S"}`)
	res, err := c.Validate(context.Background(), "ticks_v1", row)
	if err != nil {
		log.Fatal(err) // the registry could not judge: retry later, do not quarantine
	}
	fmt.Println("valid against", res.Version, "?", res.Valid)
	for _, e := range res.Errors {
		fmt.Println(e.Path, e.Keyword, e.Message)
	}
	// Output:
	// valid against 1.1.0 ? false
	// /price exclusiveMinimum must be > 0
}

func ExampleClient_ValidateBatch() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}

	// One row per line. Results stream back while the rows are sent, so
	// the reader may be a file, a pipe or a socket of any size.
	rows := strings.NewReader(`{"price": 1.5, "side": "B"}
{"price": 2.5, "side": "?"}
{"price": 3.5}
`)
	for res, err := range c.ValidateBatch(context.Background(), "ticks_v1", rows) {
		if err != nil {
			log.Fatal(err)
		}
		if !res.Valid {
			fmt.Printf("quarantine line %d: %s\n", res.Line, res.Errors[0].Message)
		}
	}
	// Output:
	// quarantine line 2: value must be one of 'B', 'S'
	// quarantine line 3: missing properties 'price', 'side'
}

func ExampleClient_ArrowSchema() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}

	data, err := c.ArrowSchema(context.Background(), "ticks_v1", "1.1.0")
	if err != nil {
		log.Fatal(err)
	}
	rd, err := ipc.NewReader(bytes.NewReader(data))
	if err != nil {
		log.Fatal(err)
	}
	defer rd.Release()
	for _, f := range rd.Schema().Fields() {
		fmt.Println(f.Name, f.Type, f.Nullable)
	}
	// Output:
	// exchange utf8 true
	// price float64 false
	// side utf8 false
}

func ExampleClient_Health() {
	srv := httptest.NewServer(fakeRegistry())
	defer srv.Close()
	c, err := client.New(srv.URL)
	if err != nil {
		log.Fatal(err)
	}

	st, err := c.Health(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.Status, st.Schemas, st.Etcd.Status)
	// Output: ok 1 ok
}

func ExampleWithMirror() {
	mirror := httptest.NewServer(fakeMirror()) // the documentation site
	defer mirror.Close()
	srv := httptest.NewServer(fakeRegistry())
	srv.Close() // the server is down

	c, err := client.New(srv.URL, client.WithMirror(mirror.URL), client.WithRetries(0))
	if err != nil {
		log.Fatal(err)
	}
	s, err := c.GetSchema(context.Background(), "ticks_v1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.ID, s.Version, s.Digest == digest(fakeTicks110))
	// Output: ticks_v1 1.1.0 true
}
