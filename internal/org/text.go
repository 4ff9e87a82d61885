package org

import (
	"bytes"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// ValidDate reports whether s is a date in the stored form YYYY-MM-DD.
func ValidDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// NameKey returns the byte key that sorts Vietnamese personal names the Vietnamese way:
// by given name (the last word), then by the whole name, in Vietnamese collation
// (a < ă < â … d < đ). Stored with each person so lists sort in SQL.
func NameKey(fullName string) []byte { return NewNameKeyer().Key(fullName) }

// NameKeyer computes NameKey with one collator, for bulk work (import, gen) where building
// a collator per name would dominate. Not safe for concurrent use.
type NameKeyer struct {
	c   *collate.Collator
	buf collate.Buffer
}

// NewNameKeyer returns a NameKeyer.
func NewNameKeyer() *NameKeyer {
	return &NameKeyer{c: collate.New(language.Vietnamese, collate.IgnoreCase)}
}

// Key is NameKey(fullName).
func (n *NameKeyer) Key(fullName string) []byte {
	words := strings.Fields(fullName)
	given := ""
	if len(words) > 0 {
		given = words[len(words)-1]
	}
	n.buf.Reset()
	k := n.c.KeyFromString(&n.buf, given+" "+fullName)
	out := make([]byte, len(k))
	copy(out, k)
	return out
}

// collators reuses Vietnamese collators: building one costs more than sorting a page.
var collators = sync.Pool{New: func() any { return collate.New(language.Vietnamese, collate.IgnoreCase) }}

// SortUnits sorts units by name in Vietnamese collation. It computes one sort key per
// unit and compares bytes: comparing strings through the collator re-analyses both
// names at every comparison (4,9 ms for the 64 sub-units of a bloc, 0,33 ms this way).
func SortUnits(us []Unit) {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	var buf collate.Buffer
	keys := make([][]byte, len(us))
	for i, u := range us {
		k := c.KeyFromString(&buf, u.Name)
		keys[i] = append([]byte(nil), k...)
		buf.Reset()
	}
	idx := make([]int, len(us))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return bytes.Compare(keys[idx[a]], keys[idx[b]]) < 0 })
	sorted := make([]Unit, len(us))
	for i, j := range idx {
		sorted[i] = us[j]
	}
	copy(us, sorted)
}
