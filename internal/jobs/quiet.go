package jobs

import (
	"context"
	"log/slog"
)

// quiet returns a logger that writes River's routine messages (its Info
// lines: producer job counts every few seconds, each migration applied)
// at Debug, so that an idle Ferry's log stays quiet at the default
// level; warnings and errors keep their level.
func quiet(l *slog.Logger) *slog.Logger {
	if l == nil {
		return nil
	}
	return slog.New(quietHandler{l.Handler()})
}

type quietHandler struct{ next slog.Handler }

func (h quietHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, lowered(level))
}

func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Level = lowered(r.Level)
	return h.next.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quietHandler{h.next.WithAttrs(attrs)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.next.WithGroup(name)}
}

func lowered(level slog.Level) slog.Level {
	if level == slog.LevelInfo {
		return slog.LevelDebug
	}
	return level
}
