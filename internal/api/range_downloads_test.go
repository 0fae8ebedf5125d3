package api_test

import (
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// TestRange_Downloads pins RFC 9110's Range edge cases on every download
// that honours Range (LFS objects, uploads on the web and the API, the
// export download): "bytes=-0" (and a range past the end) is 416 with
// "Content-Range: bytes */<size>", a Range of an unknown unit is ignored
// (200, the whole body), a unit in other case is still bytes.
func TestRange_Downloads(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	public := itoa(f.ids["public"])
	setAdmin(t, f.env, &gitlab.UpdateSettingsOptions{ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	if _, err := f.env.Root.ProjectImportExport.ScheduleExport(int(f.ids["public"]), nil); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		st, _, err := f.env.Root.ProjectImportExport.ExportStatus(int(f.ids["public"]))
		if err == nil && st.ExportStatus == "finished" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("export never finished: %v %v", st, err)
		}
	}
	export, _, err := f.env.Root.ProjectImportExport.ExportDownload(int(f.ids["public"]))
	if err != nil {
		t.Fatal(err)
	}
	downloads := []struct{ name, path, who, body string }{
		{"LFS", "/root/public-files.git/gitlab-lfs/objects/" + f.oid, "", lfsContent},
		{"UploadWeb", "/root/public-files/uploads/" + uploadSecret + "/diagram.png", "", "png bytes"},
		{"UploadAPI", "/api/v4/projects/" + public + "/uploads/" + uploadSecret + "/diagram.png", "", "png bytes"},
		{"Export", "/api/v4/projects/" + public + "/export/download", "root", string(export)},
	}
	for _, d := range downloads {
		size := strconv.Itoa(len(d.body))
		for _, tt := range []struct {
			rng, contentRange, body string
			status                  int
		}{
			{"bytes=-0", "bytes */" + size, "", http.StatusRequestedRangeNotSatisfiable},
			{"bytes=" + size + "-", "bytes */" + size, "", http.StatusRequestedRangeNotSatisfiable},
			{"items=0-1", "", d.body, http.StatusOK},
			{"bytes=0-1", "bytes 0-1/" + size, d.body[:2], http.StatusPartialContent},
			{"BYTES=0-1", "bytes 0-1/" + size, d.body[:2], http.StatusPartialContent},
			{"bytes=-0,-2", "bytes " + strconv.Itoa(len(d.body)-2) + "-" + strconv.Itoa(len(d.body)-1) + "/" + size,
				d.body[len(d.body)-2:], http.StatusPartialContent},
		} {
			req, _ := http.NewRequest("GET", f.env.URL+d.path, nil)
			if d.who != "" {
				req.Header.Set("PRIVATE-TOKEN", f.tokens[d.who])
			}
			req.Header.Set("Range", tt.rng)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || resp.Header.Get("Content-Range") != tt.contentRange ||
				tt.status != 416 && string(body) != tt.body {
				t.Errorf("%s, Range %s: %d Content-Range %q, %d bytes; want %d %q, %d bytes", d.name, tt.rng,
					resp.StatusCode, resp.Header.Get("Content-Range"), len(body), tt.status, tt.contentRange, len(tt.body))
			}
		}
	}
}
