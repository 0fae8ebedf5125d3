package api

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
)

// listFeatures is GET /features (administrators): every stored flag.
func (a *API) listFeatures(w http.ResponseWriter, r *request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	features, err := a.db.Features(r.ctx())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mapSlice(features, newFeatureEntity))
	return nil
}

// listFeatureDefinitions is GET /features/definitions (administrators):
// the flags Ferry knows, by name.
func (a *API) listFeatureDefinitions(w http.ResponseWriter, r *request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	out := []*featureDefinitionEntity{}
	for _, d := range ferry.FeatureDefinitions {
		out = append(out, definitionEntity(d.Name))
	}
	slices.SortFunc(out, func(x, y *featureDefinitionEntity) int { return strings.Compare(x.Name, y.Name) })
	writeJSON(w, http.StatusOK, out)
	return nil
}

// targetParams are the parameters that name what a gate is set for, in
// the order GitLab applies them.
var targetParams = []string{"feature_group", "user", "project", "group", "namespace", "repository"}

// setFeature is POST /features/:name (administrators): sets a gate of any
// flag, known or not, as GitLab's SetFeatureFlagService, and answers 201
// with the stored flag. Empty target parameters count as absent (the Go
// client sends every one).
func (a *API) setFeature(w http.ResponseWriter, r *request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := r.params.require("value"); err != nil {
		return err
	}
	value, _ := r.params.str("value")
	key, _ := r.params.str("key")
	if err := exclusiveWithKey(r.params, key); err != nil {
		return err
	}
	targets, err := a.featureTargets(r)
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	f, err := a.db.Feature(r.ctx(), name)
	if err != nil && !errors.Is(err, ferry.ErrNotFound) {
		return err
	}
	var fe *ferry.FeatureError
	if err := f.Set(value, key, targets); errors.As(err, &fe) {
		return badRequest(fe.Message)
	} else if err != nil {
		return err
	}
	if err := a.db.SaveFeature(r.ctx(), f); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newFeatureEntity(f))
	return nil
}

// exclusiveWithKey is Grape's mutually_exclusive between key and each
// target parameter.
func exclusiveWithKey(p params, key string) error {
	if key == "" {
		return nil
	}
	var clashes []string
	for _, t := range targetParams {
		if v, _ := p.str(t); v != "" {
			clashes = append(clashes, "key, "+t+" are mutually exclusive")
		}
	}
	if clashes != nil {
		return &httpError{Status: http.StatusBadRequest, Body: errorBody{strings.Join(clashes, ", ")}}
	}
	return nil
}

// deleteFeature is DELETE /features/:name (administrators): 204 whether
// or not the flag was stored; a known flag is back to its default.
func (a *API) deleteFeature(w http.ResponseWriter, r *request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := a.db.DeleteFeature(r.ctx(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// featureEnabled reports whether flag name is on for u (nil: no actor): a
// flag never set has its definition's default.
func (a *API) featureEnabled(r *request, name string) (bool, error) {
	f, err := a.db.Feature(r.ctx(), name)
	if errors.Is(err, ferry.ErrNotFound) {
		return ferry.FeatureDefinitions[name].DefaultEnabled, nil
	}
	if err != nil {
		return false, err
	}
	actor := ""
	if r.user != nil {
		actor = ferry.ActorID("User", r.user.ID)
	}
	return f.EnabledFor(actor, rand.Float64()), nil
}

// requireFeature answers 404 {"message":"404 Not Found"} when flag name is
// off for the caller, as GitLab did while a feature was behind its flag.
func (a *API) requireFeature(r *request, name string) error {
	on, err := a.featureEnabled(r, name)
	if err == nil && !on {
		return notFound("")
	}
	return err
}
