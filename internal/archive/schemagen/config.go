package main

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// node is one relation of the tree with its sub-relations in the yml's
// order.
type node struct {
	name     string
	children []*node
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// merge adds other's sub-relations to n: those n has are merged in turn,
// the others appended, as Ruby's Hash#deep_merge does.
func (n *node) merge(other *node) {
	for _, oc := range other.children {
		if c := n.child(oc.name); c != nil {
			c.merge(oc)
		} else {
			n.children = append(n.children, oc)
		}
	}
}

// config is the part of import_export.yml that decides what the exporter
// writes, with the EE section merged in.
type config struct {
	project  *node
	included map[string][]string
	excluded map[string][]string
	methods  map[string][]string
}

type section struct {
	Tree     map[string]any      `yaml:"tree"`
	Included map[string][]string `yaml:"included_attributes"`
	Excluded map[string][]string `yaml:"excluded_attributes"`
	Methods  map[string][]string `yaml:"methods"`
}

// parseConfig reads import_export.yml (anchors and aliases resolved by the
// YAML decoder) and merges its ee section into the rest.
func parseConfig(data []byte) (*config, error) {
	var file struct {
		section `yaml:",inline"`
		EE      section `yaml:"ee"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		return nil, err
	}
	project, err := tree("project", file.Tree["project"])
	if err != nil {
		return nil, err
	}
	eeProject, err := tree("project", file.EE.Tree["project"])
	if err != nil {
		return nil, err
	}
	project.merge(eeProject)
	return &config{project: project,
		included: concat(file.Included, file.EE.Included),
		excluded: concat(file.Excluded, file.EE.Excluded),
		methods:  concat(file.Methods, file.EE.Methods)}, nil
}

// tree turns a yml tree list (":name" or "name: [...]" items) into nodes.
func tree(name string, v any) (*node, error) {
	n := &node{name: name}
	items, ok := v.([]any)
	if v != nil && !ok {
		return nil, fmt.Errorf("tree %s: want a list, got %T", name, v)
	}
	for _, item := range items {
		switch t := item.(type) {
		case string:
			n.children = append(n.children, &node{name: symbol(t)})
		case map[string]any:
			if len(t) != 1 {
				return nil, fmt.Errorf("tree %s: an item with %d keys", name, len(t))
			}
			for k, sub := range t {
				c, err := tree(symbol(k), sub)
				if err != nil {
					return nil, err
				}
				n.children = append(n.children, c)
			}
		default:
			return nil, fmt.Errorf("tree %s: unexpected %T", name, item)
		}
	}
	return n, nil
}

// concat merges two attribute maps as GitLab's Config does (lists of the
// same key concatenated), with the leading ":" of each symbol dropped and
// duplicates removed.
func concat(a, b map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, m := range []map[string][]string{a, b} {
		for k, list := range m {
			for _, s := range list {
				if s = symbol(s); !slices.Contains(out[k], s) {
					out[k] = append(out[k], s)
				}
			}
		}
	}
	return out
}

func symbol(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), ":") }
