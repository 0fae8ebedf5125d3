package ferry

import "testing"

func TestValidatePath(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		path     string
		topLevel bool
		ok       bool
	}{
		{"gitlab-test", false, true}, {"a.b_c-d", false, true}, {"A1", false, true}, {"x", false, true},
		{"", false, false}, {"-x", false, false}, {"x-", false, false}, {"a--b", false, false}, {"a/b", false, false},
		{"x.git", false, false}, {"x.atom", false, false}, {"../x", false, false}, {"api", true, false},
		{"api", false, true}, {"white space", false, false}, {"V2", true, false}, {"tree", false, false},
		{"profile", false, true}, {"new", true, true},
	} {
		if err := ValidatePath(tt.path, tt.topLevel); (err == nil) != tt.ok {
			t.Errorf("ValidatePath(%q, %v) = %v, want ok %v", tt.path, tt.topLevel, err, tt.ok)
		}
	}
}

func TestValidateProjectPath(t *testing.T) {
	t.Parallel()
	for path, ok := range map[string]bool{"tree": false, "Blob": false, "raw": false, "files": false, "wikis": false,
		"api": true, "import": true, "trees": true, "-": false} {
		if err := ValidateProjectPath(path); (err == nil) != ok {
			t.Errorf("ValidateProjectPath(%q) = %v, want ok %v", path, err, ok)
		}
	}
}

func TestValidBranchName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"main", true}, {"feature/x", true}, {"release-1.0", true},
		{"", false}, {"a..b", false}, {"-x", false}, {"x.lock", false}, {"a b", false}, {"x/", false},
		{"a@{1}", false}, {"x~1", false}, {".hidden", false}, {"a/.b", false}, {"a\x00b", false},
	} {
		if got := ValidBranchName(tt.name); got != tt.ok {
			t.Errorf("ValidBranchName(%q) = %v, want %v", tt.name, got, tt.ok)
		}
	}
}

func TestPathFromName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"My Project": "my-project", "  Ünïcode & Co ": "n-code-co", "a__b": "a-b"} {
		if got := PathFromName(in); got != want {
			t.Errorf("PathFromName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAccessLevel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]AccessLevel{"10": Guest, "20": Reporter, "30": Developer, "40": Maintainer, "50": Owner} {
		if got, err := ParseAccessLevel(in); err != nil || got != want {
			t.Errorf("ParseAccessLevel(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"0", "15", "60", "owner", ""} {
		if _, err := ParseAccessLevel(bad); err == nil {
			t.Errorf("ParseAccessLevel(%q) accepted", bad)
		}
	}
}
