package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ferryhq/ferry/internal/s3store/s3test"
)

// TestCLI_MigrateViaS3 moves a project between two `ferry serve`
// processes through a real S3-compatible bucket: the archive is staged
// there and the target imports it from a pre-signed URL (remote-import).
// A target that refuses the URL (local requests not allowed) fails the
// project; either way the staged object is deleted, and neither the
// secret key nor the pre-signed URL is printed.
func TestCLI_MigrateViaS3(t *testing.T) {
	t.Parallel()
	bucket := s3test.Start(t)
	bucket.NeedHTTPS(t)
	src, dst, dir := startRemote(t), startRemote(t, "FERRY_CA_FILE="+bucket.CAFile), t.TempDir()
	waitAll(t, src.h, []int64{src.h.importArchive("alpha", scaleArchive(t))}, nil)
	env := []string{"FERRY_FROM_TOKEN=" + scaleToken, "FERRY_TO_TOKEN=" + scaleToken, "AWS_ACCESS_KEY_ID=" + bucket.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + bucket.SecretKey, "FERRY_CA_FILE=" + bucket.CAFile}
	args := []string{"migrate", "--from", src.base, "--to", dst.base, "root/alpha", "--via-s3", "s3://" + bucket.Bucket + "/stage",
		"--s3-endpoint", bucket.Endpoint, "--s3-region", s3test.Region, "--report", filepath.Join(dir, "report.json")}
	for _, tt := range []struct {
		name       string
		allowLocal bool
		code       int
		want       string
	}{
		{"refused", false, 1, "root/alpha: import failed: on " + dst.base + ": POST /projects/remote-import: 400"},
		{"imported", true, 0, "migrated"},
	} {
		dst.h.do("PUT", "/application/settings", "allow_local_requests_from_web_hooks_and_services="+
			map[bool]string{true: "true", false: "false"}[tt.allowLocal])
		out, code := runCLI(t, src.bin, dir, env, args...)
		if code != tt.code || !strings.Contains(out, tt.want) {
			t.Fatalf("%s: exit %d, want %d and %q:\n%s", tt.name, code, tt.code, tt.want, out)
		}
		if strings.Contains(out, bucket.SecretKey) || strings.Contains(out, "X-Amz-Signature") {
			t.Errorf("%s: a secret is printed:\n%s", tt.name, out)
		}
		list, err := bucket.Client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket.Bucket)})
		if err != nil || len(list.Contents) != 0 {
			t.Errorf("%s: the bucket holds %d objects after the run (%v), want none", tt.name, len(list.Contents), err)
		}
	}
	if st := dst.h.importStats("root/alpha"); len(st.Imported) == 0 || st.Imported["issues"] != src.h.importStats("root/alpha").Imported["issues"] {
		t.Errorf("target stats %+v", st)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tar.gz")); len(left) > 0 {
		t.Errorf("archives left: %q", left)
	}
}
