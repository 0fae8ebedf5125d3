package api

import (
	"errors"
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
)

// boardGroup is the group of a board request with the groups whose labels
// its lists show (it and its readable ancestors); admin asks for
// admin_issue_board.
func (a *API) boardGroup(r *request, admin bool) (ferry.Namespace, []int64, error) {
	g, labels, level, err := a.boardGroupLevel(r)
	if err == nil && admin && !canAdminGroupContent(level) {
		err = forbidden("")
	}
	return g, labels, err
}

func (a *API) boardGroupLevel(r *request) (ferry.Namespace, []int64, ferry.AccessLevel, error) {
	g, level, err := a.contentGroup(r)
	if err != nil {
		return g, nil, level, err
	}
	labels, err := a.withAncestors(r, g)
	return g, labels, level, err
}

func boardError(err error) error {
	if e, ok := content.AsInvalid(err); ok {
		return invalid(e)
	}
	switch {
	case errors.Is(err, content.ErrBoardLimit):
		return forbidden("")
	case errors.Is(err, content.ErrNoLabel):
		return &httpError{Status: http.StatusBadRequest, Body: message{errorBody{"Label not found!"}}}
	case errors.Is(err, content.ErrNoMove):
		return &httpError{Status: http.StatusBadRequest, Body: message{errorBody{"List could not be moved!"}}}
	case errors.Is(err, content.ErrNoList):
		return recordNotFound
	}
	return orRecordNotFound(err)
}

// listGroupBoards is GET /groups/:id/boards.
func (a *API) listGroupBoards(w http.ResponseWriter, r *request) error {
	g, labels, err := a.boardGroup(r, false)
	if err != nil {
		return err
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	boards, total, err := a.content.GroupBoards(r.ctx(), g, labels, pg.store())
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, boards)
	return nil
}

// getGroupBoard is GET /groups/:id/boards/:board_id.
func (a *API) getGroupBoard(w http.ResponseWriter, r *request) error {
	g, labels, err := a.boardGroup(r, false)
	if err != nil {
		return err
	}
	id, err := idParam(r, "board_id")
	if err != nil {
		return err
	}
	b, err := a.content.GroupBoard(r.ctx(), g, labels, id)
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// createGroupBoard is POST /groups/:id/boards: name. GitLab's free tier
// makes a group's first board only (Boards::CreateService); a second is
// 403 Forbidden, as create_board answers without multiple boards.
func (a *API) createGroupBoard(w http.ResponseWriter, r *request) error {
	if err := r.params.require("name"); err != nil {
		return err
	}
	g, _, err := a.boardGroup(r, true)
	if err != nil {
		return err
	}
	b, err := a.content.CreateGroupBoard(r.ctx(), g, content.BoardInput{Name: optStr(r, "name")})
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

// updateGroupBoard is PUT /groups/:id/boards/:board_id: name,
// hide_backlog_list, hide_closed_list.
func (a *API) updateGroupBoard(w http.ResponseWriter, r *request) error {
	id, err := idParam(r, "board_id")
	if err != nil {
		return err
	}
	in := content.BoardInput{Name: optStr(r, "name")}
	if in.HideBacklogList, err = optBool(r, "hide_backlog_list"); err != nil {
		return err
	}
	if in.HideClosedList, err = optBool(r, "hide_closed_list"); err != nil {
		return err
	}
	g, labels, err := a.boardGroup(r, true)
	if err != nil {
		return err
	}
	b, err := a.content.UpdateGroupBoard(r.ctx(), g, labels, id, in)
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// deleteGroupBoard is DELETE /groups/:id/boards/:board_id.
func (a *API) deleteGroupBoard(w http.ResponseWriter, r *request) error {
	id, err := idParam(r, "board_id")
	if err != nil {
		return err
	}
	g, _, err := a.boardGroup(r, true)
	if err != nil {
		return err
	}
	if err := a.content.DeleteGroupBoard(r.ctx(), g, id); err != nil {
		return boardError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listBoardLists is GET /groups/:id/boards/:board_id/lists.
func (a *API) listBoardLists(w http.ResponseWriter, r *request) error {
	id, err := idParam(r, "board_id")
	if err != nil {
		return err
	}
	g, labels, err := a.boardGroup(r, false)
	if err != nil {
		return err
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	lists, total, err := a.content.BoardLists(r.ctx(), g, labels, id, pg.store())
	if err != nil {
		return boardError(err)
	}
	a.writeList(w, r, pg, total, lists)
	return nil
}

// boardListIDs reads :board_id and :list_id.
func boardListIDs(r *request) (int64, int64, error) {
	id, err := idParam(r, "board_id")
	if err != nil {
		return 0, 0, err
	}
	listID, err := idParam(r, "list_id")
	return id, listID, err
}

// getBoardList is GET /groups/:id/boards/:board_id/lists/:list_id.
func (a *API) getBoardList(w http.ResponseWriter, r *request) error {
	id, listID, err := boardListIDs(r)
	if err != nil {
		return err
	}
	g, labels, err := a.boardGroup(r, false)
	if err != nil {
		return err
	}
	l, err := a.content.BoardList(r.ctx(), g, labels, id, listID)
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// createBoardList is POST /groups/:id/boards/:board_id/lists: label_id.
func (a *API) createBoardList(w http.ResponseWriter, r *request) error {
	id, err := idParam(r, "board_id")
	if err != nil {
		return err
	}
	if err := r.params.require("label_id"); err != nil {
		return err
	}
	labelID, err := idParam(r, "label_id")
	if err != nil {
		return err
	}
	g, labels, err := a.boardGroup(r, true)
	if err != nil {
		return err
	}
	l, err := a.content.CreateBoardList(r.ctx(), g, labels, id, labelID)
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

// moveBoardList is PUT /groups/:id/boards/:board_id/lists/:list_id:
// position. The list is found before the caller's right is checked, as
// GitLab does.
func (a *API) moveBoardList(w http.ResponseWriter, r *request) error {
	id, listID, err := boardListIDs(r)
	if err != nil {
		return err
	}
	if err := r.params.require("position"); err != nil {
		return err
	}
	position, err := idParam(r, "position")
	if err != nil {
		return err
	}
	g, labels, level, err := a.boardGroupLevel(r)
	if err != nil {
		return err
	}
	if _, err := a.content.BoardList(r.ctx(), g, labels, id, listID); err != nil {
		return boardError(err)
	}
	if !canAdminGroupContent(level) {
		return forbidden("")
	}
	l, err := a.content.MoveBoardList(r.ctx(), g, labels, id, listID, position)
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// deleteBoardList is DELETE /groups/:id/boards/:board_id/lists/:list_id.
func (a *API) deleteBoardList(w http.ResponseWriter, r *request) error {
	id, listID, err := boardListIDs(r)
	if err != nil {
		return err
	}
	g, labels, err := a.boardGroup(r, true)
	if err != nil {
		return err
	}
	if err := a.content.DeleteBoardList(r.ctx(), g, labels, id, listID); err != nil {
		return boardError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
