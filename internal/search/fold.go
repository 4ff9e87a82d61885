// Package search folds Vietnamese text for matching without diacritics.
//
// A user typing "dan van kheo", "DAN VAN KHEO" or "dân vận khéo" must find the same
// records, and "04-NQ/DUK" must find "04-NQ/ĐUK". Unicode decomposition removes tone
// and vowel marks but leaves đ/Đ alone (it is a separate letter, not d + mark), so
// Fold maps it explicitly. Every searchable table keeps a folded column written with
// Fold; queries fold the user's input the same way.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s lower-cased, without diacritics, with đ→d, invalid UTF-8 dropped and
// runs of white space collapsed to one space.
func Fold(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	space := false
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimRight(b.String(), " ")
}

// Clean normalises user input for storage: valid UTF-8, NFC, trimmed, control characters
// other than newline and tab removed.
func Clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r == '\r' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// LikePattern returns a LIKE pattern matching folded text that contains every word of
// the folded query, in order, with % and _ escaped (use ESCAPE '\').
func LikePattern(query string) string {
	q := Fold(query)
	if q == "" {
		return ""
	}
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ReplaceAll(r.Replace(q), " ", "%") + "%"
}
