package action

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/render"
)

// The action's outputs.
const (
	OutputBreaking     = "breaking"
	OutputCompatible   = "compatible"
	OutputChanged      = "changed"
	OutputRequiredBump = "required-bump"
	OutputReport       = "report"
)

// outputs are the action's outputs for a judgement: breaking and
// compatible as "true"/"false" (compatible when schemas changed, none
// breaks and all are valid), the changed ids separated by spaces, the
// largest required bump and the path of the JSON report.
func outputs(j *judgement, reportPath string) [][2]string {
	ids := map[string]bool{}
	for _, s := range j.schemas {
		ids[s.ID] = true
	}
	changed := make([]string, 0, len(ids))
	for id := range ids {
		changed = append(changed, id)
	}
	sort.Strings(changed)
	return [][2]string{
		{OutputBreaking, strconv.FormatBool(j.report.Breaking)},
		{OutputCompatible, strconv.FormatBool(j.label() == LabelCompatible)},
		{OutputChanged, strings.Join(changed, " ")},
		{OutputRequiredBump, j.report.RequiredBump.String()},
		{OutputReport, reportPath},
	}
}

// writeOutputs sets the outputs in GITHUB_OUTPUT; without it, it does
// nothing.
func writeOutputs(a *githubactions.Action, outs [][2]string) error {
	path := a.Getenv("GITHUB_OUTPUT")
	if path == "" {
		return nil
	}
	return outputFile(path, outs, cryptoRandom())
}

// writeSummary appends markdown to GITHUB_STEP_SUMMARY; without it, it
// does nothing.
func writeSummary(a *githubactions.Action, markdown string) error {
	if a.Getenv("GITHUB_STEP_SUMMARY") == "" {
		return nil
	}
	return fileCommand(func() { a.AddStepSummary(markdown) })
}

// fileCommand runs go-githubactions file commands, which panic when their
// file cannot be written, and returns that as an error.
func fileCommand(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write workflow file: %v", r)
		}
	}()
	f()
	return nil
}

// writeReport writes the check report as indented JSON at path.
func writeReport(path string, r *compiler.CheckReport) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// renderNotes lists what the action could not post, for the step summary.
func renderNotes(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("#### Not posted\n\n")
	for _, n := range notes {
		fmt.Fprintf(&b, "- %s\n", render.MarkdownCell(n))
	}
	return b.String()
}

// renderFailure is the step summary of a run that could not judge the pull
// request.
func renderFailure(err error) string {
	return "### schemareg: ❌ The check could not run\n\n" + render.MarkdownCell(err.Error()) + "\n"
}
