package web_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestBrowser_ImportExport is a move through the pages in a real
// browser: sign in, import an archive through the form (the script's
// upload with its progress bar), follow the import until it finishes,
// export the project, follow the export, download the file, and import
// that file again.
func TestBrowser_ImportExport(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	b := webtest.StartBrowser(t, env)
	archive := filepath.Join(t.TempDir(), "fixture.tar.gz")
	if err := os.WriteFile(archive, webtest.FixtureArchive(t), 0o600); err != nil {
		t.Fatal(err)
	}
	b.SignIn(servertest.RootToken)

	b.Open("/projects/new")
	b.Click(`[data-testid="import-gitlab-project"]`)
	b.Type(`form[data-upload] input[name="path"]`, "moved")
	b.Type(`form[data-upload] input[name="name"]`, "Moved by browser")
	b.Do(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{archive}))
	b.Click(`form[data-upload] button[type="submit"]`)
	if loc := b.Location(); !strings.HasSuffix(loc, "/root/moved/-/import") {
		t.Fatalf("after the upload the browser is at %s", loc)
	}
	b.WaitFor(`document.querySelector('[data-testid="import-status"]').textContent === "finished"`)
	if stats := b.Text(`[data-field="stats"]`); !strings.Contains(stats, "issues") {
		t.Errorf("the finished import shows no issue counts: %q", stats)
	}

	b.Open("/root/moved/-/export")
	b.Click(`[data-testid="schedule-export"]`)
	b.WaitFor(`document.querySelector('[data-testid="export-status"]').textContent === "finished" &&
		!document.querySelector('[data-testid="download-export"]').hidden`)
	href := b.Attr(`[data-testid="download-export"]`, "href")
	data := b.Fetch(href)
	if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		t.Fatalf("the download (%d bytes) is not gzip", len(data))
	}
	again := webtest.ImportArchive(t, env, data, "moved-again")
	if again.Name == "" {
		t.Fatalf("re-import: %+v", again)
	}
}
