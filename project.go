package ferry

import "time"

// Project is a GitLab project: metadata plus a bare git repository stored
// under the data folder by ID.
type Project struct {
	ID            int64
	NamespaceID   int64
	Namespace     Namespace // filled by the store on reads
	Name          string
	Path          string
	Description   string
	Visibility    string
	DefaultBranch string
	CreatorID     int64
	// OpenIssuesCount is how many of the project's issues are open.
	OpenIssuesCount int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// FullPath is the project's path with its namespace, e.g. "group/sub/project".
func (p Project) FullPath() string { return p.Namespace.FullPath + "/" + p.Path }

// FullName is the name with its namespace, e.g. "Group / Sub / Project".
func (p Project) FullName() string { return p.Namespace.FullName + " / " + p.Name }

// Member grants a user an access level on a group or a project.
type Member struct {
	SourceKind  string // MemberOfProject or MemberOfNamespace
	SourceID    int64
	User        User
	AccessLevel AccessLevel
	CreatedAt   time.Time
	ExpiresAt   *time.Time
	// Inherited is the namespace a membership comes from when it is listed
	// on a descendant (0 when direct).
	Inherited int64
}

// Member source kinds.
const (
	MemberOfProject   = "Project"
	MemberOfNamespace = "Namespace"
)
