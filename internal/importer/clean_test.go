package importer

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// referenceClean is the cleaner Ferry had before records were read in
// place: decode the record into a map, check its depth, clean the map,
// encode it. The in-place cleaner must give the same bytes and the same
// errors; it is kept here as the specification.
func referenceClean(raw []byte, projectID int64, users func(int64) int64) (string, error) {
	var rec map[string]any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&rec); err != nil {
		return "", err
	}
	if referenceDepth(rec, 0) > MaxDepth {
		return "", errTooDeep
	}
	referenceCleanValue(rec, projectID, func(v any) any {
		if v == nil {
			return nil
		}
		return users(referenceInt(v))
	})
	b, err := json.Marshal(rec)
	return string(b), err
}

func referenceCleanValue(v any, projectID int64, users func(any) any) {
	switch t := v.(type) {
	case map[string]any:
		src, hasSrc := t["source_project_id"]
		tgt, hasTgt := t["target_project_id"]
		if hasSrc && hasTgt && src != nil && referenceText(src) == referenceText(tgt) {
			t["source_project_id"] = projectID
		}
		for k, child := range t {
			switch {
			case dropped(k):
				delete(t, k)
			case k == "project_id" || k == "target_project_id":
				t[k] = projectID
			case userReferences[k]:
				t[k] = users(child)
			default:
				referenceCleanValue(child, projectID, users)
			}
		}
	case []any:
		for _, child := range t {
			referenceCleanValue(child, projectID, users)
		}
	}
}

func referenceDepth(v any, d int) int {
	deepest := d
	switch t := v.(type) {
	case map[string]any:
		for _, child := range t {
			deepest = max(deepest, referenceDepth(child, d+1))
		}
	case []any:
		for _, child := range t {
			deepest = max(deepest, referenceDepth(child, d+1))
		}
	}
	return deepest
}

func referenceText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func referenceInt(v any) int64 {
	var n int64
	switch t := v.(type) {
	case json.Number:
		n, _ = strconv.ParseInt(t.String(), 10, 64)
	case string:
		n, _ = strconv.ParseInt(t, 10, 64)
	}
	return n
}

// testUsers maps archive user 7 to local user 70; everyone else becomes
// the importer, 1.
func testUsers(id int64) int64 {
	if id == 7 {
		return 70
	}
	return 1
}

// cleanInPlace runs the in-place cleaner as prepare does.
func cleanInPlace(raw []byte, projectID int64) (string, error) {
	var rec record
	if err := rec.reset(raw); err != nil {
		var re *RecordError
		if errors.As(err, &re) && re.Message == errTooDeep.Error() {
			return "", errTooDeep
		}
		return "", err
	}
	c := cleaner{projectID: projectID, user: testUsers}
	return c.clean(&rec), nil
}

func checkSameClean(t *testing.T, raw []byte) {
	t.Helper()
	want, werr := referenceClean(raw, 42, testUsers)
	got, gerr := cleanInPlace(raw, 42)
	if got != want || (gerr == nil) != (werr == nil) || errors.Is(gerr, errTooDeep) != errors.Is(werr, errTooDeep) {
		t.Errorf("record %s\ncleaned in place %s (%v)\nwant             %s (%v)", raw, got, gerr, want, werr)
	}
}

var cleanCases = []string{
	`{}`,
	`{"title":"bug","color":"#ff0000","id":7,"project_id":99,"token":"s3cr3t"}`,
	`{"b":1,"a":2,"b":3}`,
	`{"a\u0062":1,"ab":2,"a\"b":3,"\u00e9":4,"é":5}`,
	`{"s":"<a href=\"x\">&amp;</a> \u2028 \u2029 \/ \b\f\n\r\t \u0001 \u001f \u007f é 😀 \ud83d\ude00"}`,
	`{"lone":"\ud800 x \udc00 \ud800\u0041 \ud83d"}`,
	"{\"bad\":\"a\xffb \xe2\x28\xa1 \xed\xa0\x80\",\"ok\":\"\xef\xbf\xbd\"}",
	`{"n":[1,-2,3.5e10,1E+2,0.0,-0],"t":true,"f":false,"z":null,"e":[],"o":{}}`,
	"{ \"spaced\" : [ 1 , { \"b\" : 2 , \"a\" : 1 } ] , \"x\" :\t\"y\" }",
	`{"source_project_id":5,"target_project_id":5,"merge_request":{"source_project_id":"5","target_project_id":5}}`,
	`{"source_project_id":null,"target_project_id":null,"project_id":null}`,
	`{"source_project_id":{"b":1,"a":2},"target_project_id":{"a":2,"b":1}}`,
	`{"source_project_id":"a\/b","target_project_id":"a/b"}`,
	`{"author_id":7,"user_id":"7","assignee_id":8,"updated_by_id":null,"closed_by_id":{"x":1},"merged_by_id":7.0,` +
		`"owner_id":99999999999999999999,"created_by_id":-7,"resolved_by_id":"x7","last_edited_by_id":true}`,
	`{"notes":[{"id":1,"note":"hi","author_id":7,"noteable_id":3,"note_html":"<p>","events":[{"target_id":1,"action":"x"}]}],` +
		`"label_ids":[1],"cached_markdown_version":3,"encrypted_x":"s","runners_token":"t","password":"p"}`,
}

func TestClean_SameAsDecoding(t *testing.T) {
	t.Parallel()
	for _, c := range cleanCases {
		checkSameClean(t, []byte(c))
	}
	for n := MaxDepth - 2; n <= MaxDepth+1; n++ {
		for _, key := range []string{"deep", "deep_ids", "author_id"} {
			for _, leaf := range []string{"1", "[]", "{}"} {
				checkSameClean(t, []byte(`{"`+key+`":`+strings.Repeat("[", n)+leaf+strings.Repeat("]", n)+`}`))
			}
		}
	}
}

// TestClean_GitLabFixture cleans every record of GitLab's own fixture
// both ways.
func TestClean_GitLabFixture(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "gitlab", "complex", "tree", "project", "*.ndjson"))
	if len(files) == 0 {
		t.Fatal("GitLab fixture missing")
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			if line := sc.Bytes(); strings.TrimSpace(string(line)) != "" {
				checkSameClean(t, line)
			}
		}
		f.Close()
	}
}

func FuzzClean(f *testing.F) {
	for _, c := range cleanCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) || !strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
			return
		}
		checkSameClean(t, raw)
	})
}

// benchRecords are the records of GitLab's fixture, for the benchmarks.
func benchRecords(b *testing.B) [][]byte {
	b.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "gitlab", "complex", "tree", "project", "*.ndjson"))
	var recs [][]byte
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(line) != "" {
				recs = append(recs, []byte(line))
			}
		}
	}
	return recs
}

// BenchmarkClean compares the in-place cleaner with decoding into maps
// (the reference), over GitLab's fixture.
func BenchmarkClean(b *testing.B) {
	recs := benchRecords(b)
	var size int64
	for _, r := range recs {
		size += int64(len(r))
	}
	b.Run("InPlace", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		var rec record
		c := cleaner{projectID: 42, user: testUsers}
		for b.Loop() {
			for _, raw := range recs {
				if err := rec.reset(raw); err != nil {
					b.Fatal(err)
				}
				c.clean(&rec)
			}
		}
	})
	b.Run("Decoding", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			for _, raw := range recs {
				if _, err := referenceClean(raw, 42, testUsers); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
