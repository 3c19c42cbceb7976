package action

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// Label is a repository label.
type Label struct {
	Name        string `json:"name"`
	Color       string `json:"color"`
	Description string `json:"description"`
}

// IssueLabeler reads and changes the labels of one pull request.
type IssueLabeler interface {
	// IssueLabels returns the names of the pull request's labels.
	IssueLabels(ctx context.Context, number int) ([]string, error)
	// AddLabel adds a label to the pull request, keeping the others.
	AddLabel(ctx context.Context, number int, name string) error
	// RemoveLabel removes a label; one the pull request lacks is no error.
	RemoveLabel(ctx context.Context, number int, name string) error
}

// LabelCreator makes sure the repository has a label.
type LabelCreator interface {
	// HasLabel reports whether the repository has the label.
	HasLabel(ctx context.Context, name string) (bool, error)
	// CreateLabel creates it; one that already exists is no error.
	CreateLabel(ctx context.Context, l Label) error
}

// managedLabels are the labels the action sets, with the colour and
// description it creates them with.
func managedLabels() []Label {
	return []Label{
		{Name: LabelBreaking, Color: "d73a4a", Description: "A schema change breaks compatibility: it needs a major version"},
		{Name: LabelCompatible, Color: "0e8a16", Description: "Every schema change is compatible with the previous version"},
	}
}

// syncLabels gives the pull request the label want ("" for none) and takes
// the other managed label off; current are its labels now. It leaves every
// other label alone and stops at the first error.
func syncLabels(ctx context.Context, gh GitHub, number int, want string, current []string) error {
	has := map[string]bool{}
	for _, l := range current {
		has[l] = true
	}
	for _, l := range managedLabels() {
		if l.Name != want || has[l.Name] {
			continue
		}
		ok, err := gh.HasLabel(ctx, l.Name)
		if err != nil {
			return err
		}
		if !ok {
			if err := gh.CreateLabel(ctx, l); err != nil {
				return err
			}
		}
		if err := gh.AddLabel(ctx, number, l.Name); err != nil {
			return err
		}
	}
	for _, l := range managedLabels() {
		if l.Name == want || !has[l.Name] {
			continue
		}
		if err := gh.RemoveLabel(ctx, number, l.Name); err != nil {
			return err
		}
	}
	return nil
}

// IssueLabels implements IssueLabeler with GET /repos/{repo}/issues/{n}/labels.
func (c *Client) IssueLabels(ctx context.Context, number int) ([]string, error) {
	var names []string
	next := c.repoPath("issues", strconv.Itoa(number), "labels") + "?per_page=100"
	for next != "" {
		var page []Label
		var err error
		if next, err = c.do(ctx, http.MethodGet, next, nil, &page); err != nil {
			return nil, err
		}
		for _, l := range page {
			names = append(names, l.Name)
		}
	}
	return names, nil
}

// AddLabel implements IssueLabeler with POST /repos/{repo}/issues/{n}/labels.
func (c *Client) AddLabel(ctx context.Context, number int, name string) error {
	in := map[string][]string{"labels": {name}}
	_, err := c.do(ctx, http.MethodPost, c.repoPath("issues", strconv.Itoa(number), "labels"), in, nil)
	return err
}

// RemoveLabel implements IssueLabeler with DELETE
// /repos/{repo}/issues/{n}/labels/{name}; a 404 is no error.
func (c *Client) RemoveLabel(ctx context.Context, number int, name string) error {
	_, err := c.do(ctx, http.MethodDelete, c.repoPath("issues", strconv.Itoa(number), "labels", name), nil, nil)
	if isStatus(err, http.StatusNotFound) {
		return nil
	}
	return err
}

// HasLabel implements LabelCreator with GET /repos/{repo}/labels/{name}.
func (c *Client) HasLabel(ctx context.Context, name string) (bool, error) {
	_, err := c.do(ctx, http.MethodGet, c.repoPath("labels", name), nil, nil)
	switch {
	case err == nil:
		return true, nil
	case isStatus(err, http.StatusNotFound):
		return false, nil
	}
	return false, err
}

// CreateLabel implements LabelCreator with POST /repos/{repo}/labels; a 422
// (the label exists, made by a concurrent run) is no error.
func (c *Client) CreateLabel(ctx context.Context, l Label) error {
	_, err := c.do(ctx, http.MethodPost, c.repoPath("labels"), l, nil)
	if isStatus(err, http.StatusUnprocessableEntity) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create label %q: %w", l.Name, err)
	}
	return nil
}
