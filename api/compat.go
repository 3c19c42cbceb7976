package api

// Compat is the body of GET /compat/{id}/{from}/{to}: the compatibility
// engine's verdict on going from one version of a schema to another.
type Compat struct {
	ID   string `json:"id"`
	From string `json:"from"`
	To   string `json:"to"`
	// Compatible is true when no change breaks Mode.
	Compatible bool `json:"compatible"`
	// Bump is the smallest bump the changes require: "none", "patch",
	// "minor" or "major".
	Bump string `json:"bump"`
	// Mode is the compatibility mode judged, e.g. "BACKWARD"; Policy
	// "LENIENT" or "STRICT".
	Mode   string `json:"mode"`
	Policy string `json:"policy"`
	// Changes lists every difference, compatible ones included.
	Changes []Change `json:"changes"`
}

// Breaking returns the changes that break the mode.
func (c *Compat) Breaking() []Change {
	var out []Change
	for _, ch := range c.Changes {
		if ch.Breaking {
			out = append(out, ch)
		}
	}
	return out
}

// Change is one difference between two versions of a schema. It is a
// finding, not a failure: the mode in force decides whether it breaks.
// A bundle's versions hold their changes in this shape too.
type Change struct {
	// Kind is a stable UPPER_SNAKE name, e.g. "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL".
	Kind string `json:"kind"`
	// Path is a JSON pointer in URI fragment form into the new schema, or into
	// the old one for something removed, e.g. "#/properties/side/enum".
	Path string `json:"path"`
	// Line is a 1-based line of the new version's file: Path's, or for
	// something only the old version has, the line of the nearest value
	// enclosing it that the new file still has. 0 when unknown.
	Line int `json:"line,omitempty"`
	// OldLine, for something only the old version has, is Path's line in
	// the old version's file; 0 otherwise.
	OldLine int `json:"old_line,omitempty"`
	// Backward: data written with the old schema still validates against the new one.
	Backward bool `json:"backward"`
	// Forward: data written with the new schema still validates against the old one.
	Forward bool `json:"forward"`
	// Breaking: the change breaks the compatibility mode in force.
	Breaking bool `json:"breaking"`
	// Annotation: the change alters only annotations (title, description, ...).
	Annotation bool `json:"annotation,omitempty"`
	// Message is one sentence a reviewer understands.
	Message string `json:"message"`
}
