package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets
var assetFiles embed.FS

// pages are the parsed templates: one set per page, each the layout
// (templates/layout.html) plus the page's file.
type pages struct{ byName map[string]*template.Template }

// funcs are the few formatting helpers templates may call.
var funcs = template.FuncMap{
	"date":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"shortSHA": func(sha string) string { return sha[:min(8, len(sha))] },
	"bytes":    humanBytes,
	"add":      func(a, b int) int { return a + b },
	"labels":   labelLinks,
	"when":     when,
	"progress": progressText,
}

// when shows a time the content service gives as text (RFC 3339, a
// string or *string) as "date" does; other text as it is.
func when(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case *string:
		if x == nil {
			return ""
		}
		s = *x
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// parsePages parses every page of templates/ within the layout.
func parsePages() (*pages, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, file)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// view is what every page's template sees.
type view struct {
	// User is the signed-in visitor (nil for anonymous); CSRF the token
	// of the page's forms.
	User *ferry.User
	CSRF string
	// Path is the page's path and query (sign-in comes back to it).
	Path string
	// Project is set on project pages: the layout shows its navigation.
	Project *projectNav
	Data    any
}

// render answers the page name with data, status 200.
func (s *Web) render(w http.ResponseWriter, r *request, name string, data any) error {
	return s.renderStatus(w, r, http.StatusOK, name, data)
}

// renderStatus answers the page name with data and status. The page is
// rendered to memory first, so a template error is a clean 500.
func (s *Web) renderStatus(w http.ResponseWriter, r *request, status int, name string, data any) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	v := view{User: r.user, CSRF: r.csrf, Path: r.URL.RequestURI(), Data: data}
	if r.project != nil {
		v.Project = s.projectNav(r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	setSecurityHeaders(h)
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// setSecurityHeaders forbids scripts from anywhere but Ferry itself,
// framing, and content-type sniffing.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; script-src 'self'; "+
		"style-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
}

// assetServer serves the embedded assets under /assets/.
func assetServer() http.Handler {
	sub, err := fs.Sub(assetFiles, "assets")
	if err != nil {
		panic(err) // the embedded folder exists: a build error
	}
	files := http.StripPrefix("/assets/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// progressText is a job's step as the import and export pages show it
// (assets/jobs.js writes the same): "restore issues (3/12) 1.2 MiB of 4.0 MiB".
func progressText(p *ferry.Progress) string {
	if p == nil {
		return ""
	}
	out := p.Step
	if p.Item != "" {
		out += " " + p.Item
	}
	if p.ItemCount > 0 {
		out += fmt.Sprintf(" (%d/%d)", p.ItemIndex, p.ItemCount)
	}
	if p.TotalBytes > 0 {
		out += " " + humanBytes(p.DoneBytes) + " of " + humanBytes(p.TotalBytes)
	} else if p.DoneBytes > 0 {
		out += " " + humanBytes(p.DoneBytes)
	}
	return out
}

// humanBytes writes n bytes as B, KiB or MiB.
func humanBytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1024*1024))
}
