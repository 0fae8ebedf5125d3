package web_test

import (
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestUploads_PrivateProjectSession pins that a private project's upload
// (an image its pages show) comes to a signed-in member by the session
// alone, as the pages embed it, and stays 404 to a signed-in outsider and
// to anonymous visitors.
func TestUploads_PrivateProjectSession(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p := webtest.ImportFixture(t, env, "hidden")
	if _, _, err := env.Root.Projects.EditProject(p.ID, &gitlab.EditProjectOptions{
		Visibility: gitlab.Ptr(gitlab.PrivateVisibility)}); err != nil {
		t.Fatal(err)
	}
	_, token := webtest.NewUser(t, env, "outsider")
	other := webtest.NewClient(t, env)
	other.SignIn(token)
	root := webtest.NewClient(t, env)
	root.SignIn(servertest.RootToken)
	path := "/" + p.PathWithNamespace + "/uploads/" + webtest.UploadSecret + "/logo.png"
	for _, tt := range []struct {
		name   string
		c      *webtest.Client
		status int
	}{
		{"Member", root, 200},
		{"Outsider", other, 404},
		{"Anonymous", webtest.NewClient(t, env), 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.c.Get(path)
			if got.Status != tt.status {
				t.Fatalf("GET %s: %d, want %d", path, got.Status, tt.status)
			}
			if tt.status == 200 && (got.Header.Get("Content-Type") != "image/png" || len(got.Body) < 8 || got.Body[:8] != "\x89PNG\r\n\x1a\n") {
				t.Errorf("the upload: %s, %d bytes", got.Header.Get("Content-Type"), len(got.Body))
			}
		})
	}
}
