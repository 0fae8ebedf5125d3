package exporter

import (
	"fmt"
	"strings"
	"time"
)

// Filename is GitLab's export file name: "<%Y-%m-%d_%H-%M-%3N>_<full path
// with / as _>" cut to 51 characters, then "_export.tar.gz". %3N is the
// milliseconds (there is no seconds field).
func Filename(t time.Time, fullPath string) string {
	stamp := fmt.Sprintf("%s-%03d", t.Format("2006-01-02_15-04"), t.Nanosecond()/int(time.Millisecond))
	base := stamp + "_" + strings.ReplaceAll(fullPath, "/", "_")
	if r := []rune(base); len(r) > 51 {
		base = string(r[:51])
	}
	return base + "_export.tar.gz"
}
