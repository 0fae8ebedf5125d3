package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhq/ferry/internal/ssrf"
)

// HeadTimeout bounds the header check of a remote-import URL.
const HeadTimeout = 5 * time.Second

// CheckURL checks a remote-import URL as GitLab checks it (GitLab
// 17.x-18.x, gitlabhq/gitlabhq: RemoteFile strategy 3c12c4d6 with its
// AddressableUrlValidator (schemes https), gitlab-http's UrlBlocker
// 4de6023d, RemoteFileValidator b3432e3b), and returns the parsed URL. A
// failure is *Error with GitLab's message, the first it would give:
//
//   - a blank URL: "File url must be a valid URL";
//   - one that does not parse: "File url is blocked: URI is invalid";
//   - any scheme but https, none included ("not a url"), whatever the
//     local-requests setting: "File url is blocked: Only allowed schemes
//     are https";
//   - a local address, unless allowed: "File url is blocked: Requests to
//     localhost are not allowed" and the like;
//   - no answer at all: "Failed to retrive headers: <error>" (sic);
//   - then the answer's headers, whatever its status, as GitLab reads
//     them (a 404 page is judged by its Content-Length and Content-Type):
//     "Content length is too small (should be at least 1 B)", "... too
//     big ...", "Content type '<type>' not allowed. (Allowed: ...)".
//
// Headers come from a HEAD or, when the store refuses HEAD (a pre-signed
// GET URL signs the method), from a GET of the first byte. They are not
// checked for an answer that says it is AWS S3, as GitLab. Where GitLab
// would accept an error page whose headers pass, Ferry refuses it now:
// "Failed to retrive headers: the server answered 404 Not Found".
func CheckURL(ctx context.Context, policy ssrf.Policy, raw string, maxBytes int64) (*url.URL, error) {
	u, err := checkSyntax(raw)
	if err != nil {
		return nil, err
	}
	if _, err := policy.CheckURL(ctx, raw); err != nil {
		var blocked *ssrf.BlockedError
		if errors.As(err, &blocked) {
			return nil, fail("File url is blocked: %s", blocked.Reason)
		}
		return nil, fail("File url is blocked: %s", ssrf.RedactError(err))
	}
	h, err := probe(ctx, policy, raw)
	if err != nil {
		return nil, fail("Failed to retrive headers: %s", err)
	}
	if h.s3 {
		return u, nil
	}
	if err := checkHeaders(h.size, h.contentType, maxBytes); err != nil {
		return nil, err
	}
	if h.refused != "" {
		return nil, fail("Failed to retrive headers: the server answered %s", h.refused)
	}
	return u, nil
}

// checkSyntax applies AddressableUrlValidator's first rules: present,
// parseable, https.
func checkSyntax(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fail("File url must be a valid URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fail("File url is blocked: URI is invalid")
	}
	if u.Scheme != "https" {
		return nil, fail("File url is blocked: Only allowed schemes are https")
	}
	return u, nil
}

// headers is what the header check reads of an answer.
type headers struct {
	size        int64
	contentType string
	// s3 is set for an answer from AWS S3, whose headers are not checked.
	s3 bool
	// refused is the status of a source that answered neither HEAD nor
	// the ranged GET with success; size and type are then the HEAD's.
	refused string
}

// probe reads the headers of the file at raw: a HEAD's when it succeeds
// (or AWS S3 answers), else a ranged GET's. It returns an error only when
// the source could not be asked.
func probe(ctx context.Context, policy ssrf.Policy, raw string) (headers, error) {
	ctx, cancel := context.WithTimeout(ctx, HeadTimeout)
	defer cancel()
	client := client(policy)
	resp, err := do(ctx, client, http.MethodHead, raw, nil)
	if err != nil {
		return headers{}, err
	}
	resp.Body.Close()
	head := headers{size: resp.ContentLength, contentType: resp.Header.Get("Content-Type"), s3: looksLikeS3(resp)}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 || head.s3 {
		return head, nil
	}
	head.refused = resp.Status
	resp, err = do(ctx, client, http.MethodGet, raw, http.Header{"Range": {"bytes=0-0"}})
	if err != nil {
		return head, nil
	}
	defer resp.Body.Close()
	got := headers{size: resp.ContentLength, contentType: resp.Header.Get("Content-Type")}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		total, ok := rangeTotal(resp.Header.Get("Content-Range"))
		if !ok {
			return headers{}, errors.New("the server answered a range without its total size")
		}
		got.size = total
		return got, nil
	case http.StatusOK:
		return got, nil
	}
	return head, nil
}

// client is the SSRF-checked client, which also keeps redirects on https.
func client(policy ssrf.Policy) *http.Client {
	c := policy.Client(0)
	check := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
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
// = no limit) and a body shorter than its Content-Length. The source must
// answer within the policy's Timeouts.Read and send each next piece of the
// file within it too. An answer that cannot become an archive on a retry
// (a 4xx other than 408 and 429, a size over maxBytes, a type that is not
// an archive's) is an error with a Permanent method that returns true.
func Download(ctx context.Context, policy ssrf.Policy, raw string, f io.Writer, maxBytes int64) error {
	watch := ssrf.NewWatch(ctx)
	defer watch.Stop()
	resp, err := do(watch.Context(), client(policy), http.MethodGet, raw, nil)
	if err != nil {
		return fmt.Errorf("download: %w", watch.Stalled(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("download: the server answered %s", resp.Status)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout &&
			resp.StatusCode != http.StatusTooManyRequests {
			return final(err)
		}
		return err
	}
	if !looksLikeS3(resp) {
		if err := checkType(resp.Header.Get("Content-Type")); err != nil {
			return final(fmt.Errorf("download: %w", err))
		}
	}
	watch.Expect("download: the server sent no data", policy.Timeouts.OrDefault().Read)
	return watch.Stalled(copyLimited(f, watch.Reader(resp.Body), resp.ContentLength, maxBytes))
}

// copyLimited copies body into f, checking the size against maxBytes and
// the announced length (-1 = unknown).
func copyLimited(f io.Writer, body io.Reader, announced, maxBytes int64) error {
	if maxBytes > 0 && announced > maxBytes {
		return final(fmt.Errorf("the file is %s, more than the %s allowed", HumanSize(announced), HumanSize(maxBytes)))
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
		return final(fmt.Errorf("the file is larger than the %s allowed", HumanSize(maxBytes)))
	}
	if announced >= 0 && n != announced {
		return fmt.Errorf("download: got %d bytes, the server announced %d", n, announced)
	}
	return nil
}
