package api

// Verdict is the server's judgement of a proposed version of a schema, the
// one the compiler will make when the version lands in Git.
type Verdict struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	// Latest is the latest published version, "" for a new schema.
	Latest string `json:"latest,omitempty"`
	// Status is "new_schema", "new_version" or "unchanged".
	Status string `json:"status"`
	// Mode is the schema's compatibility mode, e.g. "BACKWARD"; Policy
	// "LENIENT" or "STRICT".
	Mode       string `json:"mode"`
	Policy     string `json:"policy"`
	Compatible bool   `json:"compatible"`
	// Bump is the bump the version makes ("none", "patch", "minor" or
	// "major"); RequiredBump the smallest the changes allow, and
	// NextVersion the smallest version that makes it.
	Bump         string `json:"bump"`
	RequiredBump string `json:"required_bump"`
	NextVersion  string `json:"next_version,omitempty"`
	// Allowed reports whether the version may be published.
	Allowed bool `json:"allowed"`
	// Path is the schema's file in the schemas repository.
	Path    string   `json:"path"`
	Changes []Change `json:"changes"`
}

// Created is the body of a POST /schema/{id} that did not fail: a dry run,
// an unchanged document, or a commit.
type Created struct {
	Verdict Verdict `json:"verdict"`
	DryRun  bool    `json:"dry_run,omitempty"`
	Commit  string  `json:"commit,omitempty"`
	Branch  string  `json:"branch,omitempty"`
	Message string  `json:"message"`
}
