package api_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// formPart is one part of a multipart body: data, or size bytes of "x"
// made while it is sent.
type formPart struct {
	name, filename, data string
	size                 int
}

// writeParts writes parts as a multipart body to mw.
func writeParts(mw *multipart.Writer, parts []formPart) error {
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			w, err = mw.CreateFormFile(p.name, p.filename)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, p.data); err != nil {
			return err
		}
		for left := p.size; left > 0; left -= 32 << 10 {
			if _, err := w.Write(bytes.Repeat([]byte("x"), min(left, 32<<10))); err != nil {
				return err
			}
		}
	}
	return mw.Close()
}

// multipartBody is parts as one body and its Content-Type.
func multipartBody(t *testing.T, parts []formPart) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := writeParts(mw, parts); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}

// postParts streams parts to path as root (chunked, made while sent, so a
// huge body costs the test nothing) and returns the answer.
func postParts(t *testing.T, env *servertest.Env, path string, parts []formPart) (int, string) {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() { pw.CloseWithError(writeParts(mw, parts)) }()
	req, _ := http.NewRequest("POST", env.URL+path, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("PRIVATE-TOKEN", servertest.RootToken)
	resp, err := http.DefaultClient.Do(req)
	pr.Close()
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// fields is n fields of size bytes each.
func fields(n, size int) []formPart {
	parts := make([]formPart, n)
	for i := range parts {
		parts[i] = formPart{name: fmt.Sprintf("field%d", i), size: size}
	}
	return parts
}

// TestLimits_FormFields pins the form-field attack: a multipart body with
// many non-file parts, or large ones, must be refused before it fills the
// server's memory (one upload of 600 fields of 1 MiB once took 900 MiB).
// The limits hold for the streamed import upload and for every other
// route's form parser; the uploaded file itself does not count.
func TestLimits_FormFields(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	const tooManyParts = `{"error":"the number of uploaded files exceeded the system's configured limit (128)"}`
	const tooLarge = `{"message":"413 Request Entity Too Large"}`
	archive := func(path string) []formPart {
		return []formPart{{name: "path", data: path},
			{name: "file", filename: path + ".tar.gz", data: string(fixtureArchive(t, "0.2.4", nil))}}
	}
	bigFile := fixtureArchive(t, "0.2.4", map[string][]byte{"padding.bin": randomBytes(t, 2<<20)})
	for _, tt := range []struct {
		name, path string
		parts      []formPart
		wantStatus int
		wantBody   string
	}{
		{"Import128Parts", "/api/v4/projects/import", append(archive("parts128"), fields(126, 10)...), 201, ""},
		{"Import129Parts", "/api/v4/projects/import", append(archive("parts129"), fields(127, 10)...), 400, tooManyParts},
		{"ImportFieldsOverBudget", "/api/v4/projects/import", append(archive("budget"), fields(3, 400<<10)...), 413, tooLarge},
		{"ImportOneHugeField", "/api/v4/projects/import", append(fields(1, 8<<20), archive("huge")...), 413, tooLarge},
		{"Import600FieldsOf1MiB", "/api/v4/projects/import", fields(600, 1<<20), 413, tooLarge},
		{"ImportFileOverBudget", "/api/v4/projects/import", []formPart{{name: "path", data: "bigfile"},
			{name: "file", filename: "big.tar.gz", data: string(bigFile)}, {name: "description", size: 512 << 10}}, 201, ""},
		{"Form129Parts", "/api/v4/projects", fields(129, 1), 400, tooManyParts},
		{"FormFieldsOverBudget", "/api/v4/projects", fields(3, 400<<10), 413, tooLarge},
		{"FormFileCounts", "/api/v4/projects", []formPart{{name: "name", data: "p"},
			{name: "avatar", filename: "a.png", size: 2 << 20}}, 413, tooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := postParts(t, env, tt.path, tt.parts)
			if status != tt.wantStatus || tt.wantBody != "" && body != tt.wantBody {
				t.Errorf("got %d %s, want %d %s", status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}

// randomBytes is n incompressible bytes.
func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}
