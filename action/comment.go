package action

import (
	"context"
	"errors"
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
	// User is the comment's author.
	User *User `json:"user,omitempty"`
}

// Commenter finds, writes and rewrites the action's comment on a pull
// request.
type Commenter interface {
	// FindComments returns the comments whose bodies contain marker,
	// oldest first, whoever wrote them.
	FindComments(ctx context.Context, number int, marker string) ([]Comment, error)
	// Identity returns the login of the token's own account.
	Identity(ctx context.Context) (string, error)
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
// the marked comment the token's own account wrote with body, or creates
// one when there is none and create is true (there are schema changes to
// report). A marked comment by anyone else is never edited: it could be a
// forged verdict. When GitHub does not say whose the token is, no comment
// is edited and a new one is written.
func syncComment(ctx context.Context, gh GitHub, number int, marker, body string, create bool) (*Comment, commentOutcome, error) {
	marked, err := gh.FindComments(ctx, number, marker)
	if err != nil {
		return nil, commentNone, err
	}
	var c *Comment
	if len(marked) > 0 {
		login, err := gh.Identity(ctx)
		if err != nil && !errors.Is(err, ErrNoIdentity) {
			return nil, commentNone, err
		}
		if err == nil {
			c = ownComment(marked, login)
		}
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

// FindComments implements Commenter with GET
// /repos/{repo}/issues/{n}/comments, every page.
func (c *Client) FindComments(ctx context.Context, number int, marker string) ([]Comment, error) {
	next := c.repoPath("issues", strconv.Itoa(number), "comments") + "?per_page=100"
	var out []Comment
	for next != "" {
		var page []Comment
		var err error
		if next, err = c.do(ctx, http.MethodGet, next, nil, &page); err != nil {
			return nil, err
		}
		for i := range page {
			if strings.Contains(page[i].Body, marker) {
				if len(out) == maxMarkedComments {
					return out, nil
				}
				out = append(out, page[i])
			}
		}
	}
	return out, nil
}

// maxMarkedComments bounds the marked comments kept from one pull request.
const maxMarkedComments = 1000

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
