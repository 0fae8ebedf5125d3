package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/s3store/s3test"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

func s3Env(t *testing.T) (*servertest.Env, *s3test.Server) {
	t.Helper()
	store := s3test.Start(t)
	env := servertest.StartWith(t, servertest.Options{S3Endpoint: store.Endpoint, CAFile: store.CAFile})
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(true),
		ProjectImportLimit: gitlab.Ptr(int64(0)), ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	return env, store
}

// TestS3_RemoteImportPresignedGET imports from a pre-signed GET URL of a
// real S3-compatible store over https (its throwaway certificate trusted
// through the server's CA file), which refuses HEAD (the signature covers
// the method), so the check falls back to a one-byte ranged GET.
func TestS3_RemoteImportPresignedGET(t *testing.T) {
	t.Parallel()
	env, store := s3Env(t)
	store.NeedHTTPS(t)
	store.Put(t, "exports/project.tar.gz", "application/gzip", fixtureArchive(t, "0.2.4", nil))
	signed, err := store.Presign.PresignGetObject(context.Background(), &s3.GetObjectInput{
		Bucket: aws.String(store.Bucket), Key: aws.String("exports/project.tar.gz")}, s3.WithPresignExpires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	status, body := remoteImport(t, env, map[string]any{"url": signed.URL, "path": "from-presigned"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	if strings.Contains(body, "X-Amz-Signature") {
		t.Errorf("answer shows the signed URL: %s", body)
	}
	st := waitImport(t, env, servertest.RootToken, projectID(t, body))
	if st.ImportStatus != "finished" || st.Stats.Fetched["issues"] != fixtureCounts(t)["issues"] {
		t.Fatalf("import %s %v %+v", st.ImportStatus, deref(st.ImportError), st.Stats)
	}
}

func s3Import(t *testing.T, env *servertest.Env, body map[string]any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	status, resp, _ := call(t, env, "POST", "/api/v4/projects/remote-import-s3", servertest.RootToken, "application/json", string(b))
	return status, resp
}

func TestS3_RemoteImportWithKeys(t *testing.T) {
	t.Parallel()
	env, store := s3Env(t)
	archive := fixtureArchive(t, "0.2.4", nil)
	store.Put(t, "x.tar.gz", "application/gzip", archive)
	store.Put(t, "octet.tar.gz", "application/octet-stream", archive)
	req := func(key, secret, path string) map[string]any {
		// python-gitlab's request, as it sends it.
		return map[string]any{"region": s3test.Region, "bucket_name": store.Bucket, "file_key": key,
			"access_key_id": store.AccessKey, "secret_access_key": secret, "path": path, "overwrite": "False"}
	}
	for _, tt := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"NotFound", req("nope.tar.gz", store.SecretKey, "a"), `{"message":"File not found 'nope.tar.gz' in '` + store.Bucket + `'"}`},
		{"WrongSecret", req("x.tar.gz", "wrong-secret", "b"), `{"message":"Failed to open 'x.tar.gz' in '` + store.Bucket + `': `},
		{"OctetStream", req("octet.tar.gz", store.SecretKey, "c"),
			`{"message":"Content type 'application/octet-stream' not allowed. (Allowed: application/gzip, application/x-tar, application/x-gzip)"}`},
		{"BadRegion", map[string]any{"region": "us-east-1.evil.example/", "bucket_name": "b", "file_key": "k",
			"access_key_id": "a", "secret_access_key": "s", "path": "d"}, `{"message":"Failed to open 'k' in 'b': region`},
		{"Missing", map[string]any{"path": "e"},
			`{"error":"region is missing, bucket_name is missing, file_key is missing, access_key_id is missing, secret_access_key is missing"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := s3Import(t, env, tt.body)
			if status != 400 || !strings.HasPrefix(body, tt.want) {
				t.Errorf("got %d %s, want 400 %s", status, body, tt.want)
			}
			if strings.Contains(body, store.SecretKey) || strings.Contains(body, "wrong-secret") {
				t.Errorf("answer shows the secret key: %s", body)
			}
		})
	}
	status, body := s3Import(t, env, req("x.tar.gz", store.SecretKey, "from-s3"))
	if status != 201 || strings.Contains(body, store.SecretKey) {
		t.Fatalf("%d %s", status, body)
	}
	id := projectID(t, body)
	im, _ := env.Server.DB.ImportOf(context.Background(), id)
	if im.SourceData == "" || strings.Contains(im.SourceData, store.SecretKey) {
		t.Errorf("stored source %q: the keys must be stored sealed", im.SourceData)
	}
	st := waitImport(t, env, servertest.RootToken, id)
	if st.ImportStatus != "finished" {
		t.Fatalf("import %s %v", st.ImportStatus, deref(st.ImportError))
	}
	for rel, n := range fixtureCounts(t) {
		if st.Stats.Fetched[rel] != n {
			t.Errorf("%s: fetched %d, want %d", rel, st.Stats.Fetched[rel], n)
		}
	}
	if im, _ := env.Server.DB.ImportOf(context.Background(), id); im.SourceData != "" {
		t.Error("the keys are kept after the import ended")
	}
}

// TestS3_ExportUploadPresignedPUT sends an export to a pre-signed PUT URL
// whose signature covers Content-Type: application/gzip, then reads it
// back with the SDK and compares it with the download, byte for byte.
func TestS3_ExportUploadPresignedPUT(t *testing.T) {
	t.Parallel()
	env, store := s3Env(t)
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("to-s3"),
		InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := store.Presign.PresignPutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(store.Bucket),
		Key: aws.String("backups/to-s3.tar.gz"), ContentType: aws.String("application/gzip")}, s3.WithPresignExpires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(signed.URL, "content-type") {
		t.Fatalf("the signature does not cover Content-Type: %s", signed.URL)
	}
	if _, err := env.Root.ProjectImportExport.ScheduleExport(p.ID, &gitlab.ScheduleExportOptions{
		Upload: gitlab.ScheduleExportUploadOptions{URL: gitlab.Ptr(signed.URL), HTTPMethod: gitlab.Ptr("PUT")}}); err != nil {
		t.Fatal(err)
	}
	var status map[string]any
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		_, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(p.ID)+"/export", servertest.RootToken, "", "")
		if status = decode(t, body); status["upload_status"] == "finished" || status["upload_status"] == "failed" {
			break
		}
	}
	if status["upload_status"] != "finished" {
		t.Fatalf("upload %v", status)
	}
	obj, err := store.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(store.Bucket),
		Key: aws.String("backups/to-s3.tar.gz")})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Body.Close()
	stored, _ := io.ReadAll(obj.Body)
	downloaded, _, err := env.Root.ProjectImportExport.ExportDownload(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored, downloaded) || aws.ToString(obj.ContentType) != "application/gzip" {
		t.Errorf("stored %d bytes (%s), downloaded %d", len(stored), aws.ToString(obj.ContentType), len(downloaded))
	}
}

// TestS3_SpecCurlExamples runs the Japanese specification's curl examples
// for remote-import and remote-import-s3 against the loopback store, and
// checks both projects equal a file import of the same archive.
func TestS3_SpecCurlExamples(t *testing.T) {
	t.Parallel()
	curl := need(t, "/usr/bin/curl", "curl")
	env, store := s3Env(t)
	store.NeedHTTPS(t)
	archive := fixtureArchive(t, "0.2.4", nil)
	store.Put(t, "sample.tar.gz", "application/gzip", archive)
	signed, err := store.Presign.PresignGetObject(context.Background(), &s3.GetObjectInput{
		Bucket: aws.String(store.Bucket), Key: aws.String("sample.tar.gz")}, s3.WithPresignExpires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	post := func(endpoint, data string) int64 {
		t.Helper()
		out, err := exec.Command(curl, "--silent", "--show-error", "--fail-with-body", "--request", "POST",
			"--header", "PRIVATE-TOKEN: "+servertest.RootToken, "--header", "Content-Type: application/json",
			"--url", env.URL+"/api/v4/projects/"+endpoint, "--data", data).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %s: %v %s", endpoint, err, out)
		}
		return projectID(t, string(out))
	}
	fromURL := post("remote-import", `{"url":"`+signed.URL+`","path":"remote-project"}`)
	fromS3 := post("remote-import-s3", `{
  "name": "Sample Project",
  "path": "sample-project",
  "region": "`+s3test.Region+`",
  "bucket_name": "`+store.Bucket+`",
  "file_key": "sample.tar.gz",
  "access_key_id": "`+store.AccessKey+`",
  "secret_access_key": "`+store.SecretKey+`"
}`)
	status, body := importArchive(t, env, servertest.RootToken, "sample.tar.gz", archive, map[string]string{"path": "from-file"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	fromFile := projectID(t, body)
	want := ""
	for _, id := range []int64{fromFile, fromURL, fromS3} {
		if st := waitImport(t, env, servertest.RootToken, id); st.ImportStatus != "finished" {
			t.Fatalf("import %d: %s %v", id, st.ImportStatus, deref(st.ImportError))
		}
		b, _ := json.Marshal(storedRelations(t, env, id))
		if want == "" {
			want = string(b)
		} else if string(b) != want {
			t.Errorf("project %d differs from the file import", id)
		}
	}
}

// TestS3_BlobStore runs an import and an export with every stored file in
// the object store (FERRY_BLOBS_URL) instead of the data folder.
func TestS3_BlobStore(t *testing.T) {
	t.Parallel()
	store := s3test.Start(t)
	env := servertest.StartWith(t, servertest.Options{
		BlobsURL:  "s3://" + store.Bucket + "/ferry?region=" + s3test.Region + "&endpoint=" + store.Endpoint,
		BlobsKeys: [2]string{store.AccessKey, store.SecretKey}, CAFile: store.CAFile})
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", map[string][]byte{"uploads/abcdef0123/note.txt": []byte("attached")}),
		map[string]string{"path": "in-s3"})
	data := exportArchive(t, env.Root, id)
	if string(untar(t, data)["./uploads/abcdef0123/note.txt"]) != "attached" {
		t.Error("the upload did not come back from the object store")
	}
	keys := map[string]bool{}
	out, err := store.Client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(store.Bucket)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out.Contents {
		k := aws.ToString(o.Key)
		keys[strings.SplitN(strings.TrimPrefix(k, "ferry/"), "/", 2)[0]] = true
	}
	if !keys["exports"] || !keys["uploads"] {
		t.Errorf("bucket holds %v, want exports and uploads", keys)
	}
	if _, err := os.Stat(filepath.Join(env.DataDir, "blobs")); err == nil {
		t.Error("files were kept in the data folder too")
	}
}
