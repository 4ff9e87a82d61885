package org

import (
	"sort"
	"strings"
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

// SortUnits sorts units by name in Vietnamese collation.
func SortUnits(us []Unit) {
	c := collate.New(language.Vietnamese, collate.IgnoreCase)
	sort.SliceStable(us, func(i, j int) bool { return c.CompareString(us[i].Name, us[j].Name) < 0 })
}
