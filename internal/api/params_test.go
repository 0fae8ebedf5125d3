package api

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhq/ferry"
)

func TestParams_Forms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ctype, body, query string
		want                     map[string][]string
	}{
		{"NestedJSON", "application/json", `{"description":"d","upload":{"url":"http://x","http_method":"PUT"}}`, "",
			map[string][]string{"description": {"d"}, "upload[url]": {"http://x"}, "upload[http_method]": {"PUT"}}},
		{"FlatJSONKeys", "application/json", `{"override_params[visibility]":"private","overwrite":"False"}`, "",
			map[string][]string{"override_params[visibility]": {"private"}, "overwrite": {"False"}}},
		{"JSONScalars", "application/json", `{"n":42,"b":true,"list":["a","b"]}`, "",
			map[string][]string{"n": {"42"}, "b": {"true"}, "list": {"a", "b"}}},
		{"NullBody", "application/json", `null`, "a=1", map[string][]string{"a": {"1"}}},
		{"EmptyBody", "application/json", ``, "", map[string][]string{}},
		{"FormArray", "application/x-www-form-urlencoded", "scopes[]=api&scopes[]=read_api&upload[url]=u", "",
			map[string][]string{"scopes": {"api", "read_api"}, "upload[url]": {"u"}}},
		{"BodyWinsOverQuery", "application/x-www-form-urlencoded", "a=body", "a=query&b=q",
			map[string][]string{"a": {"body"}, "b": {"q"}}},
		{"charsetJSON", "application/json; charset=utf-8", `{"a":"1"}`, "", map[string][]string{"a": {"1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/x?"+tt.query, strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.ctype)
			p, err := parseParams(r, DefaultMaxBody)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, p.values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParams_Boolean(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in      string
		want    bool
		wantErr bool
	}{
		{"true", true, false}, {"True", true, false}, {"TRUE", true, false}, {"1", true, false}, {"yes", true, false},
		{"false", false, false}, {"False", false, false}, {"0", false, false}, {"No", false, false},
		{"maybe", false, true}, {"", false, true}, {"2", false, true},
	} {
		p := params{values: map[string][]string{"x": {tt.in}}}
		got, err := p.boolean("x", !tt.want)
		if (err != nil) != tt.wantErr || !tt.wantErr && got != tt.want {
			t.Errorf("boolean(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		var pe *ferry.ParamError
		if tt.wantErr && (!errors.As(err, &pe) || pe.Error() != "x is invalid") {
			t.Errorf("boolean(%q) error %v, want x is invalid", tt.in, err)
		}
	}
	absent := params{values: map[string][]string{}}
	if got, _ := absent.boolean("x", true); !got {
		t.Error("absent boolean does not take the default")
	}
}

func TestParams_HashAndRequire(t *testing.T) {
	t.Parallel()
	p := params{values: map[string][]string{"override_params[visibility]": {"private"},
		"override_params[description]": {"d"}, "override": {"x"}, "path": {""}}, null: map[string]bool{"name": true}}
	if diff := cmp.Diff(map[string]string{"visibility": "private", "description": "d"}, p.hash("override_params")); diff != "" {
		t.Errorf("hash (-want +got):\n%s", diff)
	}
	err := p.require("path", "name", "file", "namespace")
	if err == nil || err.Error() != "file is missing, namespace is missing" {
		t.Errorf("require = %v", err)
	}
}

func TestParams_Malformed(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ ctype, body string }{
		{"application/json", `{"a":`},
		{"application/json", `"just a string"`},
		{"multipart/form-data; boundary=x", "not multipart"},
	} {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(tt.body))
		r.Header.Set("Content-Type", tt.ctype)
		if _, err := parseParams(r, DefaultMaxBody); !errors.Is(err, ferry.ErrInvalid) {
			t.Errorf("%s %q: err %v, want ErrInvalid", tt.ctype, tt.body, err)
		}
	}
	r := httptest.NewRequest("POST", "/x", strings.NewReader(`{"a":"`+strings.Repeat("x", DefaultMaxBody)+`"}`))
	r.Header.Set("Content-Type", "application/json")
	if _, err := parseParams(r, DefaultMaxBody); !errors.Is(err, ferry.ErrTooLarge) {
		t.Errorf("oversize JSON: err %v, want ErrTooLarge", err)
	}
}
