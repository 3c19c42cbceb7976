package action

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Comment is an issue comment on a pull request.
type Comment struct {
	ID      int64  `json:"id"`
	Body    string `json:"body"`
	HTMLURL string `json:"html_url,omitempty"`
}

// Commenter finds, writes and rewrites the action's comment on a pull
// request.
type Commenter interface {
	// FindComment returns the first comment whose body contains marker,
	// nil when there is none.
	FindComment(ctx context.Context, number int, marker string) (*Comment, error)
	CreateComment(ctx context.Context, number int, body string) (*Comment, error)
	UpdateComment(ctx context.Context, id int64, body string) (*Comment, error)
}

// GitHub is what Run needs from GitHub; *Client implements it.
type GitHub interface {
	IssueLabeler
	LabelCreator
	Commenter
}

// commentMarker is the hidden line that finds the comment again: one per
// workflow and job, so two workflows that run the action keep a comment each.
func commentMarker(workflow, job string) string {
	return "<!-- schemareg-action workflow=" + url.QueryEscape(workflow) + " job=" + url.QueryEscape(job) + " -->"
}

// commentOutcome says what syncComment did.
type commentOutcome string

const (
	commentNone      commentOutcome = "none"      // nothing to say and nothing said before
	commentCreated   commentOutcome = "created"   // a new comment
	commentUpdated   commentOutcome = "updated"   // the marked comment rewritten
	commentUnchanged commentOutcome = "unchanged" // the marked comment already says it
)

// syncComment keeps one marked comment on the pull request: it rewrites
// the existing one with body, or creates one when there is none and create
// is true (there are schema changes to report).
func syncComment(ctx context.Context, gh GitHub, number int, marker, body string, create bool) (*Comment, commentOutcome, error) {
	c, err := gh.FindComment(ctx, number, marker)
	if err != nil {
		return nil, commentNone, err
	}
	switch {
	case c == nil && !create:
		return nil, commentNone, nil
	case c == nil:
		c, err = gh.CreateComment(ctx, number, body)
		return c, commentCreated, err
	case c.Body == body:
		return c, commentUnchanged, nil
	}
	c, err = gh.UpdateComment(ctx, c.ID, body)
	return c, commentUpdated, err
}

// FindComment implements Commenter with GET
// /repos/{repo}/issues/{n}/comments, page by page until the marker shows.
func (c *Client) FindComment(ctx context.Context, number int, marker string) (*Comment, error) {
	next := c.repoPath("issues", strconv.Itoa(number), "comments") + "?per_page=100"
	for next != "" {
		var page []Comment
		var err error
		if next, err = c.do(ctx, http.MethodGet, next, nil, &page); err != nil {
			return nil, err
		}
		for i := range page {
			if strings.Contains(page[i].Body, marker) {
				return &page[i], nil
			}
		}
	}
	return nil, nil
}

// CreateComment implements Commenter with POST /repos/{repo}/issues/{n}/comments.
func (c *Client) CreateComment(ctx context.Context, number int, body string) (*Comment, error) {
	var out Comment
	_, err := c.do(ctx, http.MethodPost, c.repoPath("issues", strconv.Itoa(number), "comments"), map[string]string{"body": body}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateComment implements Commenter with PATCH /repos/{repo}/issues/comments/{id}.
func (c *Client) UpdateComment(ctx context.Context, id int64, body string) (*Comment, error) {
	var out Comment
	_, err := c.do(ctx, http.MethodPatch, c.repoPath("issues", "comments", strconv.FormatInt(id, 10)), map[string]string{"body": body}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}
