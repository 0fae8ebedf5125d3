package api

import (
	"errors"
	"strings"

	"github.com/ferryhq/ferry"
)

// featureTargets resolves the target parameters (feature_group, and
// comma-separated usernames and full paths) into the actors and groups a
// gate is set for. Returns 400 "<name> is not found!" for one that does
// not exist.
func (a *API) featureTargets(r *request) ([]ferry.FeatureTarget, error) {
	var targets []ferry.FeatureTarget
	for _, param := range targetParams {
		v, _ := r.params.str(param)
		if v == "" {
			continue
		}
		if param == "feature_group" {
			targets = append(targets, ferry.FeatureTarget{ID: v, Group: true, Ref: v})
			continue
		}
		for _, ref := range strings.Split(v, ",") {
			t, err := a.featureTarget(r, param, ref)
			if errors.Is(err, ferry.ErrNotFound) {
				return nil, badRequest(ref + " is not found!")
			}
			if err != nil {
				return nil, err
			}
			targets = append(targets, t)
		}
	}
	return targets, nil
}

// featureTarget finds one user (by username), project, group, namespace
// or project repository (by full path) and names it as Flipper does.
// Returns ferry.ErrNotFound when there is none.
func (a *API) featureTarget(r *request, param, ref string) (ferry.FeatureTarget, error) {
	ctx := r.ctx()
	switch param {
	case "user":
		u, err := a.db.UserByUsername(ctx, ref)
		return ferry.FeatureTarget{ID: ferry.ActorID("User", u.ID), Ref: "@" + u.Username}, err
	case "project", "repository":
		p, err := a.db.ProjectByFullPath(ctx, strings.TrimSuffix(ref, ".git"))
		if param == "repository" {
			return ferry.FeatureTarget{ID: "Repository:" + p.Namespace.FullPath + "/" + p.Path, Ref: ref}, err
		}
		return ferry.FeatureTarget{ID: ferry.ActorID("Project", p.ID), Ref: p.Namespace.FullPath + "/" + p.Path}, err
	}
	n, err := a.db.NamespaceByFullPath(ctx, ref)
	switch {
	case err != nil:
		return ferry.FeatureTarget{}, err
	case n.IsGroup():
		return ferry.FeatureTarget{ID: ferry.ActorID("Group", n.ID), Ref: n.FullPath}, nil
	case param == "namespace":
		return ferry.FeatureTarget{ID: ferry.ActorID("Namespaces::UserNamespace", n.ID), Ref: n.FullPath}, nil
	}
	return ferry.FeatureTarget{}, ferry.ErrNotFound
}
