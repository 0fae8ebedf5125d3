package content

import "strings"

// DetailedStatus is GitLab's DetailedStatusEntity of a pipeline or job.
type DetailedStatus struct {
	Icon         string  `json:"icon"`
	Text         string  `json:"text"`
	Label        string  `json:"label"`
	Group        string  `json:"group"`
	Tooltip      string  `json:"tooltip"`
	HasDetails   bool    `json:"has_details"`
	DetailsPath  string  `json:"details_path"`
	Illustration *string `json:"illustration"`
	Favicon      string  `json:"favicon"`
}

// statusLabels are Gitlab::Ci::Status's labels and icons where they are
// not the status itself.
var statusLabels = map[string][2]string{
	"success":              {"passed", "status_success"},
	"manual":               {"manual action", "status_manual"},
	"scheduled":            {"delayed", "status_scheduled"},
	"waiting_for_resource": {"waiting for resource", "status_pending"},
	"preparing":            {"preparing", "status_preparing"},
}

// detailedStatus is the detailed status of status, with details at path.
func detailedStatus(status, path string) DetailedStatus {
	label, icon := status, "status_"+status
	if l, ok := statusLabels[status]; ok {
		label, icon = l[0], l[1]
	}
	text := label
	if text != "" {
		text = strings.ToUpper(text[:1]) + text[1:]
	}
	return DetailedStatus{Icon: icon, Text: text, Label: label, Group: status, Tooltip: label, HasDetails: true,
		DetailsPath: path, Favicon: "/assets/ci_favicons/favicon_" + icon + ".png"}
}
