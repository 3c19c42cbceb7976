package api

// The event types of GET /events: the SSE "event:" field, and the "event"
// member of a WebSocket message.
const (
	// EventReady is the first event of a stream opened without a last
	// event id: the generation served now, with no changes. Its id is where
	// a client resumes from.
	EventReady = "ready"
	// EventGeneration is a newly published generation and what changed.
	EventGeneration = "generation"
	// EventReset tells a client that resumed from an id the server no
	// longer holds history for: events may have been missed, and what the
	// client holds must be read again. Its id is the generation served now.
	EventReset = "reset"
)

// The kinds of EventChange.
const (
	// ChangeAdded: a schema new in the generation.
	ChangeAdded = "added"
	// ChangeVersions: new versions of a schema.
	ChangeVersions = "versions"
	// ChangeDeprecated: a schema deprecated, maybe with new versions.
	ChangeDeprecated = "deprecated"
	// ChangeUndeprecated: a deprecation lifted.
	ChangeUndeprecated = "undeprecated"
	// ChangeRemoved: a schema no longer in the generation.
	ChangeRemoved = "removed"
	// ChangeUpdated: metadata only, such as the title or the compatibility mode.
	ChangeUpdated = "updated"
)

// Event is the data of one event of GET /events. Revision is the etcd mod
// revision of the generation key when the generation was published: the
// same on every server, it is the event's id, and a client that resumes
// with it as Last-Event-ID gets every event after it, once.
type Event struct {
	Revision   int64  `json:"revision"`
	Generation string `json:"generation"`
	Commit     string `json:"commit"`
	Published  string `json:"published,omitempty"`
	// Changes lists, sorted by schema id, what changed since the event
	// before; empty for ready and reset.
	Changes []EventChange `json:"changes"`
}

// EventChange is what happened to one schema in an Event.
type EventChange struct {
	ID string `json:"id"`
	// Change is one of the Change* kinds.
	Change string `json:"change"`
	// Versions are the versions new since the event before, oldest first.
	Versions []string `json:"versions,omitempty"`
	// Latest is the schema's latest version now; "" once removed.
	Latest     string `json:"latest,omitempty"`
	Deprecated bool   `json:"deprecated,omitempty"`
}

// Message is one WebSocket message of GET /events: the SSE event's type,
// id and data in one JSON object.
type Message struct {
	Event string `json:"event"`
	ID    int64  `json:"id"`
	Data  Event  `json:"data"`
}
