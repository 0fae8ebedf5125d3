package importer

// referenceSite is where a record nests a label or a milestone: the
// attribute key holds either a label or milestone record (kind set) or
// records of its own (an object or an array) with further sites.
type referenceSite struct {
	key   string
	kind  string
	sites []referenceSite
}

var (
	labelSites     = []referenceSite{{key: "label", kind: labelRef}}
	milestoneSites = []referenceSite{{key: "milestone", kind: milestoneRef}}
	issuableSites  = []referenceSite{
		{key: "label_links", sites: labelSites},
		{key: "milestone", kind: milestoneRef},
		{key: "resource_label_events", sites: labelSites},
		{key: "resource_milestone_events", sites: milestoneSites},
	}
)

// referenceSites lists, per relation, where its records nest labels and
// milestones, in the order of GitLab's relation tree (import_export.yml,
// the CE tree with the EE one merged in, as GitLab EE reads it): GitLab
// builds a record's sub-relations in that order, and so hands out new
// milestone iids in it. Boards' milestones are EE's.
var referenceSites = map[string][]referenceSite{
	"issues":         issuableSites,
	"merge_requests": issuableSites,
	"releases":       {{key: "milestone_releases", sites: milestoneSites}},
	"boards": {
		{key: "lists", sites: []referenceSite{{key: "label", kind: labelRef}, {key: "milestone", kind: milestoneRef}}},
		{key: "milestone", kind: milestoneRef},
	},
}

// eachReference calls fn with every label and milestone record that a
// record of relation nests, in GitLab's order, stopping at fn's first
// error. A top-level labels or milestones record is itself one.
func eachReference(relation string, rec map[string]any, fn func(kind string, ref map[string]any) error) error {
	switch relation {
	case labelRef, milestoneRef:
		return fn(relation, rec)
	}
	return walkSites(referenceSites[relation], rec, fn)
}

func walkSites(sites []referenceSite, rec map[string]any, fn func(kind string, ref map[string]any) error) error {
	for _, s := range sites {
		if err := walkSite(s, rec[s.key], fn); err != nil {
			return err
		}
	}
	return nil
}

func walkSite(s referenceSite, v any, fn func(kind string, ref map[string]any) error) error {
	switch t := v.(type) {
	case map[string]any:
		if s.kind != "" {
			return fn(s.kind, t)
		}
		return walkSites(s.sites, t, fn)
	case []any:
		for _, elem := range t {
			if err := walkSite(s, elem, fn); err != nil {
				return err
			}
		}
	}
	return nil
}
