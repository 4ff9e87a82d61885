// Package notation reads the number notation (số, ký hiệu) of Vietnamese documents.
//
// Two families exist (DOMAIN.md section 6):
//   - Party documents: "Số 16-CTr/ĐUK", "04-NQ/ĐUK", "290-QĐ/TW" — number, a dash, the
//     type code, a slash, the issuing body; no colon after "Số".
//   - State documents (Nghị định 30/2020/NĐ-CP): "Số: 12/QĐ-UBND", "30/2020/NĐ-CP" —
//     number, optionally the year, a slash, the type code, a dash, the issuing body; an
//     official letter (công văn) has no type code: "15/UBND-VX" is issuer UBND, drafting
//     unit VX.
//
// People type these by hand: any case, en or em dashes, spaces around the separators, a
// missing or doubled "Số". Parse accepts all of that and unknown type codes; it refuses
// only what has no number or no issuing body. Key gives the folded form used for
// uniqueness and search ("04-NQ/DUK" finds "04-NQ/ĐUK").
package notation

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"danvan/internal/search"
)

// Form is the family of a notation.
type Form string

const (
	Party Form = "party" // văn bản của Đảng
	State Form = "state" // văn bản nhà nước
)

// Notation is a parsed document number.
type Notation struct {
	Form   Form
	Number string // as written, leading zeros kept: "04"
	Year   int    // a state notation's year ("30/2020/NĐ-CP"), else 0
	Type   string // type code in its usual case: "NQ", "QĐi", "CTr"; "" for a state letter or law
	Issuer string // issuing body (and drafting unit for a letter): "ĐUK", "UBND", "UBND-VX", "QH15"
}

// Errors of Parse.
var (
	ErrEmpty    = errors.New("notation: empty")
	ErrNoNumber = errors.New("notation: no number")
	ErrNoIssuer = errors.New("notation: no issuing body")
	ErrBadChar  = errors.New("notation: character not allowed")
	ErrTooLong  = errors.New("notation: too long")
)

// MaxLen bounds the input (in runes).
const MaxLen = 80

// knownTypes maps the folded type code to its usual spelling. Unknown codes are kept.
var knownTypes = map[string]string{}

func init() {
	for _, c := range []string{"NQ", "QĐ", "QĐi", "CT", "KL", "QC", "TT", "HD", "HĐ", "TB", "BC", "KH", "CTr", "TTr", "ĐA", "PA", "BB", "CV",
		"QyĐ", "NĐ", "TTLT", "CĐ", "GM", "GUQ", "GGT", "PC", "PB", "TTg", "VBHN", "ĐK", "DA", "TCT", "HDLT", "QĐ-TTg"} {
		knownTypes[search.Fold(c)] = c
	}
}

// IsKnownType reports whether a type code is one of the usual ones.
func IsKnownType(code string) bool { _, ok := knownTypes[search.Fold(code)]; return ok }

// normalise cleans the input: NFC, every dash-like rune to '-', slash-like runes to '/',
// no spaces around separators, single spaces elsewhere.
func normalise(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '‐', '‑', '‒', '–', '—', '―', '−', '﹣', '－':
			r = '-'
		case '／', '⁄', '∕', '\\':
			r = '/'
		case '\u00a0', '\u2007', '\u202f', '\t', '\n', '\r':
			r = ' '
		}
		if unicode.IsSpace(r) {
			r = ' '
		}
		b.WriteRune(r)
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	for _, sep := range []string{"-", "/"} {
		out = strings.ReplaceAll(out, " "+sep, sep)
		out = strings.ReplaceAll(out, sep+" ", sep)
	}
	return out
}

// stripPrefix removes a leading "Số", "Số:", "So.", "No." (any case, repeated). "Sở…"
// is not a prefix: "Số" must be followed by a separator, a digit or nothing.
func stripPrefix(s string) string {
	for {
		rs := []rune(s)
		if len(rs) < 2 {
			return s
		}
		first, second := unicode.ToLower(rs[0]), unicode.ToLower(rs[1])
		if !(first == 's' && (second == 'o' || second == 'ô' || second == 'ố')) && !(first == 'n' && second == 'o') {
			return s
		}
		rest := string(rs[2:])
		if r, _ := utf8.DecodeRuneInString(rest); rest != "" && !(r == ':' || r == '.' || r == ' ' || unicode.IsDigit(r)) {
			return s
		}
		s = strings.TrimLeft(rest, ":. ")
	}
}

func allowed(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '/' || r == '.' || r == '&'
}

// Parse reads a notation. Errors: ErrEmpty, ErrNoNumber, ErrNoIssuer, ErrBadChar, ErrTooLong.
func Parse(s string) (Notation, error) {
	if utf8.RuneCountInString(s) > MaxLen*2 {
		return Notation{}, ErrTooLong
	}
	s = stripPrefix(normalise(s))
	// Spaces left inside are between tokens without a separator ("04 NQ/ĐUK"): read as a dash.
	s = strings.ReplaceAll(s, " ", "-")
	s = strings.Trim(s, "-/.")
	if s == "" {
		return Notation{}, ErrEmpty
	}
	if utf8.RuneCountInString(s) > MaxLen {
		return Notation{}, ErrTooLong
	}
	for _, r := range s {
		if !allowed(r) {
			return Notation{}, ErrBadChar
		}
	}
	s = collapse(s)
	for strings.Contains(s, "//") {
		s = strings.ReplaceAll(s, "//", "/")
	}
	// The number: leading digits (a letter suffix such as "01a" is kept).
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return Notation{}, ErrNoNumber
	}
	j := i
	for j < len(s) && s[j] < utf8.RuneSelf && unicode.IsLetter(rune(s[j])) && j-i < 2 && (j+1 == len(s) || s[j+1] == '-' || s[j+1] == '/') {
		j++
	}
	n := Notation{Number: strings.ToLower(s[:j])}
	rest := s[j:]
	switch {
	case strings.HasPrefix(rest, "-"):
		// Party: N-TYPE/ISSUER.
		n.Form = Party
		rest = rest[1:]
		typ, issuer, ok := strings.Cut(rest, "/")
		if !ok {
			// "04-NQ" without issuer, or "04-NQ-ĐUK": take the last dash as the slash.
			k := strings.LastIndexByte(rest, '-')
			if k < 0 {
				return Notation{}, ErrNoIssuer
			}
			typ, issuer = rest[:k], rest[k+1:]
		}
		issuer = strings.Trim(collapse(strings.ReplaceAll(issuer, "/", "-")), "-")
		if typ == "" || issuer == "" {
			return Notation{}, ErrNoIssuer
		}
		n.Type = typeCase(strings.Trim(typ, "-"))
		n.Issuer = issuerCase(issuer)
	case strings.HasPrefix(rest, "/"):
		n.Form = State
		rest = rest[1:]
		// Optional year: 30/2020/NĐ-CP.
		if y, after, ok := strings.Cut(rest, "/"); ok && len(y) == 4 && allDigits(y) && y >= "1945" && y <= "2199" {
			n.Year, _ = strconv.Atoi(y)
			rest = after
		}
		rest = strings.Trim(collapse(strings.ReplaceAll(rest, "/", "-")), "-")
		if rest == "" {
			return Notation{}, ErrNoIssuer
		}
		first, after, hasDash := strings.Cut(rest, "-")
		switch {
		case hasDash && after != "" && IsKnownType(first) && !IsKnownType(rest):
			n.Type = typeCase(first)
			n.Issuer = issuerCase(after)
		case IsKnownType(rest) && hasDash:
			// A compound known code such as "QĐ-TTg": the type is its first part, issuer the rest.
			n.Type = typeCase(first)
			n.Issuer = issuerCase(after)
		case !hasDash && IsKnownType(rest):
			return Notation{}, ErrNoIssuer
		default:
			n.Issuer = issuerCase(rest)
		}
	default:
		return Notation{}, ErrNoIssuer
	}
	return n, nil
}

func collapse(s string) string {
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// typeCase gives a known code its usual spelling; an unknown one typed in lower case is
// upper-cased, otherwise kept as written (mixed case such as "QĐi" is meaningful).
func typeCase(code string) string {
	if c, ok := knownTypes[search.Fold(code)]; ok {
		return c
	}
	if code == strings.ToLower(code) {
		return strings.ToUpper(code)
	}
	return code
}

// issuerCase upper-cases an issuing body, except for the usual "TTg" (Thủ tướng).
func issuerCase(s string) string {
	parts := strings.Split(s, "-")
	for i, p := range parts {
		if search.Fold(p) == "ttg" {
			parts[i] = "TTg"
			continue
		}
		parts[i] = strings.ToUpper(p)
	}
	return strings.Join(parts, "-")
}

// String is the notation in its usual form without "Số": "04-NQ/ĐUK", "12/QĐ-UBND",
// "30/2020/NĐ-CP", "15/UBND-VX".
func (n Notation) String() string {
	if n.Number == "" {
		return ""
	}
	if n.Form == Party {
		return n.Number + "-" + n.Type + "/" + n.Issuer
	}
	s := n.Number + "/"
	if n.Year != 0 {
		s += strconv.Itoa(n.Year) + "/"
	}
	if n.Type != "" {
		s += n.Type + "-"
	}
	return s + n.Issuer
}

// Display is the notation as printed on the document: "Số 16-CTr/ĐUK" (Party, no colon)
// or "Số: 12/QĐ-UBND" (state).
func (n Notation) Display() string {
	if n.Number == "" {
		return ""
	}
	if n.Form == Party {
		return "Số " + n.String()
	}
	return "Số: " + n.String()
}

// Key is the folded notation with the number's leading zeros dropped, for uniqueness and
// search: "4-nq/duk" for "04-NQ/ĐUK".
func (n Notation) Key() string {
	num := strings.TrimLeft(n.Number, "0")
	if num == "" || !unicode.IsDigit(rune(num[0])) {
		num = "0" + num
	}
	m := n
	m.Number = num
	return search.Fold(m.String())
}

// KeyOf parses s and returns its Key, or "" when s is not a notation.
func KeyOf(s string) string {
	n, err := Parse(s)
	if err != nil {
		return ""
	}
	return n.Key()
}
