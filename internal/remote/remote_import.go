package remote

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// StartRemoteImport asks the server to import the archive at archiveURL
// (POST /projects/remote-import, GitLab's API: the server downloads it
// itself, from an https URL) and returns the new project's import status.
// The URL is sent in the body and never logged nor put in an error: a
// pre-signed URL grants whoever holds it the archive.
func (c *Client) StartRemoteImport(ctx context.Context, archiveURL string, im Import) (ImportStatus, error) {
	form := url.Values{"url": {archiveURL}}
	for _, kv := range im.fields() {
		form.Set(kv[0], kv[1])
	}
	var st ImportStatus
	if _, err := c.request(ctx, http.MethodPost, "/projects/remote-import", form, &st); err != nil {
		return st, err
	}
	if st.ID == 0 {
		return st, fmt.Errorf("POST /projects/remote-import: the answer names no project")
	}
	return st, nil
}
