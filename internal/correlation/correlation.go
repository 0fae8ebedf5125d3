// Package correlation carries a request's correlation ID (GitLab's
// correlation_id, echoed as X-Request-Id) through context and onto every log
// record, so a request can be followed from the API into the jobs it starts.
package correlation

import (
	"context"
	"crypto/rand"
	"log/slog"
	"regexp"
)

type key struct{}

// WithID returns ctx carrying id.
func WithID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, id)
}

// ID returns the correlation ID in ctx, or "".
func ID(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

// NewID returns a fresh 26-character ID in Crockford's base32, the shape of
// GitLab's correlation IDs.
func NewID() string {
	return rand.Text()
}

var safeID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// Accept returns a client-sent ID when it is safe to echo and log, or a new
// one.
func Accept(sent string) string {
	if safeID.MatchString(sent) {
		return sent
	}
	return NewID()
}

// Handler is a slog.Handler that adds the correlation ID found in each
// record's context.
type Handler struct{ slog.Handler }

// NewHandler wraps h.
func NewHandler(h slog.Handler) *Handler { return &Handler{h} }

// Handle adds correlation_id when ctx has one.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if id := ID(ctx); id != "" {
		r.AddAttrs(slog.String("correlation_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the derived handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the derived handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{h.Handler.WithGroup(name)}
}
