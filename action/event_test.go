package action

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	shaA = "1111111111111111111111111111111111111111"
	shaB = "2222222222222222222222222222222222222222"
)

func TestParseEvent(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    *Event
		wantErr string
	}{
		{
			name: "PullRequest",
			payload: `{"number": 7, "pull_request": {"number": 7, "labels": [{"name": "a"}, {"name": "b"}],
				"base": {"sha": "` + shaA + `", "repo": {"full_name": "acme/schemas"}},
				"head": {"sha": "` + shaB + `", "repo": {"full_name": "acme/schemas"}}}}`,
			want: &Event{Number: 7, Base: shaA, Head: shaB, BaseRepo: "acme/schemas", HeadRepo: "acme/schemas", Labels: []string{"a", "b"}},
		},
		{
			name: "Fork",
			payload: `{"number": 8, "pull_request": {"number": 8,
				"base": {"sha": "` + shaA + `", "repo": {"full_name": "acme/schemas"}},
				"head": {"sha": "` + shaB + `", "repo": {"full_name": "someone/schemas"}}}}`,
			want: &Event{Number: 8, Base: shaA, Head: shaB, BaseRepo: "acme/schemas", HeadRepo: "someone/schemas"},
		},
		{name: "NotJSON", payload: `{"number": 7,`, wantErr: "is not a JSON event payload"},
		{name: "Push", payload: `{"ref": "refs/heads/main", "after": "` + shaA + `"}`, wantErr: "has no pull_request"},
		{name: "NoNumber", payload: `{"pull_request": {"base": {"sha": "` + shaA + `"}, "head": {"sha": "` + shaB + `"}}}`, wantErr: "pull_request.number is missing"},
		{name: "ShortSHA", payload: `{"number": 7, "pull_request": {"number": 7, "base": {"sha": "abc123"}, "head": {"sha": "` + shaB + `"}}}`, wantErr: `pull_request.base.sha "abc123" is not a commit id`},
		{name: "NoHead", payload: `{"number": 7, "pull_request": {"number": 7, "base": {"sha": "` + shaA + `"}}}`, wantErr: `pull_request.head.sha "" is not a commit id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEvent("event.json", []byte(tt.payload))
			if tt.wantErr != "" {
				if !errors.Is(err, ErrEvent) || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "event.json") {
					t.Fatalf("err %v, want ErrEvent naming event.json and saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("event (-want +got):\n%s", diff)
			}
			if got.Fork() != (tt.name == "Fork") {
				t.Errorf("Fork() = %v", got.Fork())
			}
		})
	}
}

func TestReadEvent(t *testing.T) {
	t.Run("Unset", func(t *testing.T) {
		if _, err := ReadEvent(""); !errors.Is(err, ErrEvent) || !strings.Contains(err.Error(), "GITHUB_EVENT_PATH is not set") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("Missing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope.json")
		if _, err := ReadEvent(path); !errors.Is(err, ErrEvent) || !strings.Contains(err.Error(), path) {
			t.Errorf("err %v, want one naming %s", err, path)
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "event.json")
		if err := os.WriteFile(path, []byte("{\"pull_request\": {\"number\": 7,\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadEvent(path)
		if !errors.Is(err, ErrEvent) || !strings.Contains(err.Error(), path+" is not a JSON event payload") {
			t.Errorf("err %v, want a clear error naming %s", err, path)
		}
	})
}

func TestParseFailOn(t *testing.T) {
	for in, want := range map[string]FailOn{"": FailOnInvalidBump, "invalid-bump": FailOnInvalidBump, "Breaking": FailOnBreaking, " never ": FailOnNever} {
		if got, err := ParseFailOn(in); err != nil || got != want {
			t.Errorf("ParseFailOn(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseFailOn("always"); err == nil || !strings.Contains(err.Error(), "invalid-bump, breaking or never") {
		t.Errorf("err %v, want the allowed values", err)
	}
}
