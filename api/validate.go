package api

// Result is the verdict on one data document: the body of POST
// /schema/{id}/compat for one JSON document, and one line of the answer
// to an NDJSON batch.
type Result struct {
	// Line is the document's 1-based line in an NDJSON batch, blank lines
	// counted; absent for one JSON document.
	Line  int  `json:"line,omitempty"`
	Valid bool `json:"valid"`
	// Errors lists why the document is invalid; empty when it is valid.
	Errors []DataError `json:"errors"`
}

// DataError is one reason a data document is invalid.
type DataError struct {
	// Path is the JSON pointer of the offending value in the data, "" for
	// the root.
	Path string `json:"path"`
	// Keyword is the schema keyword that failed, e.g. "enum", "required";
	// "parse" for a line that is not JSON, "limit" for a document too
	// large to check.
	Keyword string `json:"keyword"`
	Message string `json:"message"`
}
