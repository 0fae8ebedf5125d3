package archive

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
)

// TestCheck pins that Check, which writes nothing, refuses every hostile
// archive Extract refuses, with the same error, and lists of a good one
// what Extract writes.
func TestCheck(t *testing.T) {
	t.Parallel()
	for _, c := range hostileCases(t) {
		t.Run(c.name, func(t *testing.T) {
			data := buildCase(t, c)
			_, _, xerr := extractInto(t, bytes.NewReader(data), c.lim)
			m, err := Check(context.Background(), bytes.NewReader(data), c.lim)
			if err == nil || xerr == nil || err.Error() != xerr.Error() || m.Entries != nil {
				t.Errorf("Check = %v, Extract = %v", err, xerr)
			}
		})
	}
	t.Run("Good", func(t *testing.T) {
		data, _ := goodArchive(t)
		lim := Limits{MaxDecompressed: 64 << 20, MaxEntries: 100}
		want, _, err := extractInto(t, bytes.NewReader(data), lim)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Check(context.Background(), bytes.NewReader(data), lim)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Check = %+v, %v; want %+v", got, err, want)
		}
	})
	t.Run("Truncated", func(t *testing.T) {
		data, _ := goodArchive(t)
		_, err := Check(context.Background(), bytes.NewReader(data[:len(data)-100]), Limits{})
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("Check of a truncated archive = %v, want ErrCorrupt", err)
		}
	})
}
