package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

func TestStore_Features(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	if _, err := db.Feature(ctx, "a"); !errors.Is(err, ferry.ErrNotFound) {
		t.Fatalf("unset flag: %v, want ErrNotFound", err)
	}
	a := ferry.Feature{Name: "a", Actors: []string{"User:2", "User:1:opt_out"}, Groups: []string{"perf_team"},
		PercentageOfActors: 12.5, PercentageOfTime: 30}
	b := ferry.Feature{Name: "b", Boolean: true}
	for _, f := range []ferry.Feature{a, b, {Name: "a"}, a} { // saving again replaces the gates
		if err := db.SaveFeature(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := db.Feature(ctx, "a"); err != nil || !reflect.DeepEqual(got, a) {
		t.Errorf("a = %+v (%v), want %+v", got, err, a)
	}
	all, err := db.Features(ctx)
	if err != nil || !reflect.DeepEqual(all, []ferry.Feature{a, b}) {
		t.Errorf("all = %+v (%v)", all, err)
	}
	for range 2 {
		if err := db.DeleteFeature(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if all, _ := db.Features(ctx); len(all) != 1 || all[0].Name != "b" {
		t.Errorf("after delete: %+v", all)
	}
}
