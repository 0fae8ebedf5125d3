package api

import (
	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

// listAwardEmoji is GET .../:iid/award_emoji (lib/api/award_emoji.rb):
// the award emoji of an issue or merge request as imported.
func (a *API) listAwardEmoji(rt issuableRoute) handler {
	return a.listThread(rt, func(r *request, p ferry.Project, v content.Viewer, iid int64, pg store.Page) (any, int, error) {
		return anyPage(a.content.AwardEmojis(r.ctx(), v, p, rt.params.kind, iid, pg))
	})
}

// getAwardEmoji is GET .../:iid/award_emoji/:award_id: 404 Not found for
// an award the issuable has not (ActiveRecord's), as GitLab.
func (a *API) getAwardEmoji(rt issuableRoute) handler {
	return a.showByID(rt, "award_id", func(r *request, p ferry.Project, v content.Viewer, iid, id int64) (any, error) {
		return a.content.AwardEmoji(r.ctx(), v, p, rt.params.kind, iid, id)
	})
}
