// Command release builds the schemareg release archives into dist/:
//
//	go run ./internal/release/cmd -version v1.2.3
//
// The commit and its time come from git unless given.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/schemareg/schemareg/internal/release"
)

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "release: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	version := fs.String("version", "", "release version, for example v1.2.3 (default: git describe)")
	out := fs.String("out", "dist", "output directory")
	targets := fs.String("targets", "", "comma-separated os/arch list (default: linux and darwin on amd64 and arm64)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	commit, err := git(ctx, "rev-parse", "HEAD")
	if err != nil {
		return err
	}
	ct, err := git(ctx, "log", "-1", "--format=%ct", "HEAD")
	if err != nil {
		return err
	}
	secs, err := strconv.ParseInt(ct, 10, 64)
	if err != nil {
		return fmt.Errorf("commit time %q: %w", ct, err)
	}
	if *version == "" {
		if *version, err = git(ctx, "describe", "--tags", "--always", "--dirty"); err != nil {
			return err
		}
	}
	cfg := release.Config{
		Root: ".", Out: *out, Version: *version, Commit: commit,
		CommitTime: time.Unix(secs, 0), Extra: []string{"LICENSE", "README.md"},
	}
	if *targets != "" {
		for _, s := range strings.Split(*targets, ",") {
			osName, arch, ok := strings.Cut(strings.TrimSpace(s), "/")
			if !ok {
				return fmt.Errorf("target %q: want os/arch, for example linux/amd64", s)
			}
			cfg.Targets = append(cfg.Targets, release.Target{OS: osName, Arch: arch})
		}
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	_, err = release.Build(ctx, cfg, logger)
	return err
}

func git(ctx context.Context, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, "git", args...).Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}
