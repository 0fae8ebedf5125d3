package api

import "github.com/ferryhq/ferry"

// featureEntity is GitLab's Entities::Feature.
type featureEntity struct {
	Name       string                   `json:"name"`
	State      string                   `json:"state"`
	Gates      []gateEntity             `json:"gates"`
	Definition *featureDefinitionEntity `json:"definition"`
}

// gateEntity is GitLab's Entities::FeatureGate.
type gateEntity struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

// featureDefinitionEntity is GitLab's Entities::Feature::Definition.
type featureDefinitionEntity struct {
	Name            string  `json:"name"`
	FeatureIssueURL *string `json:"feature_issue_url"`
	IntroducedByURL string  `json:"introduced_by_url"`
	RolloutIssueURL string  `json:"rollout_issue_url"`
	Milestone       string  `json:"milestone"`
	LogStateChanges *bool   `json:"log_state_changes"`
	Type            string  `json:"type"`
	Group           string  `json:"group"`
	DefaultEnabled  bool    `json:"default_enabled"`
}

// newFeatureEntity shows f's gates in Flipper's order (boolean,
// expression, actors, percentage_of_actors, percentage_of_time, groups),
// leaving out the empty ones as GitLab does; the boolean gate and the
// (unused) expression gate are always shown.
func newFeatureEntity(f ferry.Feature) featureEntity {
	gates := []gateEntity{{"boolean", f.Boolean}, {"expression", nil}}
	if len(f.Actors) > 0 {
		gates = append(gates, gateEntity{"actors", f.Actors})
	}
	if f.PercentageOfActors > 0 {
		gates = append(gates, gateEntity{"percentage_of_actors", f.PercentageOfActors})
	}
	if f.PercentageOfTime > 0 {
		gates = append(gates, gateEntity{"percentage_of_time", f.PercentageOfTime})
	}
	if len(f.Groups) > 0 {
		gates = append(gates, gateEntity{"groups", f.Groups})
	}
	return featureEntity{Name: f.Name, State: f.State(), Gates: gates, Definition: definitionEntity(f.Name)}
}

// definitionEntity is the definition of flag name, nil for a flag Ferry
// does not know.
func definitionEntity(name string) *featureDefinitionEntity {
	d, ok := ferry.FeatureDefinitions[name]
	if !ok {
		return nil
	}
	return &featureDefinitionEntity{Name: d.Name, IntroducedByURL: d.IntroducedByURL, RolloutIssueURL: d.RolloutIssueURL,
		Milestone: d.Milestone, Type: d.Type, Group: d.Group, DefaultEnabled: d.DefaultEnabled}
}
