// Package markdown renders the Markdown of imported content (READMEs,
// issue and merge request descriptions, notes, wiki pages, releases) to
// HTML that is safe to put in a page. Imported content is untrusted: the
// renderer drops raw HTML and the result is sanitised (no script, no event
// handlers, no javascript: or data: links). Links to a project's uploads
// (/uploads/<secret>/<file>, as GitLab writes them) point to that
// project's upload path, so images display.
package markdown

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options say where the rendered text lives.
type Options struct {
	// ProjectPath is the full path of the project the text belongs to
	// ("group/project"): /uploads/... links resolve under it. Empty
	// leaves them as written.
	ProjectPath string
}

// policy is the sanitiser: user-generated content rules (no script, no
// style, no event handlers, http(s) and mailto links only), with the
// classes goldmark's GFM output uses kept on code blocks.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.AllowAttrs("class").Matching(bluemonday.SpaceSeparatedTokens).OnElements("code", "pre")
	return p
}()

// projectKey holds Options.ProjectPath in a conversion's parser context,
// for uploadLinks.
var projectKey = parser.NewContextKey()

// md is the renderer, built once: GFM, heading ids and uploadLinks.
var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithAutoHeadingID(),
		parser.WithASTTransformers(util.Prioritized(uploadLinks{}, 100))),
)

// Render returns src rendered as sanitised HTML.
func Render(src string, opts Options) (template.HTML, error) {
	pc := parser.NewContext()
	pc.Set(projectKey, opts.ProjectPath)
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf, parser.WithContext(pc)); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())), nil //nolint:gosec // sanitised just above
}

// uploadLinks points /uploads/... links and images at the upload path
// (/<project>/uploads/...) of the project in the parser context.
type uploadLinks struct{}

func (uploadLinks) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	project, _ := pc.Get(projectKey).(string)
	if project == "" {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			n.Destination = rewrite(project, n.Destination)
		case *ast.Image:
			n.Destination = rewrite(project, n.Destination)
		}
		return ast.WalkContinue, nil
	})
}

func rewrite(project string, dest []byte) []byte {
	if s := string(dest); strings.HasPrefix(s, "/uploads/") {
		return []byte("/" + project + s)
	}
	return dest
}
