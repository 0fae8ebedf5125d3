package api_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// batchAnswer is the Git LFS batch API's answer.
type batchAnswer struct {
	Message string `json:"message"`
	Objects []struct {
		OID     string `json:"oid"`
		Size    int64  `json:"size"`
		Actions *struct {
			Download struct {
				Href   string            `json:"href"`
				Header map[string]string `json:"header"`
			} `json:"download"`
		} `json:"actions"`
		Authenticated bool `json:"authenticated"`
		Error         *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"objects"`
}

func batchBody(op string, oids ...string) string {
	var objects []map[string]any
	for _, oid := range oids {
		objects = append(objects, map[string]any{"oid": oid, "size": len(lfsContent)})
	}
	b, _ := json.Marshal(map[string]any{"operation": op, "transfers": []string{"basic"}, "objects": objects})
	return string(b)
}

func basicAuth(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// batch asks a download of oids from root/<vis>-files as who.
func (f *filesEnv) batch(t *testing.T, vis, who string, oids ...string) batchAnswer {
	t.Helper()
	resp := f.request(t, "POST", "/root/"+vis+"-files.git/info/lfs/objects/batch", who, "basic", batchBody("download", oids...))
	var got batchAnswer
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("batch: %d %v", resp.StatusCode, err)
	}
	return got
}

// TestLFS_BatchAccess pins who may use the batch API, as GitLab's
// LfsRequest decides: anonymous callers download from public projects
// only and are asked for credentials elsewhere; callers who may read a
// project but not do this get 403, others 404.
func TestLFS_BatchAccess(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	tests := []struct {
		name, vis, op, who string
		want               int
		oid                string // default: the stored object
	}{
		{"PublicAnonymous", "public", "download", "", 200, ""},
		{"PrivateAnonymous", "private", "download", "", 401, ""},
		{"PrivateOutsider", "private", "download", "outsider", 404, ""},
		{"PrivateGuest", "private", "download", "guest", 403, ""},
		{"PrivateReporter", "private", "download", "reporter", 200, ""},
		{"UploadReporter", "private", "upload", "reporter", 403, ""},
		{"UploadAnonymousPublic", "public", "upload", "", 401, ""},
		{"UploadDeveloperStored", "private", "upload", "developer", 200, ""},
		{"UploadDeveloperNew", "private", "upload", "developer", 403, "1111111111111111111111111111111111111111111111111111111111111111"},
		{"UnknownOperation", "private", "delete", "reporter", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.oid == "" {
				tt.oid = f.oid
			}
			resp := f.request(t, "POST", "/root/"+tt.vis+"-files.git/info/lfs/objects/batch", tt.who, "basic",
				batchBody(tt.op, tt.oid))
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.want, body)
			}
			if ct := resp.Header.Get("Content-Type"); tt.want != 401 && ct != "application/vnd.git-lfs+json" {
				t.Errorf("Content-Type %q", ct)
			}
			if tt.want == 401 && resp.Header.Get("WWW-Authenticate") != `Basic realm="GitLab"` {
				t.Errorf("no challenge: %v", resp.Header)
			}
		})
	}
}

// TestLFS_BatchDownload pins the answer's shape: a stored object gets a
// download action at gitlab-lfs/objects/<oid> with the caller's
// Authorization, a missing one a 404 error; the action's link streams the
// object.
func TestLFS_BatchDownload(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	missing := "0000000000000000000000000000000000000000000000000000000000000000"
	got := f.batch(t, "private", "reporter", f.oid, missing, "not-an-oid")
	if len(got.Objects) != 3 {
		t.Fatalf("%+v", got)
	}
	o := got.Objects[0]
	wantHref := f.env.URL + "/root/private-files.git/gitlab-lfs/objects/" + f.oid
	if o.OID != f.oid || o.Size != int64(len(lfsContent)) || o.Actions == nil || o.Actions.Download.Href != wantHref ||
		o.Actions.Download.Header["Authorization"] != basicAuth("oauth2", f.tokens["reporter"]) || o.Authenticated {
		t.Errorf("stored object %+v", o)
	}
	if answer := f.batch(t, "public", "", f.oid); len(answer.Objects) != 1 || !answer.Objects[0].Authenticated ||
		len(answer.Objects[0].Actions.Download.Header) != 0 {
		t.Errorf("public project's object %+v", answer)
	}
	for _, o := range got.Objects[1:] {
		if o.Actions != nil || o.Error == nil || o.Error.Code != 404 {
			t.Errorf("missing object %+v", o)
		}
	}

	for _, tt := range []struct {
		name, path, who string
		want            int
		body            string
	}{
		{"Reporter", "/root/private-files.git/gitlab-lfs/objects/" + f.oid, "reporter", 200, lfsContent},
		{"Outsider", "/root/private-files.git/gitlab-lfs/objects/" + f.oid, "outsider", 404, ""},
		{"Anonymous", "/root/private-files.git/gitlab-lfs/objects/" + f.oid, "", 401, ""},
		{"PublicAnonymous", "/root/public-files.git/gitlab-lfs/objects/" + f.oid, "", 200, lfsContent},
		{"Missing", "/root/public-files.git/gitlab-lfs/objects/" + missing, "", 404, ""},
		{"NotAnOID", "/root/public-files.git/gitlab-lfs/objects/..%2F..%2Fuploads", "", 404, ""},
	} {
		resp := f.request(t, "GET", tt.path, tt.who, "basic", "")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tt.want || tt.want == 200 && (string(body) != tt.body ||
			resp.Header.Get("Content-Type") != "application/octet-stream") {
			t.Errorf("%s: %d %s %v", tt.name, resp.StatusCode, body, resp.Header)
		}
	}
}

// TestLFS_ObjectRange pins that an object download resumes: Range is
// answered 206 with the part asked for.
func TestLFS_ObjectRange(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	req, _ := http.NewRequest("GET", f.env.URL+"/root/public-files.git/gitlab-lfs/objects/"+f.oid, nil)
	req.Header.Set("Range", "bytes=6-9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusPartialContent || string(body) != lfsContent[6:10] {
		t.Errorf("%d %q", resp.StatusCode, body)
	}
}

// TestLFS_BatchBadRequests pins answers to bodies and tokens the batch API
// cannot use: a bad token is challenged before the body is read, a body
// that is not JSON is 422 to those who may download and otherwise
// answered as any refused request.
func TestLFS_BatchBadRequests(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	f.tokens["bad"] = "glpat-not-a-token"
	batch := "/root/private-files.git/info/lfs/objects/batch"
	for _, tt := range []struct {
		name, who, body string
		want            int
	}{
		{"BadToken", "bad", batchBody("download", f.oid), 401},
		{"NotJSONReporter", "reporter", "{", 422},
		{"NotJSONAnonymous", "", "{", 401},
		{"NotJSONOutsider", "outsider", "{", 404},
		{"NoObjects", "reporter", batchBody("download"), 404},
	} {
		resp := f.request(t, "POST", batch, tt.who, "basic", tt.body)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d %s", tt.name, resp.StatusCode, body)
		}
	}
}

// TestLFS_Locks pins the locks API's answers: no locks, to those who may
// download (list) or push (verify).
func TestLFS_Locks(t *testing.T) {
	t.Parallel()
	f := setupFiles(t)
	locks := "/root/private-files.git/info/lfs/locks"
	for _, tt := range []struct {
		name, method, path, who string
		want                    int
		body                    string
	}{
		{"ListReporter", "GET", locks, "reporter", 200, `{"locks":[]}`},
		{"ListOutsider", "GET", locks, "outsider", 404, ""},
		{"VerifyDeveloper", "POST", locks + "/verify", "developer", 200, `{"ours":[],"theirs":[]}`},
		{"VerifyReporter", "POST", locks + "/verify", "reporter", 403, ""},
		{"VerifyAnonymous", "POST", locks + "/verify", "", 401, ""},
	} {
		resp := f.request(t, tt.method, tt.path, tt.who, "basic", "{}")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tt.want || tt.body != "" && strings.TrimSpace(string(body)) != tt.body {
			t.Errorf("%s: %d %s", tt.name, resp.StatusCode, body)
		}
	}
}
