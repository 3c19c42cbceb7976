package site

import (
	"encoding/json"
	"fmt"
	"html/template"
)

// searchEntry is one schema in the search index: what the index page's
// search box matches, by substring, against what the reader types.
type searchEntry struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Fields are the paths of the latest version's fields, "quote.bid".
	Fields []string `json:"fields"`
}

// searchIndex encodes the search index for the index page, where it sits in
// a <script type="application/json"> element. encoding/json escapes "<",
// ">" and "&", so no content can end the element.
func searchIndex(entries []searchEntry) (template.JS, error) {
	for i := range entries {
		if entries[i].Fields == nil {
			entries[i].Fields = []string{}
		}
	}
	data, err := json.Marshal(entries)
	if err != nil {
		return "", fmt.Errorf("encode search index: %w", err)
	}
	return template.JS(data), nil
}
