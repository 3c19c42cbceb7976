package action

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// ErrEvent reports an event payload the action cannot use: missing, not
// JSON, not a pull request, or without its commits.
var ErrEvent = errors.New("unusable event payload")

// Event is what the action takes from a pull_request or
// pull_request_target event payload.
type Event struct {
	// Number is the pull request's number.
	Number int
	// Base and Head are the commits of pull_request.base.sha and
	// pull_request.head.sha.
	Base, Head string
	// BaseRepo and HeadRepo are the repositories' "owner/name"; they differ
	// for a pull request from a fork.
	BaseRepo, HeadRepo string
	// Labels are the pull request's label names when the event was sent.
	Labels []string
}

// Fork reports whether the pull request comes from another repository.
func (e *Event) Fork() bool { return e.HeadRepo != "" && e.HeadRepo != e.BaseRepo }

type eventPayload struct {
	Number      int `json:"number"`
	PullRequest *struct {
		Number int          `json:"number"`
		Base   eventRef     `json:"base"`
		Head   eventRef     `json:"head"`
		Labels []eventLabel `json:"labels"`
	} `json:"pull_request"`
}

type eventRef struct {
	SHA  string `json:"sha"`
	Repo *struct {
		FullName string `json:"full_name"`
	} `json:"repo"`
}

type eventLabel struct {
	Name string `json:"name"`
}

// ReadEvent reads the event payload at path (GITHUB_EVENT_PATH). Every error
// wraps ErrEvent and says what is wrong in terms of the payload.
func ReadEvent(path string) (*Event, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: GITHUB_EVENT_PATH is not set; run the action in a workflow on pull_request", ErrEvent)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %v", ErrEvent, path, err)
	}
	return ParseEvent(path, data)
}

// ParseEvent parses an event payload; path names it in errors.
func ParseEvent(path string, data []byte) (*Event, error) {
	var p eventPayload
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%w: %s is not a JSON event payload: %v", ErrEvent, path, err)
	}
	pr := p.PullRequest
	if pr == nil {
		return nil, fmt.Errorf("%w: %s has no pull_request: the action runs on pull_request and pull_request_target events", ErrEvent, path)
	}
	ev := &Event{Number: pr.Number, Base: pr.Base.SHA, Head: pr.Head.SHA}
	if ev.Number == 0 {
		ev.Number = p.Number
	}
	if ev.Number <= 0 {
		return nil, fmt.Errorf("%w: %s: pull_request.number is missing", ErrEvent, path)
	}
	if !isCommitID(ev.Base) {
		return nil, fmt.Errorf("%w: %s: pull_request.base.sha %q is not a commit id", ErrEvent, path, ev.Base)
	}
	if !isCommitID(ev.Head) {
		return nil, fmt.Errorf("%w: %s: pull_request.head.sha %q is not a commit id", ErrEvent, path, ev.Head)
	}
	if r := pr.Base.Repo; r != nil {
		ev.BaseRepo = r.FullName
	}
	if r := pr.Head.Repo; r != nil {
		ev.HeadRepo = r.FullName
	}
	for _, l := range pr.Labels {
		ev.Labels = append(ev.Labels, l.Name)
	}
	return ev, nil
}

// isCommitID reports whether s is a full SHA-1 or SHA-256 commit id.
func isCommitID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
