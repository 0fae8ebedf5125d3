package api

import (
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// groupFilter reads GitLab's group list parameters (all_available, owned,
// min_access_level, top_level_only, skip_groups, visibility, search,
// order_by, sort, statistics and the page) for the caller. all_available
// is true by default for administrators only, as in GitLab's API.
// Returns a *ferry.ParamError for a value Grape refuses.
func groupFilter(r *request) (store.GroupFilter, pager, error) {
	var f store.GroupFilter
	pg, err := readPager(r.params)
	if err != nil {
		return f, pg, err
	}
	if r.user != nil {
		f.Viewer, f.Admin = r.user.ID, r.user.IsAdmin
	}
	for _, b := range []struct {
		key string
		dst *bool
	}{{"statistics", new(bool)}, {"all_available", &f.AllAvailable}, {"owned", &f.Owned}, {"top_level_only", &f.TopLevelOnly}} {
		if *b.dst, err = r.params.boolean(b.key, b.key == "all_available" && f.Admin); err != nil {
			return f, pg, err
		}
	}
	if s, ok := r.params.str("min_access_level"); ok {
		if f.MinAccessLevel, err = ferry.ParseAccessLevel(s); err != nil {
			return f, pg, &ferry.ParamError{Param: "min_access_level", Reason: "does not have a valid value"}
		}
	}
	if f.SkipIDs, err = idList(r.params, "skip_groups"); err != nil {
		return f, pg, err
	}
	if f.Visibility, err = r.params.oneOf("visibility", "", ferry.Private, ferry.Internal, ferry.Public); err != nil {
		return f, pg, err
	}
	f.Search, _ = r.params.str("search")
	if f.OrderBy, err = r.params.oneOf("order_by", "name", "name", "path", "id", "similarity"); err != nil {
		return f, pg, err
	}
	f.Sort, err = r.params.oneOf("sort", "asc", "asc", "desc")
	return f, pg, err
}

// idList reads an array of ids given as repeated values or separated by
// commas. Returns a *ferry.ParamError for one that is not a number.
func idList(p params, key string) ([]int64, error) {
	var ids []int64
	for _, v := range p.list(key) {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, &ferry.ParamError{Param: key}
			}
			ids = append(ids, id)
		}
	}
	return ids, nil
}
