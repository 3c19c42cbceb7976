// Command schemareg is a GitOps-first JSON-Schema registry: one binary with a
// subcommand per job. Run "schemareg help" for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	err := run(ctx, os.Args[1:], e)
	if err != nil && !errors.Is(err, errSilent) {
		var x *exitError
		if !errors.As(err, &x) || x.err != nil {
			fmt.Fprintf(os.Stderr, "schemareg: %v\n", err)
		}
	}
	os.Exit(exitCode(err))
}

// env is what a command takes from its process besides its arguments, so
// tests can run commands in-process with their own environment and buffers.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// describe, when set, receives the command's flag set in place of
	// parsing it, and the command ends there: completion reads every
	// command's flags this way.
	describe func(*flag.FlagSet)
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, e *env) error
}

func commands() []command {
	return []command{
		{"validate", "check schema files: JSON, registry fields, JSON Schema, ids, $refs", runValidate},
		{"diff", "compare two schemas and report every change and the bump it requires", runDiff},
		{"export", "write a schema as another tool's artifact: a Great Expectations suite", runExport},
		{"compile", "walk the Git history of schemas/ and write a versioned bundle", runCompile},
		{"check", "judge the schema changes between two commits (the pull-request verdict)", runCheck},
		{"sync", "publish a bundle into etcd atomically; --watch to follow new bundles", runSync},
		{"import", "write a Confluent-compatible registry's JSON schemas as Git history", runImport},
		{"serve", "serve the REST API from etcd", runServe},
		{"snapshot", "stream an etcd snapshot to S3 or a folder", runSnapshot},
		{"restore", "restore an etcd data dir from a snapshot or a bundle", runRestore},
		{"site", "generate the static docs site from a bundle", runSite},
		{"action", "run as the GitHub Action on a pull request", runAction},
		{"dev", "run the whole registry locally: etcd, compile, sync, serve, watch", runDev},
		{"version", "print the version, commit and Go version", runVersion},
		{"completion", "print the shell completion script for bash, zsh or fish", runCompletion},
	}
}

func run(ctx context.Context, args []string, e *env) error {
	if len(args) == 0 {
		usage(e.stderr)
		return usageErrorf("no command given")
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && name == "help" {
			// "schemareg help diff" is "schemareg diff -h".
			return run(ctx, []string{args[1], "-h"}, e)
		}
		usage(e.stdout)
		return nil
	case "-version", "--version":
		return runVersion(ctx, args[1:], e)
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args[1:], e)
		}
	}
	usage(e.stderr)
	return usageErrorf("unknown command %q", name)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "schemareg is a GitOps-first JSON-Schema registry.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: schemareg <command> [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run \"schemareg help <command>\" for a command's flags; flags may come before or after")
	fmt.Fprintln(w, "the arguments, and \"--\" ends them. Every flag -x can also be set with the environment")
	fmt.Fprintln(w, "variable SCHEMAREG_X; a flag given on the command line wins.")
}
