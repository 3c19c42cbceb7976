// Command image writes the schemareg container image as a `docker load`
// tarball:
//
//	go run ./image/cmd -binary ../dist/linux_amd64/schemareg -out ../dist/schemareg-image.tar
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/schemareg/schemareg/deploy/image"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "image: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	var cfg image.Config
	fs.StringVar(&cfg.Binary, "binary", "", "static linux schemareg binary")
	fs.StringVar(&cfg.CACerts, "ca-certs", "/etc/ssl/certs/ca-certificates.crt", "PEM bundle of CA certificates")
	fs.StringVar(&cfg.Version, "version", "dev", "image version")
	fs.StringVar(&cfg.Commit, "commit", "", "commit the binary was built from")
	fs.StringVar(&cfg.Arch, "arch", "amd64", "image architecture")
	fs.StringVar(&cfg.Source, "source", "https://github.com/schemareg/schemareg", "repository URL")
	created := fs.String("created", "0", "creation time, seconds since the epoch (the commit time)")
	out := fs.String("out", "dist/schemareg-image.tar", "output tarball")
	ref := fs.String("ref", "", "image reference to tag (default ghcr.io/schemareg/schemareg:<version>)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.Binary == "" {
		return fmt.Errorf("-binary is required: the static linux binary, built by make release")
	}
	secs, err := strconv.ParseInt(*created, 10, 64)
	if err != nil {
		return fmt.Errorf("-created %q: want seconds since the epoch: %w", *created, err)
	}
	cfg.Created = time.Unix(secs, 0)
	if *ref == "" {
		*ref = "ghcr.io/schemareg/schemareg:" + cfg.Version
	}
	img, err := image.Build(cfg)
	if err != nil {
		return err
	}
	return image.Write(*out, *ref, img)
}
