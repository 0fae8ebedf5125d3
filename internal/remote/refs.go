package remote

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Refs lists the branches and tags of project's repository (ref name →
// object id), read from git's smart HTTP ref advertisement
// (info/refs?service=git-upload-pack at the project's http_url_to_repo),
// with the token as the oauth2 password. An empty repository has none.
func (c *Client) Refs(ctx context.Context, project string) (map[string]string, error) {
	var p struct {
		HTTPURL string `json:"http_url_to_repo"`
	}
	if err := c.call(ctx, http.MethodGet, "/projects/"+ProjectID(project), &p); err != nil {
		return nil, err
	}
	if p.HTTPURL == "" {
		return nil, fmt.Errorf("project %s: the server gives no http_url_to_repo", project)
	}
	resp, err := c.send(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.HTTPURL+"/info/refs?service=git-upload-pack", nil)
		if err == nil {
			req.SetBasicAuth("oauth2", c.token)
		}
		return req, err
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	refs, err := readAdvertisement(bufio.NewReader(io.LimitReader(resp.Body, 256<<20)))
	if err != nil {
		return nil, fmt.Errorf("refs of %s: %w", project, err)
	}
	return refs, nil
}

// readAdvertisement reads pkt-lines: "# service=..." and a flush, then
// "<id> <ref>[\x00capabilities]" lines up to a flush. Branches and tags
// are kept (peeled tags, "^{}", are not).
func readAdvertisement(r *bufio.Reader) (map[string]string, error) {
	refs := map[string]string{}
	flushes := 0
	for flushes < 2 {
		line, err := pktLine(r)
		if err != nil {
			return nil, err
		}
		switch {
		case line == nil:
			flushes++
			continue
		case strings.HasPrefix(string(line), "# service="):
			continue
		}
		text, _, _ := strings.Cut(strings.TrimSuffix(string(line), "\n"), "\x00")
		id, name, ok := strings.Cut(text, " ")
		if ok && (strings.HasPrefix(name, "refs/heads/") || strings.HasPrefix(name, "refs/tags/")) && !strings.HasSuffix(name, "^{}") {
			refs[name] = id
		}
	}
	return refs, nil
}

// pktLine reads one pkt-line; nil is a flush packet.
func pktLine(r *bufio.Reader) ([]byte, error) {
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, fmt.Errorf("git advertisement: %w", err)
	}
	n, err := strconv.ParseUint(string(size[:]), 16, 16)
	switch {
	case err != nil:
		return nil, fmt.Errorf("git advertisement: bad packet length %q", size)
	case n == 0:
		return nil, nil
	case n < 4:
		return nil, fmt.Errorf("git advertisement: bad packet length %d", n)
	}
	line := make([]byte, n-4)
	if _, err := io.ReadFull(r, line); err != nil {
		return nil, fmt.Errorf("git advertisement: %w", err)
	}
	return line, nil
}
