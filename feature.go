package ferry

import (
	"fmt"
	"hash/crc32"
	"regexp"
	"slices"
	"strconv"
)

// Feature flags Ferry honours. Both gate remote imports; unlike GitLab
// (where they were off by default until the features became generally
// available), Ferry has them on until an administrator turns them off.
const (
	// FeatureRemoteImport gates POST /projects/remote-import.
	FeatureRemoteImport = "import_project_from_remote_file"
	// FeatureRemoteImportS3 gates POST /projects/remote-import-s3.
	FeatureRemoteImportS3 = "import_project_from_remote_file_s3"
)

// FeatureDefinition describes a flag Ferry knows, as GitLab's YAML
// definitions do (config/feature_flags/<type>/<name>.yml).
type FeatureDefinition struct {
	Name            string
	IntroducedByURL string
	RolloutIssueURL string
	Milestone       string
	Type            string
	Group           string
	DefaultEnabled  bool
}

// FeatureDefinitions are the flags Ferry knows, by name: GitLab's
// definitions of them, with Ferry's defaults.
var FeatureDefinitions = map[string]FeatureDefinition{
	FeatureRemoteImport: {Name: FeatureRemoteImport,
		IntroducedByURL: "https://gitlab.com/gitlab-org/gitlab/-/merge_requests/59033",
		RolloutIssueURL: "https://gitlab.com/gitlab-org/gitlab/-/issues/330039",
		Milestone:       "13.12", Type: "development", Group: "group::import", DefaultEnabled: true},
	FeatureRemoteImportS3: {Name: FeatureRemoteImportS3,
		IntroducedByURL: "https://gitlab.com/gitlab-org/gitlab/-/merge_requests/77259",
		RolloutIssueURL: "https://gitlab.com/gitlab-org/gitlab/-/issues/350571",
		Milestone:       "14.9", Type: "development", Group: "group::import", DefaultEnabled: true},
}

// Feature is a stored feature flag with its gates, as GitLab keeps them in
// Flipper: fully on (Boolean), on for actors (Flipper ids such as "User:2",
// opt-outs as "User:2:opt_out"), for named groups, or for a percentage of
// actors or of the time (0 to 100, 0 is off).
type Feature struct {
	Name               string
	Boolean            bool
	Actors             []string
	Groups             []string
	PercentageOfActors float64
	PercentageOfTime   float64
}

// State is Flipper's summary: "on" when fully enabled, "conditional" when
// some gate is open, "off" otherwise.
func (f Feature) State() string {
	switch {
	case f.Boolean || f.PercentageOfTime == 100:
		return "on"
	case len(f.Actors) > 0 || len(f.Groups) > 0 || f.PercentageOfActors > 0 || f.PercentageOfTime > 0:
		return "conditional"
	}
	return "off"
}

// EnabledFor reports whether f is on for actor (a Flipper id, "" for
// none), as Flipper decides: the first open gate wins, an opt-out of the
// actor wins over all. roll is a random number in [0, 1) for the
// percentage of time.
func (f Feature) EnabledFor(actor string, roll float64) bool {
	if actor != "" && slices.Contains(f.Actors, actor+":opt_out") {
		return false
	}
	switch {
	case f.Boolean:
		return true
	case actor != "" && slices.Contains(f.Actors, actor):
		return true
	case actor != "" && f.PercentageOfActors > 0 &&
		float64(crc32.ChecksumIEEE([]byte(f.Name+actor))%100_000) < f.PercentageOfActors*1000:
		return true
	}
	return roll < f.PercentageOfTime/100
}

// FeatureTarget is an actor or a Flipper group that a change applies to.
type FeatureTarget struct {
	// ID is the actor's Flipper id ("User:2", "Group:5", "Project:7"), or
	// the Flipper group's name.
	ID string
	// Group marks a Flipper group (the feature_group parameter).
	Group bool
	// Ref names the target in messages ("@ann", "team/app").
	Ref string
}

// FeatureError is a change to a feature flag that GitLab refuses, with its
// message.
type FeatureError struct{ Message string }

func (e *FeatureError) Error() string { return e.Message }

func (e *FeatureError) Unwrap() error { return ErrInvalid }

var percentage = regexp.MustCompile(`^\d+(\.\d+)?$`)

// Set changes f's gates for value ("true"/"100" enables, "false"/"0"
// disables, another number is a percentage of time, or of actors with key
// "percentage_of_actors", "opt_out"/"remove_opt_out" for targets), as
// GitLab's Admin::SetFeatureFlagService does. Returns a *FeatureError with
// GitLab's message when the change is refused.
func (f *Feature) Set(value, key string, targets []FeatureTarget) error {
	if len(targets) > 0 {
		for _, t := range targets {
			if err := f.setFor(value, t); err != nil {
				return err
			}
		}
		return nil
	}
	switch {
	case value == "100" || value == "100.0" || value == "true":
		*f = Feature{Name: f.Name, Boolean: true}
	case value == "0" || value == "0.0" || value == "false":
		*f = Feature{Name: f.Name}
	case key == "percentage_of_actors":
		return f.setPercentage(&f.PercentageOfActors, "actors", value)
	case key == "percentage_of_time" || key == "" && percentage.MatchString(value):
		return f.setPercentage(&f.PercentageOfTime, "time", value)
	case key != "":
		return &FeatureError{fmt.Sprintf("Cannot set '%s' (%q) to %q", f.Name, key, value)}
	default:
		return &FeatureError{fmt.Sprintf("Cannot set '%s' to %q", f.Name, value)}
	}
	return nil
}

func (f *Feature) setPercentage(gate *float64, of, value string) error {
	if !percentage.MatchString(value) {
		return &FeatureError{"Not a percentage"}
	}
	if f.State() == "on" {
		return &FeatureError{"Cannot enable percentage of " + of + " for a fully-enabled flag"}
	}
	p, _ := strconv.ParseFloat(value, 64)
	if p > 100 {
		return &FeatureError{"value must be a positive number less than or equal to 100, but was " +
			strconv.FormatFloat(p, 'f', -1, 64)}
	}
	*gate = p
	return nil
}

func (f *Feature) setFor(value string, t FeatureTarget) error {
	set := &f.Actors
	if t.Group {
		set = &f.Groups
	}
	optOut := t.ID + ":opt_out"
	switch {
	case value == "100" || value == "100.0" || value == "true":
		if !t.Group && slices.Contains(f.Actors, optOut) {
			return &FeatureError{"Opt-out exists for " + t.Ref + " - remove opt-out before enabling"}
		}
		*set = with(*set, t.ID)
	case value == "0" || value == "0.0" || value == "false":
		*set = without(*set, t.ID)
	case value == "opt_out":
		if !t.Group {
			f.Actors = with(f.Actors, optOut)
		}
	case value == "remove_opt_out":
		if t.Group || !slices.Contains(f.Actors, optOut) {
			return &FeatureError{"No opt-out exists for " + t.Ref}
		}
		f.Actors = without(f.Actors, optOut)
	default:
		return &FeatureError{fmt.Sprintf("Cannot set '%s' to %q for %s", f.Name, value, t.Ref)}
	}
	return nil
}

func with(set []string, v string) []string {
	if slices.Contains(set, v) {
		return set
	}
	return append(set, v)
}

func without(set []string, v string) []string {
	return slices.DeleteFunc(slices.Clone(set), func(s string) bool { return s == v })
}

// ActorID is the Flipper id of a user, group or project ("User:2"), the
// actor a gate is set for.
func ActorID(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }
