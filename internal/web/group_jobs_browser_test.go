package web_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestBrowser_GroupExportImport moves a group through the pages in a
// real browser: sign in, export a group with a sub-group and a label
// from its page, follow the export to its end, download the file with
// the session, import it under a new path through the new-group form
// (the script's upload), follow the import until it finishes, and find
// the sub-group and the label on the new group's pages.
func TestBrowser_GroupExportImport(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	sourceGroup(t, env, "acme") // sub-group "web", label "bug"
	b := webtest.StartBrowser(t, env)
	b.SignIn(servertest.RootToken)

	b.Open("/groups/acme")
	b.Click(`[data-testid="export-group"]`)
	b.Click(`[data-testid="schedule-export"]`)
	b.WaitFor(`document.querySelector('[data-testid="export-status"]').textContent === "finished" &&
		!document.querySelector('[data-testid="download-export"]').hidden`)
	href := b.Attr(`[data-testid="download-export"]`, "href")
	if href != "/groups/acme/-/download_export" {
		t.Errorf("download link: %q", href)
	}
	data := b.Fetch(href)
	if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		t.Fatalf("the download (%d bytes) is not gzip", len(data))
	}
	archive := filepath.Join(t.TempDir(), "acme.tar.gz")
	if err := os.WriteFile(archive, data, 0o600); err != nil {
		t.Fatal(err)
	}

	b.Open("/groups/new")
	b.Type(`#import-group-pane input[name="name"]`, "Acme copy")
	b.Type(`#import-group-pane input[name="path"]`, "acme-copy")
	b.Do(chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{archive}))
	b.Click(`[data-testid="import-group"]`)
	if loc := b.Location(); !strings.HasSuffix(loc, "/groups/acme-copy/-/import") {
		t.Fatalf("after the upload the browser is at %s", loc)
	}
	b.WaitFor(`document.querySelector('[data-testid="import-status"]').textContent === "finished"`)
	if stats := b.Text(`[data-testid="import-stats"]`); !strings.Contains(stats, "labels") {
		t.Errorf("the finished import shows no label count: %q", stats)
	}

	b.Click(`[data-testid="go-to-group"]`)
	if !b.Has(`a[href="/groups/acme-copy/web"]`) {
		t.Errorf("the imported group shows no sub-group web")
	}
	b.Click(`nav[aria-label="Group"] a[href="/groups/acme-copy/-/labels"]`)
	if labels := b.Text(`[data-testid="labels"]`); !strings.Contains(labels, "bug") {
		t.Errorf("the imported group's labels: %q", labels)
	}
}

// TestBrowser_AdminCancelsJobs cancels, from /admin in a real browser, a
// waiting project import, group import and group export (a server
// without workers keeps them waiting): each row's Cancel leads back to
// the page with the job failed, its error shown and no Cancel left.
func TestBrowser_AdminCancelsJobs(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	waitingGroupJobs(t, env)
	project, _, err := env.Root.ProjectImportExport.ImportFromFile(bytes.NewReader(webtest.FixtureArchive(t)),
		&gitlab.ImportFileOptions{Path: gitlab.Ptr("waiting")})
	if err != nil {
		t.Fatal(err)
	}
	b := webtest.StartBrowser(t, env)
	b.SignIn(servertest.RootToken)
	b.Open("/admin")
	rows := map[string]string{ // row selector: the error its job ends with
		`tr[data-job="import-` + strconv.FormatInt(project.ID, 10) + `"]`: "Import cancelled by an administrator",
		`tr[data-job^="group_import-"]`:                                   "Import cancelled by an administrator",
		`tr[data-job^="group_export-"]`:                                   "Export cancelled by an administrator",
	}
	for row, wantError := range rows {
		if !b.Has(row + ` button`) {
			t.Fatalf("%s has no Cancel button", row)
		}
		b.Click(row + ` button`)
		if state, errText := b.Text(row+` [class^="state-"]`), b.Text(row+` td.error`); state != "failed" || errText != wantError {
			t.Errorf("%s after Cancel: %q %q", row, state, errText)
		}
		if b.Has(row + ` form[action$="/cancel"]`) {
			t.Errorf("%s still has a Cancel button", row)
		}
	}
	if b.Has(`tr[data-job^="group_import-"] form[action$="/retry"]`) || !b.Has(`tr[data-job^="import-"] form[action$="/retry"]`) {
		t.Errorf("retry: a failed project import has it, a group import has not")
	}
}
