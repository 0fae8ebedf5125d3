package remote

import (
	"context"
	"net/http"
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
		h, err := c.callHeader(ctx, http.MethodGet, "/groups/"+ProjectID(group)+
			"/projects?include_subgroups=true&order_by=id&sort=asc&per_page=100&page="+page, &list)
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
