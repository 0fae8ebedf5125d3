package api_test

import (
	"io"
	"net/url"
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
		{"APIMaintainer", "/api/v4/projects/" + itoa(f.ids["private"]) + png, "root", "header", 200},
		{"APIGuest", "/api/v4/projects/" + itoa(f.ids["private"]) + png, "guest", "header", 403},
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
}
