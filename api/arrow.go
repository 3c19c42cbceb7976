package api

import "encoding/json"

// ArrowSchema is the body of GET /schema/{id}/{version}/arrow?format=json:
// the fields of the Arrow schema the IPC bytes hold, and the document's
// arrow block as written (null when the document has none and every type
// is the default mapping).
type ArrowSchema struct {
	ID      string          `json:"id"`
	Version string          `json:"version"`
	Digest  string          `json:"digest"`
	Fields  []ArrowField    `json:"fields"`
	Block   json.RawMessage `json:"block"`
}

// ArrowField is one field of an ArrowSchema; Type is Arrow's own notation,
// e.g. "timestamp[us, tz=UTC]".
type ArrowField struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
}
