package remote

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// GroupProjects lists the full paths of the projects of group (a full
// path or an id) and of its subgroups, oldest first: GET
// /groups/:id/projects?include_subgroups=true, page after page.
func (c *Client) GroupProjects(ctx context.Context, group string) ([]string, error) {
	var paths []string
	for page := "1"; page != ""; {
		var list []struct {
			PathWithNamespace string `json:"path_with_namespace"`
		}
		h, err := c.request(ctx, http.MethodGet, "/groups/"+ProjectID(group)+
			"/projects?include_subgroups=true&order_by=id&sort=asc&per_page=100&page="+page, nil, &list)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			paths = append(paths, p.PathWithNamespace)
		}
		page = h.Get("X-Next-Page")
	}
	return paths, nil
}

// EnsureGroup makes sure the namespace at full path exists, creating the
// missing groups of the path (POST /groups, each in its parent) when
// it does not. It returns the groups it created. A user's namespace is
// found, never created.
func (c *Client) EnsureGroup(ctx context.Context, fullPath string) ([]string, error) {
	var created []string
	parent := int64(0)
	parts := strings.Split(strings.Trim(fullPath, "/"), "/")
	for i := range parts {
		prefix := strings.Join(parts[:i+1], "/")
		var ns struct {
			ID int64 `json:"id"`
		}
		err := c.call(ctx, http.MethodGet, "/namespaces/"+ProjectID(prefix), &ns)
		if errors.Is(err, ErrNotFound) {
			form := url.Values{"name": {parts[i]}, "path": {parts[i]}}
			if parent != 0 {
				form.Set("parent_id", strconv.FormatInt(parent, 10))
			}
			_, err = c.request(ctx, http.MethodPost, "/groups", form, &ns)
			if err == nil {
				created = append(created, prefix)
			}
		}
		if err != nil {
			return created, fmt.Errorf("namespace %s: %w", prefix, err)
		}
		parent = ns.ID
	}
	return created, nil
}
