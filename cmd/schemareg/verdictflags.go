package main

import (
	"flag"
	"io"
	"strings"

	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/render"
)

// verdictFlags are the flags of the commands that print a compatibility
// verdict, diff and check.
type verdictFlags struct {
	mode, policy, format, color *string
}

func addVerdictFlags(fs *flag.FlagSet, modeDefault string) *verdictFlags {
	return &verdictFlags{
		mode:   choiceFlag(fs, "mode", "", "compatibility mode: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE\n(default: "+modeDefault+")", modeNames()...),
		policy: choiceFlag(fs, "policy", "LENIENT", "policy for open content models: LENIENT or STRICT", policyNames...),
		format: choiceFlag(fs, "format", "text", "output format: "+strings.Join(render.Formats(), ", "), render.Formats()...),
		color:  choiceFlag(fs, "color", "auto", "colour in the text format: auto (when writing to a terminal), always or never", "auto", "always", "never"),
	}
}

// parse checks the flags' values; the mode is "" when none was given.
func (v *verdictFlags) parse() (document.Mode, compat.Policy, error) {
	var mode document.Mode
	if *v.mode != "" {
		m, err := document.ParseMode(*v.mode)
		if err != nil {
			return "", "", usageErrorf("invalid -mode (%s): %v", envName("mode"), err)
		}
		mode = m
	}
	policy, err := compat.ParsePolicy(*v.policy)
	if err != nil {
		return "", "", usageErrorf("invalid -policy (%s): %v", envName("policy"), err)
	}
	if _, err := render.ParseFormat(*v.format); err != nil {
		return "", "", usageErrorf("invalid -format (%s): %v", envName("format"), err)
	}
	if c := *v.color; c != "auto" && c != "always" && c != "never" {
		return "", "", usageErrorf("invalid -color %q (%s): use auto, always or never", c, envName("color"))
	}
	return mode, policy, nil
}

// useColor reports whether text written to w gets colour.
func (v *verdictFlags) useColor(w io.Writer) bool {
	return *v.color == "always" || *v.color == "auto" && isTerminal(w)
}

// modeNames are the values of -mode.
func modeNames() []string {
	var names []string
	for _, m := range document.Modes() {
		names = append(names, string(m))
	}
	return names
}

// policyNames are the values of -policy.
var policyNames = []string{string(compat.PolicyLenient), string(compat.PolicyStrict)}
