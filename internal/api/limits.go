package api

import (
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// Default request limits (see Limits).
const (
	// DefaultBodyIdle is nginx's client_body_timeout, the timeout between
	// two reads of a body in front of GitLab.
	DefaultBodyIdle = 60 * time.Second
	// DefaultAnonymousBody lets an anonymous caller send a MaxBody body at
	// about 100 KiB/s.
	DefaultAnonymousBody = 10 * time.Second
	// DefaultMaxBody is far above any parameter body Ferry reads (the
	// largest are settings lists of a few KiB).
	DefaultMaxBody = 1 << 20
)

// MaxFormParts is Rack's multipart part limit under GitLab: a multipart
// body with more parts is refused.
const MaxFormParts = 128

// Limits bound what one request can hold of the server. Zero fields take
// the defaults.
type Limits struct {
	// BodyIdle ends a request whose body sends no byte for this long. It is
	// the only time limit on an authenticated upload, however long it runs.
	BodyIdle time.Duration
	// AnonymousBody is the whole time a caller who has not authenticated
	// (by header, query string or HTTP Basic) has to send its body.
	AnonymousBody time.Duration
	// MaxBody bounds the body of requests other than uploads, and the form
	// fields (everything but the file) of a multipart upload.
	MaxBody int64
}

func (l Limits) withDefaults() Limits {
	if l.BodyIdle <= 0 {
		l.BodyIdle = DefaultBodyIdle
	}
	if l.AnonymousBody <= 0 {
		l.AnonymousBody = DefaultAnonymousBody
	}
	if l.MaxBody <= 0 {
		l.MaxBody = DefaultMaxBody
	}
	return l
}

// guardBodies puts read deadlines on every request body: until the caller
// authenticates (trustBody), the body must arrive within AnonymousBody of
// the request's start; after, each read must bring a byte within BodyIdle.
// A read past its deadline fails with os.ErrDeadlineExceeded (a 408), and
// the server closes the connection. The deadline is lifted once the body
// is read to its end, so long answers are never cut.
func (a *API) guardBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			g := &guardedBody{body: r.Body, rc: http.NewResponseController(w), idle: a.limits.BodyIdle,
				until: time.Now().Add(a.limits.AnonymousBody)}
			g.extend()
			r.Body = g
		}
		next.ServeHTTP(w, r)
	})
}

// guardedBody renews the connection's read deadline before each read.
type guardedBody struct {
	body    io.ReadCloser
	rc      *http.ResponseController
	idle    time.Duration
	until   time.Time // the anonymous deadline
	trusted atomic.Bool
	done    atomic.Bool // read to its end
}

// TrustBody is trustBody for the web pages, once a request's session is
// found valid (see api.Config.Pages).
func TrustBody(r *http.Request) { trustBody(r) }

// trustBody lifts r's anonymous deadline: its caller has authenticated.
func trustBody(r *http.Request) {
	if g, ok := r.Body.(*guardedBody); ok {
		g.trusted.Store(true)
		g.extend()
	}
}

func (g *guardedBody) Read(p []byte) (int, error) {
	g.extend()
	n, err := g.body.Read(p)
	if err == io.EOF && !g.done.Swap(true) {
		// The server now watches the idle connection for the client going
		// away; a deadline left here would cancel the request.
		_ = g.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

func (g *guardedBody) Close() error { return g.body.Close() }

func (g *guardedBody) extend() {
	if g.done.Load() {
		return
	}
	d := time.Now().Add(g.idle)
	if !g.trusted.Load() && g.until.Before(d) {
		d = g.until
	}
	_ = g.rc.SetReadDeadline(d)
}
