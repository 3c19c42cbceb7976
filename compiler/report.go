package compiler

import (
	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/internal/bundle"
)

// Result returns the schema's changes as a DiffResult under the policy, for
// the renderers of this package.
func (s *SchemaReport) Result(p compat.Policy) compat.DiffResult {
	return compat.DiffResult{Compatible: s.Compatible, Bump: s.RequiredBump, Mode: s.Mode, Policy: p, Changes: s.Changes}
}

// Violation is a rule of the history a commit broke; see bundle.Violation.
type Violation = bundle.Violation

// The kinds of violation the history compiler reports.
const (
	ViolationInvalidBump   = "INVALID_BUMP"          // the version grew by less than the changes require
	ViolationNotIncreased  = "VERSION_NOT_INCREASED" // the version stayed or went backwards while content changed
	ViolationMutated       = "MUTATED_VERSION"       // a published version's content changed
	ViolationInvalidSchema = "INVALID_SCHEMA"        // the file does not parse or compile
	ViolationDuplicateID   = "DUPLICATE_ID"          // two files claim one id
	ViolationIDChanged     = "ID_CHANGED"            // a file's id changed
	ViolationDeleted       = "SCHEMA_DELETED"        // a schema file was removed: its id is deprecated
)

// The status of a schema in a CheckReport.
const (
	StatusAdded     = "added"
	StatusModified  = "modified"
	StatusDeleted   = "deleted"
	StatusRenamed   = "renamed"
	StatusUnchanged = "unchanged" // the file changed, but not its content as a schema (e.g. formatting)
)

// The verdict on one schema in a CheckReport.
const (
	VerdictOK          = "ok"           // the bump is valid
	VerdictInvalidBump = "invalid-bump" // the bump is smaller than the changes require, or the version did not grow
	VerdictInvalid     = "invalid"      // the file at head is not a valid schema document
)

// CheckReport is the verdict on every schema changed between two commits:
// what "schemareg check" prints and the GitHub Action posts.
type CheckReport struct {
	Base string `json:"base"`
	Head string `json:"head"`
	// OK is true when every schema's verdict is VerdictOK.
	OK bool `json:"ok"`
	// Breaking is true when any schema has a change that breaks its mode.
	Breaking bool `json:"breaking"`
	// RequiredBump is the largest bump any schema requires.
	RequiredBump semver.Bump `json:"required_bump"`
	// Policy is the compatibility policy the changes were judged under.
	Policy  compat.Policy  `json:"policy"`
	Schemas []SchemaReport `json:"schemas"`
	// Walked counts the commits of the base's history walked: all of them,
	// or those after CheckOptions.Since.
	Walked int `json:"walked"`
	// Warnings say why CheckOptions.Since was passed over.
	Warnings []string `json:"warnings,omitempty"`
}

// SchemaReport is the verdict on one schema.
type SchemaReport struct {
	ID string `json:"id"`
	// Path is the file at head; for a deleted schema, at base.
	Path string `json:"path"`
	// OldPath is the file at base when it moved.
	OldPath    string        `json:"old_path,omitempty"`
	Status     string        `json:"status"`
	OldVersion string        `json:"old_version,omitempty"`
	NewVersion string        `json:"new_version,omitempty"`
	Mode       document.Mode `json:"mode"`
	// Bump is the bump the new version makes; RequiredBump the smallest the changes allow.
	Bump         semver.Bump `json:"bump"`
	RequiredBump semver.Bump `json:"required_bump"`
	// Compatible is false when a change breaks the mode.
	Compatible bool   `json:"compatible"`
	Verdict    string `json:"verdict"`
	// Message explains the verdict in one sentence.
	Message string `json:"message"`
	// Line is the line of the file the verdict points at: the version for a
	// bad bump, the problem for an invalid file; 0 when there is none.
	Line int `json:"line,omitempty"`
	// Notice is set for a bump larger than required.
	Notice  string       `json:"notice,omitempty"`
	Changes []api.Change `json:"changes"`
	// Problems are set when the file at head is invalid (VerdictInvalid).
	Problems []document.Problem `json:"problems,omitempty"`
	// Dependents are the schemas whose latest version refers to this one,
	// when this one publishes a new version: each stays pinned where it is.
	Dependents []DependentReport `json:"dependents,omitempty"`
}

// DependentReport is a schema that depends on a schema a pull request
// changes: the version of it that stays pinned, and what adopting the new
// version would mean for the dependent, judged under its own mode on its
// effective schema.
type DependentReport struct {
	ID string `json:"id"`
	// Version is the dependent's latest version.
	Version string `json:"version"`
	// Pinned is the version of the changed schema the dependent stays pinned to.
	Pinned string        `json:"pinned"`
	Mode   document.Mode `json:"mode"`
	// Compatible and Bump say what a new version of the dependent that
	// adopts the changed schema's new version needs.
	Compatible bool        `json:"compatible"`
	Bump       semver.Bump `json:"bump"`
	// Message says it in one sentence.
	Message string `json:"message"`
}
