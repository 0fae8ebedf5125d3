package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhq/ferry/internal/ssrf"
)

// HeadTimeout bounds the header check of a remote-import URL.
const HeadTimeout = 5 * time.Second

// CheckURL checks a remote-import URL as GitLab does: https only (http too
// when local requests are allowed), not local unless allowed, then its
// headers: a HEAD, or, when the store refuses HEAD (a pre-signed GET URL
// signs the method), a GET of the first byte. Headers are not checked for
// an answer that says it is AWS S3, as GitLab. Returns *Error with
// GitLab's message.
func CheckURL(ctx context.Context, policy ssrf.Policy, raw string, maxBytes int64) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Scheme == "" {
		return nil, fail("File url must be a valid URL")
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && policy.AllowLocal) {
		return nil, fail("File url is blocked: Only allowed schemes are https")
	}
	if _, err := policy.CheckURL(ctx, raw); err != nil {
		var blocked *ssrf.BlockedError
		if errors.As(err, &blocked) {
			return nil, fail("File url is blocked: %s", blocked.Reason)
		}
		return nil, fail("File url is blocked: %s", ssrf.RedactError(err))
	}
	size, contentType, s3, err := probe(ctx, policy, raw)
	if err != nil {
		return nil, fail("Failed to retrive headers: %s", err)
	}
	if s3 {
		return u, nil
	}
	return u, checkHeaders(size, contentType, maxBytes)
}

// probe reads the size and type of the file at raw.
func probe(ctx context.Context, policy ssrf.Policy, raw string) (size int64, contentType string, s3 bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, HeadTimeout)
	defer cancel()
	client := client(policy)
	resp, err := do(ctx, client, http.MethodHead, raw, nil)
	if err != nil {
		return 0, "", false, err
	}
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 || looksLikeS3(resp) {
		return resp.ContentLength, resp.Header.Get("Content-Type"), looksLikeS3(resp), nil
	}
	resp, err = do(ctx, client, http.MethodGet, raw, http.Header{"Range": {"bytes=0-0"}})
	if err != nil {
		return 0, "", false, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusPartialContent:
		total, ok := rangeTotal(resp.Header.Get("Content-Range"))
		if !ok {
			return 0, "", false, errors.New("the server answered a range without its total size")
		}
		return total, resp.Header.Get("Content-Type"), false, nil
	case http.StatusOK:
		return resp.ContentLength, resp.Header.Get("Content-Type"), false, nil
	}
	return 0, "", false, fmt.Errorf("the server answered %s", resp.Status)
}

// client is the SSRF-checked client, which also keeps redirects on https
// unless local (and so plain http) requests are allowed.
func client(policy ssrf.Policy) *http.Client {
	c := policy.Client(0)
	check := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" && !policy.AllowLocal {
			return fmt.Errorf("redirect to %s refused: only https is allowed", ssrf.Redact(req.URL))
		}
		return check(req, via)
	}
	return c
}

func looksLikeS3(resp *http.Response) bool {
	return resp.Header.Get("Server") == "AmazonS3" && resp.Header.Get("X-Amz-Request-Id") != ""
}

// rangeTotal reads the total of "bytes 0-0/12345".
func rangeTotal(contentRange string) (int64, bool) {
	_, total, ok := strings.Cut(contentRange, "/")
	n, err := strconv.ParseInt(total, 10, 64)
	return n, ok && err == nil
}

func do(ctx context.Context, client *http.Client, method, raw string, h http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, raw, nil)
	if err != nil {
		return nil, ssrf.RedactError(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, ssrf.RedactError(err)
	}
	return resp, nil
}

// Download copies the file at raw into f, refusing more than maxBytes (0
// = no limit) and a body shorter than its Content-Length.
func Download(ctx context.Context, policy ssrf.Policy, raw string, f *os.File, maxBytes int64) error {
	resp, err := do(ctx, client(policy), http.MethodGet, raw, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("download: the server answered %s", resp.Status)
	}
	return copyLimited(f, resp.Body, resp.ContentLength, maxBytes)
}

// copyLimited copies body into f, checking the size against maxBytes and
// the announced length (-1 = unknown).
func copyLimited(f *os.File, body io.Reader, announced, maxBytes int64) error {
	if maxBytes > 0 && announced > maxBytes {
		return fmt.Errorf("the file is %s, more than the %s allowed", HumanSize(announced), HumanSize(maxBytes))
	}
	src := body
	if maxBytes > 0 {
		src = io.LimitReader(body, maxBytes+1)
	}
	n, err := io.Copy(f, src)
	if err != nil {
		return fmt.Errorf("download: %w", ssrf.RedactError(err))
	}
	if maxBytes > 0 && n > maxBytes {
		return fmt.Errorf("the file is larger than the %s allowed", HumanSize(maxBytes))
	}
	if announced >= 0 && n != announced {
		return fmt.Errorf("download: got %d bytes, the server announced %d", n, announced)
	}
	return nil
}
