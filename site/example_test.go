package site_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/site"
)

func ExampleGenerate() {
	ctx := context.Background()
	b, err := bundle.Read("build/bundle")
	if err != nil {
		log.Fatal(err)
	}
	stats, err := site.Generate(ctx, b, "build/site", site.Options{
		Title:   "Market data schemas",
		BaseURL: "https://schemas.example.com/",
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%d pages, %d bytes", stats.Pages, stats.Bytes)
}

func ExampleHandler() {
	mux := http.NewServeMux()
	mux.Handle("/docs/", http.StripPrefix("/docs", site.Handler(os.DirFS("build/site"))))
	log.Fatal(http.ListenAndServe("localhost:8000", mux))
}
