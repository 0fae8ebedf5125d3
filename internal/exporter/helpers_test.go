package exporter

import (
	"log/slog"
	"strconv"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
