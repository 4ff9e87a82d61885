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
func NameKey(fullName string) []byte {
	c := collate.New(language.Vietnamese, collate.IgnoreCase)
	words := strings.Fields(fullName)
	given := ""
	if len(words) > 0 {
		given = words[len(words)-1]
	}
	var buf collate.Buffer
	k := c.KeyFromString(&buf, given+" "+fullName)
	out := make([]byte, len(k))
	copy(out, k)
	return out
}

// SortUnits sorts units by name in Vietnamese collation.
func SortUnits(us []Unit) {
	c := collate.New(language.Vietnamese, collate.IgnoreCase)
	sort.SliceStable(us, func(i, j int) bool { return c.CompareString(us[i].Name, us[j].Name) < 0 })
}
