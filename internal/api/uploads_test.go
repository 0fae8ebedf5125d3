package api_test

import (
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"
)

// TestUploads_Web pins GitLab's web route for the files descriptions and
// notes link to: readable by whoever may read the project, 404 to others
// (the project's existence is not revealed), with GitLab's headers.
func TestUploads_Web(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	png := "/uploads/" + uploadSecret + "/diagram.png"
	tests := []struct {
		name, path, who, how string
		want                 int
	}{
		{"PublicAnonymous", "/root/public-files" + png, "", "", 200},
		{"PrivateAnonymous", "/root/private-files" + png, "", "", 404},
		{"PrivateOutsider", "/root/private-files" + png, "outsider", "header", 404},
		{"PrivateGuestHeader", "/root/private-files" + png, "guest", "header", 200},
		{"PrivateGuestBasic", "/root/private-files" + png, "guest", "basic", 200},
		{"PrivateOutsiderBasic", "/root/private-files" + png, "outsider", "basic", 404},
		{"ByID", "/-/project/" + itoa(f.ids["private"]) + png, "reporter", "header", 200},
		{"ByIDOutsider", "/-/project/" + itoa(f.ids["private"]) + png, "outsider", "header", 404},
		{"MissingFile", "/root/public-files/uploads/" + uploadSecret + "/nope.png", "", "", 404},
		{"BadSecret", "/root/public-files/uploads/xyz/diagram.png", "", "", 404},
		{"NoProject", "/root/none" + png, "root", "header", 404},
		{"NumericPath", "/" + itoa(f.ids["public"]) + png, "", "", 404},
		// Escaped slashes must not reach another project's uploads.
		{"TraversalByID", "/-/project/" + itoa(f.ids["public"]) + "/uploads/" + uploadSecret + "/..%2F..%2F" +
			itoa(f.ids["private"]) + "%2F" + uploadSecret + "%2Fdiagram.png", "", "", 404},
		{"TraversalWeb", "/root/public-files/uploads/" + uploadSecret + "/..%2F..%2F" +
			itoa(f.ids["private"]) + "%2F" + uploadSecret + "%2Fdiagram.png", "", "", 404},
		{"APIMaintainer", "/api/v4/projects/" + itoa(f.ids["private"]) + png, "root", "header", 200},
		{"APIGuest", "/api/v4/projects/" + itoa(f.ids["private"]) + png, "guest", "header", 200},
		{"APIPublicAnonymous", "/api/v4/projects/" + itoa(f.ids["public"]) + png, "", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := f.request(t, "GET", tt.path, tt.who, tt.how, "")
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			if tt.want == 200 && string(body) != "png bytes" {
				t.Errorf("body %q", body)
			}
			if tt.want == 404 && !strings.HasPrefix(tt.path, "/api/") && strings.TrimSpace(string(body)) != `{"message":"404 Not Found"}` {
				t.Errorf("body %s: a refusal must look like a missing file", body)
			}
		})
	}
}

// TestUploads_Headers pins GitLab's Content-Type, Content-Disposition
// (inline for images, attachment otherwise) and caching of uploads.
func TestUploads_Headers(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	tests := []struct{ file, ctype, disposition string }{
		{"diagram.png", "image/png", `inline; filename="diagram.png"; filename*=UTF-8''diagram.png`},
		{"notes café.txt", "text/plain; charset=utf-8",
			`attachment; filename="notes caf%3F.txt"; filename*=UTF-8''notes%20caf%C3%A9.txt`},
	}
	for _, tt := range tests {
		resp := f.request(t, "GET", "/root/public-files/uploads/"+uploadSecret+"/"+url.PathEscape(tt.file), "", "", "")
		h := resp.Header
		if resp.StatusCode != 200 || h.Get("Content-Type") != tt.ctype || h.Get("Content-Disposition") != tt.disposition ||
			h.Get("Cache-Control") != "max-age=0, private, must-revalidate" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d %v", tt.file, resp.StatusCode, h)
		}
	}
	// The API serves every upload as a binary attachment.
	resp := f.request(t, "GET", "/api/v4/projects/"+itoa(f.ids["public"])+"/uploads/"+uploadSecret+"/diagram.png", "", "", "")
	if h := resp.Header; resp.StatusCode != 200 || h.Get("Content-Type") != "application/octet-stream" ||
		h.Get("Content-Disposition") != `attachment; filename="diagram.png"; filename*=UTF-8''diagram.png` {
		t.Errorf("API: %d %v", resp.StatusCode, h)
	}
}

// TestUploads_API pins GET /projects/:id/uploads and the download by id:
// Maintainers only, paginated, each upload with its id, size and name.
func TestUploads_API(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	base := "/api/v4/projects/" + itoa(f.ids["private"]) + "/uploads"
	resp := f.request(t, "GET", base+"?per_page=1&page=2", "root", "header", "")
	var got []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 || len(got) != 1 {
		t.Fatalf("list: %d %v %v", resp.StatusCode, got, err)
	}
	if got[0]["id"] != 2.0 || got[0]["filename"] != "notes café.txt" || got[0]["size"] != 10.0 ||
		got[0]["uploaded_by"] != nil || got[0]["created_at"] == nil || resp.Header.Get("X-Total") != "2" {
		t.Errorf("list %v %v", got, resp.Header)
	}
	for _, tt := range []struct {
		name, path, who string
		want            int
		body            string
	}{
		{"ListGuest", base, "guest", 403, ""},
		{"ListAnonymousPublic", "/api/v4/projects/" + itoa(f.ids["public"]) + "/uploads", "", 403, ""},
		{"ListAnonymousPrivate", base, "", 404, ""},
		{"ByID", base + "/1", "root", 200, "png bytes"},
		{"ByIDMissing", base + "/3", "root", 404, `{"message":"404 Not found"}`},
		{"ByIDGuest", base + "/1", "guest", 403, ""},
		{"ByIDNotANumber", base + "/x", "root", 400, `{"error":"upload_id is invalid"}`},
		{"BySecret", base + "/" + uploadSecret + "/notes%20caf%C3%A9.txt", "guest", 200, "some notes"},
		{"BySecretMissing", base + "/" + uploadSecret + "/nope.txt", "guest", 404, `{"message":"404 Not Found"}`},
	} {
		resp := f.request(t, "GET", tt.path, tt.who, "header", "")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tt.want || tt.body != "" && strings.TrimSpace(string(body)) != tt.body {
			t.Errorf("%s: %d %s", tt.name, resp.StatusCode, body)
		}
	}
}
