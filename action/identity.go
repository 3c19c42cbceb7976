package action

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// User is the author of a comment, as GitHub reports it.
type User struct {
	Login string `json:"login"`
	ID    int64  `json:"id,omitempty"`
	Type  string `json:"type,omitempty"`
}

// ErrNoIdentity reports that GitHub did not say whose token the action
// holds; the action then edits no comment and writes a new one.
var ErrNoIdentity = errors.New("the token's identity is unknown")

// Identity returns the login of the token's own account, as GitHub answers
// it: GET /user for a user's token; for an app's installation token
// (GITHUB_TOKEN), which GET /user refuses, the GraphQL viewer, e.g.
// "github-actions[bot]".
func (c *Client) Identity(ctx context.Context) (string, error) {
	var u User
	_, err := c.do(ctx, http.MethodGet, "/user", nil, &u)
	if err == nil && u.Login != "" {
		return u.Login, nil
	}
	if err != nil && !IsForbidden(err) && !isStatus(err, http.StatusUnauthorized) {
		return "", err
	}
	var out struct {
		Data struct {
			Viewer User `json:"viewer"`
		} `json:"data"`
	}
	if _, err := c.do(ctx, http.MethodPost, c.graphQLPath(), map[string]string{"query": "query { viewer { login } }"}, &out); err != nil {
		return "", errors.Join(ErrNoIdentity, err)
	}
	if out.Data.Viewer.Login == "" {
		return "", ErrNoIdentity
	}
	return out.Data.Viewer.Login, nil
}

// graphQLPath is the GraphQL endpoint beside the REST root: /graphql on
// api.github.com, /api/graphql on GitHub Enterprise Server (whose REST root
// ends in /api/v3).
func (c *Client) graphQLPath() string {
	if base, ok := strings.CutSuffix(c.BaseURL, "/api/v3"); ok {
		return base + "/api/graphql"
	}
	return "/graphql"
}

// ownComment returns the first of the marked comments written by login,
// nil when none is: a comment someone else wrote with the marker, to pass
// for the verdict, is never edited.
func ownComment(marked []Comment, login string) *Comment {
	for i := range marked {
		if marked[i].User != nil && strings.EqualFold(marked[i].User.Login, login) {
			return &marked[i]
		}
	}
	return nil
}
