package blob

import (
	"fmt"
	"strconv"
)

// Where Ferry keeps each kind of blob. A project's blobs sit under
// prefixes named by its id, so they can be found, exported and deleted
// together.
const (
	exportsDir = "exports"
	uploadsDir = "uploads"
	lfsDir     = "lfs"
	extraDir   = "extra"
	// ImportsPrefix holds uploaded archives until their import ends.
	ImportsPrefix = "imports"
)

// Prefixes are the top folders of every blob Ferry stores.
var Prefixes = []string{exportsDir, uploadsDir, lfsDir, extraDir, ImportsPrefix}

func projectPrefix(dir string, projectID int64) string {
	return dir + "/" + strconv.FormatInt(projectID, 10)
}

// ExportKey is the blob of one export archive.
func ExportKey(projectID, exportID int64, name string) string {
	return fmt.Sprintf("%s/%d/%s", projectPrefix(exportsDir, projectID), exportID, name)
}

// UploadsPrefix holds a project's uploads as <secret>/<file>.
func UploadsPrefix(projectID int64) string { return projectPrefix(uploadsDir, projectID) }

// LFSPrefix holds a project's LFS objects (objects/<oid>) and their index
// (lfs-objects.json).
func LFSPrefix(projectID int64) string { return projectPrefix(lfsDir, projectID) }

// ExtraPrefix holds archive files kept as they came (design and snippet
// bundles, the avatar), at their archive paths.
func ExtraPrefix(projectID int64) string { return projectPrefix(extraDir, projectID) }

// ProjectPrefixes are every prefix of project id's blobs.
func ProjectPrefixes(projectID int64) []string {
	return []string{projectPrefix(exportsDir, projectID), UploadsPrefix(projectID), LFSPrefix(projectID), ExtraPrefix(projectID)}
}

// GroupExportKey is the blob of one group export archive. Group exports
// sit under exports/groups, beside the projects' numbered folders.
func GroupExportKey(groupID, exportID int64, name string) string {
	return fmt.Sprintf("%s/groups/%d/%d/%s", exportsDir, groupID, exportID, name)
}
