package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
)

type settingsEntity struct {
	ID int `json:"id"`
	ferry.Settings
}

// getSettings is GET /application/settings (administrators only).
func (a *API) getSettings(w http.ResponseWriter, r *request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	s, err := a.db.Settings(r.ctx())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsEntity{ID: 1, Settings: s})
	return nil
}

// updateSettings is PUT /application/settings (administrators only): every
// given field is checked and saved together, or none is. Unknown keys are
// ignored, as GitLab does.
func (a *API) updateSettings(w http.ResponseWriter, r *request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	s, err := a.db.Settings(r.ctx())
	if err != nil {
		return err
	}
	if err := applySettings(&s, r.params); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		var joined interface{ Unwrap() []error }
		if errors.As(err, &joined) { // GitLab's render_validation_error!
			return validationErrors(joined.Unwrap())
		}
		return err
	}
	if err := a.db.SaveSettings(r.ctx(), s); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsEntity{ID: 1, Settings: s})
	return nil
}

// applySettings sets each field of s whose JSON name is a parameter,
// parsing it by the field's type. Returns a *ferry.ParamError for a value
// of the wrong type.
func applySettings(s *ferry.Settings, p params) error {
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if !p.has(name) {
			continue
		}
		if err := setField(v.Field(i), name, p); err != nil {
			return err
		}
	}
	return nil
}

func setField(f reflect.Value, name string, p params) error {
	raw, _ := p.str(name)
	switch f.Kind() {
	case reflect.Bool:
		b, err := p.boolean(name, false)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case reflect.Int:
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		switch {
		case errors.Is(err, strconv.ErrRange): // an integer still, out of any setting's range
			return ferry.SettingRange(name, n)
		case err != nil:
			return &ferry.ParamError{Param: name}
		}
		f.SetInt(n)
	case reflect.String:
		f.SetString(raw)
	case reflect.Slice:
		list := p.list(name)
		if len(list) == 1 && strings.HasPrefix(list[0], "[") {
			if err := json.Unmarshal([]byte(list[0]), &list); err != nil {
				return &ferry.ParamError{Param: name}
			}
		}
		if list == nil {
			list = []string{}
		}
		f.Set(reflect.ValueOf(list))
	}
	return nil
}
