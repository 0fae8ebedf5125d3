package ferry

import "strings"

// GitLab's reserved path words, from lib/gitlab/path_regex.rb of the GitLab
// version Ferry follows (gitlabhq/gitlabhq@55eb439f6bfb82a732d86ac171ba99e29e1e6a88,
// the commit testdata/gitlab/import_export.yml was taken at). GitLab
// compares them case-insensitively and answers "<path> is a reserved name".
var (
	// topLevelRoutes (TOP_LEVEL_ROUTES) are the paths a top-level namespace
	// (group or username) may not take: GitLab's own routes use them.
	topLevelRoutes = wordSet(`- .well-known 404.html 422.html 500.html 502.html 503.html admin api
		apple-touch-icon.png assets dashboard deploy.html explore favicon.ico favicon.png files groups
		health_check help import jwt login oauth profile projects public robots.txt s search sitemap
		sitemap.xml sitemap.xml.gz slash-command-logo.png snippets unsubscribes uploads users v2`)

	// projectWildcardRoutes (PROJECT_WILDCARD_ROUTES) are the words that
	// follow a project's path in routes with a second wildcard: no project
	// may take them (ILLEGAL_PROJECT_PATH_WORDS).
	projectWildcardRoutes = wordSet(`- badges blame blob builds commits create create_dir edit
		environments/folders files find_file gitlab-lfs/objects info/lfs/objects new preview raw refs
		tree update wikis`)

	// groupRoutes (GROUP_ROUTES) follow /groups/*id; with the project
	// words they are ILLEGAL_GROUP_PATH_WORDS, which no subgroup may take.
	groupRoutes = wordSet(`-`)
)

// wordSet is the set of the space-separated words of s.
func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(s) {
		set[w] = true
	}
	return set
}

// reservedPath reports whether path is one of GitLab's reserved words for
// where it goes: a top-level namespace, a subgroup or a project.
func reservedPath(path string, kind pathKind) bool {
	lower := strings.ToLower(path)
	switch kind {
	case topLevelPath:
		return topLevelRoutes[lower]
	case subgroupPath:
		return projectWildcardRoutes[lower] || groupRoutes[lower]
	}
	return projectWildcardRoutes[lower]
}

// pathKind is where a path goes, which decides its reserved words.
type pathKind int

const (
	projectPath pathKind = iota
	topLevelPath
	subgroupPath
)
