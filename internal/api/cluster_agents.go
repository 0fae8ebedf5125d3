package api

import (
	"net/http"

	"github.com/ferryhq/ferry/internal/auth"
)

// listClusterAgents is GET /projects/:id/cluster_agents
// (lib/api/clusters/agents.rb), which a project's _links name. An archive
// holds no cluster agents, so the list is empty, paginated; 404
// ClusterAgents Not Found to a caller below Developer (read_cluster).
func (a *API) listClusterAgents(w http.ResponseWriter, r *request) error {
	_, level, err := a.findProject(r)
	if err != nil {
		return err
	}
	if !auth.CanReadClusters(level) {
		return notFound("ClusterAgents")
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, 0, []struct{}{})
	return nil
}
