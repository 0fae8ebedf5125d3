package archive

//go:generate go run ./schemagen -yml ../../testdata/gitlab/import_export.yml -commit 55eb439f6bfb82a732d86ac171ba99e29e1e6a88 -out schema_gitlab.go

// schemaNode is one relation of GitLab's export tree, as generated.
type schemaNode struct {
	name     string
	children []schemaNode
}

// schemaLists are one relation's lists in import_export.yml.
type schemaLists struct {
	only, except, methods []string
}

// Relation is one relation of GitLab's export tree: the attributes GitLab's
// exporter writes for its records and the sub-relations nested in them.
// It follows Rails' serializable_hash, which GitLab's exporter calls with
// only (included_attributes), except (excluded_attributes), methods and
// include (the tree): when only is set, exactly those attributes are
// written (except is not consulted; the generator makes sure the two never
// overlap); otherwise every attribute but those in except. Methods are
// always written. A Relation is read-only.
type Relation struct {
	Name     string
	Children []*Relation

	// keys says, for each key named in the lists or the tree, what
	// happens to it; other keys are written when others is set (the
	// relation has no only list).
	keys   map[string]keyRule
	others bool
}

// ExportTree is the root of GitLab's export tree, the project: its
// attributes are tree/project.json, and each child is one
// tree/project/<name>.ndjson file, in the order GitLab writes them.
var ExportTree = newRelation(gitlabTree, gitlabAttributes)

// newRelation builds the Relation of n, with the attribute lists of each
// relation in attrs.
func newRelation(n schemaNode, attrs map[string]schemaLists) *Relation {
	lists := attrs[n.name]
	r := &Relation{Name: n.name, keys: map[string]keyRule{}, others: lists.only == nil}
	for _, k := range lists.except {
		r.keys[k] = keyRule{}
	}
	for _, k := range lists.only {
		r.keys[k] = keyRule{write: true}
	}
	for _, k := range lists.methods {
		r.keys[k] = keyRule{write: true}
	}
	for _, c := range n.children {
		child := newRelation(c, attrs)
		r.Children = append(r.Children, child)
		r.keys[c.name] = keyRule{child: child}
	}
	return r
}

// keyRule is what happens to one key of a record: it is a sub-relation
// (child), an attribute written as it is (write), or left out.
type keyRule struct {
	child *Relation
	write bool
}

// rule is the keyRule of key (given as bytes: no allocation).
func (r *Relation) rule(key []byte) keyRule {
	if k, ok := r.keys[string(key)]; ok {
		return k
	}
	return keyRule{write: r.others}
}

// Child returns the sub-relation name of r, or nil when GitLab does not
// export one of that name under r.
func (r *Relation) Child(name string) *Relation { return r.keys[name].child }

// Writes reports whether GitLab's exporter writes the attribute key of r's
// records (a sub-relation is not an attribute: see Child).
func (r *Relation) Writes(key string) bool { return r.rule([]byte(key)).write }
