package jobs

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestQuiet(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		level slog.Level
		want  []string
	}{
		{slog.LevelInfo, []string{"level=WARN msg=warned", "level=ERROR msg=failed"}},
		{slog.LevelDebug, []string{"level=DEBUG msg=routine", "level=WARN msg=warned", "level=ERROR msg=failed"}},
	} {
		var buf bytes.Buffer
		l := quiet(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tt.level})))
		l.Info("routine")
		l.Warn("warned")
		l.With("k", "v").Error("failed")
		for _, w := range tt.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("at %v: log lacks %q:\n%s", tt.level, w, buf.String())
			}
		}
		if tt.level == slog.LevelInfo && strings.Contains(buf.String(), "routine") {
			t.Errorf("a routine line shows at Info:\n%s", buf.String())
		}
	}
}
