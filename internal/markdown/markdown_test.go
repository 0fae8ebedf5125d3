package markdown_test

import (
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/markdown"
)

// TestRender_Sanitises renders hostile Markdown and checks that nothing
// in it stays active, while ordinary Markdown still renders.
func TestRender_Sanitises(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src string
		want      []string // substrings of the output
		never     []string // substrings that must not appear
	}{
		{"script element", "hi <script>alert(1)</script>", []string{"hi"}, []string{"<script", "alert(1)</script"}},
		{"script block", "<script>\nalert(1)\n</script>", nil, []string{"<script"}},
		{"image onerror", `<img src=x onerror="alert(1)">`, nil, []string{"onerror", "<img"}},
		{"markdown image with event", `![a](x.png "t" onerror=alert(1))`, nil, []string{"<img", `onerror="`}},
		{"javascript link", "[click](javascript:alert(1))", []string{"click"}, []string{"javascript:"}},
		{"javascript autolink", "<javascript:alert(1)>", nil, []string{`href="javascript:`}},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD4=)", []string{"x"}, []string{"data:text"}},
		{"raw html", `<div style="position:fixed">x</div><iframe src="https://evil"></iframe>`, nil,
			[]string{"<div", "<iframe", "style="}},
		{"link is inert", `<a href="https://x" onclick="steal()">x</a>`, nil, []string{"onclick"}},
		{"emphasis and table", "**bold**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", []string{"<strong>bold</strong>", "<table>", "<td>1</td>"}, nil},
		{"plain link", "[gl](https://gitlab.com)", []string{`href="https://gitlab.com"`, `rel="nofollow"`}, nil},
		{"code block", "```go\nx := 1 < 2\n```", []string{`<code class="language-go">`, "x := 1 &lt; 2"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, err := markdown.Render(c.src, markdown.Options{ProjectPath: "g/p"})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, n := range c.never {
				if strings.Contains(strings.ToLower(string(out)), strings.ToLower(n)) {
					t.Errorf("output holds %q:\n%s", n, out)
				}
			}
		})
	}
}

// TestRender_Uploads points GitLab's /uploads/ links at the project.
func TestRender_Uploads(t *testing.T) {
	t.Parallel()
	cases := []struct{ project, src, want string }{
		{"g/p", "![shot](/uploads/abc123/shot.png)", `src="/g/p/uploads/abc123/shot.png"`},
		{"g/p", "[log](/uploads/abc123/log.txt)", `href="/g/p/uploads/abc123/log.txt"`},
		{"g/p", "![x](https://example.com/uploads/a.png)", `src="https://example.com/uploads/a.png"`},
		{"", "![shot](/uploads/abc123/shot.png)", `src="/uploads/abc123/shot.png"`},
	}
	for _, c := range cases {
		out, err := markdown.Render(c.src, markdown.Options{ProjectPath: c.project})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), c.want) {
			t.Errorf("Render(%q, %q) = %s, want it to hold %s", c.src, c.project, out, c.want)
		}
	}
}
