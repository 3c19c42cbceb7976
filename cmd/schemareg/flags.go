package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes shared by every command.
const (
	exitOK      = 0
	exitFailed  = 1 // the command ran and its verdict is negative, or it failed
	exitUsage   = 2 // bad flags, bad arguments or bad input
	exitUnknown = 1
)

// errSilent ends a command with a non-zero exit when it has already said why.
var errSilent = errors.New("silent exit")

// exitError carries an exit code; err, when not nil, is printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErrorf reports bad flags, arguments or input: exit 2.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// exitWith ends the command with code after it has printed its own output.
func exitWith(code int) error {
	if code == exitOK {
		return nil
	}
	return &exitError{code: code}
}

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var x *exitError
	if errors.As(err, &x) {
		return x.code
	}
	return exitUnknown
}

// envName is the environment variable that backs a flag: SCHEMAREG_ and the
// flag's name in upper case with dashes as underscores.
func envName(flagName string) string {
	return "SCHEMAREG_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// newFlagSet makes a command's flag set. Its usage names the environment
// variable of every flag.
func newFlagSet(name, synopsis string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: schemareg %s\n", synopsis)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintf(out, "\nFlags (each also read from its environment variable):\n")
			printDefaults(out, fs)
		}
	}
	return fs
}

func printDefaults(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if _, ok := f.Value.(*choice); ok && name == "value" {
			name = "string"
		}
		fmt.Fprintf(w, "  -%s", f.Name)
		if name != "" {
			fmt.Fprintf(w, " %s", name)
		}
		fmt.Fprintf(w, "  (%s)\n    \t%s", envName(f.Name), strings.ReplaceAll(usage, "\n", "\n    \t"))
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// parseFlags parses args, then fills every flag not given on the command
// line from its environment variable. -h prints the usage and ends the
// command with exit 0; a bad value, from either source, is a usage error
// that names the flag and the variable.
//
// Flags may come before, between or after the arguments, as people type
// them with git, kubectl or buf: `diff a.json b.json --format json` is
// `diff --format json a.json b.json`. "--" ends the flags: what follows is
// arguments, even when it starts with "-". A usage error prints the error
// and a one-line hint, not the whole usage.
func parseFlags(fs *flag.FlagSet, args []string, e *env) error {
	if e.describe != nil {
		e.describe(fs)
		return errHelp
	}
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(intersperse(fs, args))
	fs.Usage = usage
	fs.SetOutput(out)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return errHelp
		}
		return usageErrorf("%s: %v\nRun \"schemareg %s -h\" for its flags.", fs.Name(), err, fs.Name())
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		v := e.getenv(envName(f.Name))
		if v == "" {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = usageErrorf("invalid value %q for -%s from %s: %v", v, f.Name, envName(f.Name), serr)
		}
	})
	return err
}

// choice is a string flag that takes one of a fixed set of values, which
// completion offers. The command still checks the value, with its own
// message, as it does one from the environment.
type choice struct {
	p      *string
	values []string
}

// choiceFlag defines a string flag whose values are one of values.
func choiceFlag(fs *flag.FlagSet, name, value, usage string, values ...string) *string {
	p := new(string)
	*p = value
	fs.Var(&choice{p, values}, name, usage)
	return p
}

func (c *choice) String() string {
	if c.p == nil {
		return ""
	}
	return *c.p
}

func (c *choice) Set(s string) error { *c.p = s; return nil }

// errHelp ends a command after -h printed its usage: exit 0.
var errHelp = &exitError{code: exitOK}

// intersperse moves the flags of args, with their values, before its
// arguments, keeping the order of each, and puts "--" between them, so that
// the flag package, which stops at the first argument, reads every flag.
// A flag's value is the next word unless the flag is boolean or written
// -name=value. A word after "--", and "-" alone, is an argument.
func intersperse(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // the flag package names it
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return append(append(flags, "--"), rest...)
}
