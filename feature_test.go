package ferry

import (
	"reflect"
	"testing"
)

func TestFeature_Set(t *testing.T) {
	t.Parallel()
	ann := FeatureTarget{ID: "User:2", Ref: "@ann"}
	team := FeatureTarget{ID: "perf_team", Group: true, Ref: "perf_team"}
	on := Feature{Name: "f", Boolean: true}
	for _, tt := range []struct {
		name       string
		from       Feature
		value, key string
		targets    []FeatureTarget
		want       Feature
		wantState  string
		wantErr    string
	}{
		{"EnableClearsGates", Feature{Name: "f", Actors: []string{"User:9"}, PercentageOfTime: 5}, "true", "", nil, on, "on", ""},
		{"Enable100", Feature{Name: "f"}, "100", "", nil, on, "on", ""},
		{"DisableClearsGates", Feature{Name: "f", Boolean: true, Groups: []string{"g"}}, "false", "", nil, Feature{Name: "f"}, "off", ""},
		{"Disable0", on, "0.0", "", nil, Feature{Name: "f"}, "off", ""},
		{"PercentageOfTime", Feature{Name: "f"}, "30", "", nil, Feature{Name: "f", PercentageOfTime: 30}, "conditional", ""},
		{"PercentageOfTimeFraction", Feature{Name: "f"}, "0.5", "percentage_of_time", nil, Feature{Name: "f", PercentageOfTime: 0.5}, "conditional", ""},
		{"PercentageOfActors", Feature{Name: "f"}, "25", "percentage_of_actors", nil, Feature{Name: "f", PercentageOfActors: 25}, "conditional", ""},
		{"PercentageOnAnEnabledFlag", on, "30", "", nil, on, "on", "Cannot enable percentage of time for a fully-enabled flag"},
		{"PercentageOver100", Feature{Name: "f"}, "150", "", nil, Feature{Name: "f"}, "off", "value must be a positive number less than or equal to 100, but was 150"},
		{"NotAPercentage", Feature{Name: "f"}, "lots", "percentage_of_actors", nil, Feature{Name: "f"}, "off", "Not a percentage"},
		{"UnknownValue", Feature{Name: "f"}, "maybe", "", nil, Feature{Name: "f"}, "off", `Cannot set 'f' to "maybe"`},
		{"UnknownKey", Feature{Name: "f"}, "50", "sometimes", nil, Feature{Name: "f"}, "off", `Cannot set 'f' ("sometimes") to "50"`},
		{"EnableForUserAndGroup", Feature{Name: "f"}, "true", "", []FeatureTarget{ann, team},
			Feature{Name: "f", Actors: []string{"User:2"}, Groups: []string{"perf_team"}}, "conditional", ""},
		{"DisableForUser", Feature{Name: "f", Actors: []string{"User:2", "User:3"}}, "false", "", []FeatureTarget{ann},
			Feature{Name: "f", Actors: []string{"User:3"}}, "conditional", ""},
		{"OptOut", on, "opt_out", "", []FeatureTarget{ann}, Feature{Name: "f", Boolean: true, Actors: []string{"User:2:opt_out"}}, "on", ""},
		{"EnableOptedOut", Feature{Name: "f", Actors: []string{"User:2:opt_out"}}, "true", "", []FeatureTarget{ann},
			Feature{Name: "f", Actors: []string{"User:2:opt_out"}}, "conditional", "Opt-out exists for @ann - remove opt-out before enabling"},
		{"RemoveMissingOptOut", Feature{Name: "f"}, "remove_opt_out", "", []FeatureTarget{ann}, Feature{Name: "f"}, "off", "No opt-out exists for @ann"},
		{"UnknownValueForTarget", Feature{Name: "f"}, "50", "", []FeatureTarget{ann}, Feature{Name: "f"}, "off", `Cannot set 'f' to "50" for @ann`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.from
			err := f.Set(tt.value, tt.key, tt.targets)
			if got := errText(err); got != tt.wantErr {
				t.Fatalf("error %q, want %q", got, tt.wantErr)
			}
			if err == nil && !reflect.DeepEqual(f, tt.want) {
				t.Errorf("got %+v, want %+v", f, tt.want)
			}
			if got := f.State(); err == nil && got != tt.wantState {
				t.Errorf("state %s, want %s", got, tt.wantState)
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestFeature_EnabledFor(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		f     Feature
		actor string
		roll  float64
		want  bool
	}{
		{"Off", Feature{Name: "f"}, "User:1", 0, false},
		{"On", Feature{Name: "f", Boolean: true}, "", 0.99, true},
		{"OptedOut", Feature{Name: "f", Boolean: true, Actors: []string{"User:1:opt_out"}}, "User:1", 0, false},
		{"Actor", Feature{Name: "f", Actors: []string{"User:1"}}, "User:1", 0.99, true},
		{"OtherActor", Feature{Name: "f", Actors: []string{"User:1"}}, "User:2", 0.99, false},
		{"NoActorForActorGates", Feature{Name: "f", Actors: []string{"User:1"}, PercentageOfActors: 100}, "", 0.99, false},
		{"AllActors", Feature{Name: "f", PercentageOfActors: 100}, "User:7", 0.99, true},
		{"TimeHit", Feature{Name: "f", PercentageOfTime: 30}, "", 0.29, true},
		{"TimeMiss", Feature{Name: "f", PercentageOfTime: 30}, "", 0.3, false},
	} {
		if got := tt.f.EnabledFor(tt.actor, tt.roll); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
