// Package split cuts the text of a Vietnamese legal draft (dự thảo) into its parts:
// chương (chapter), mục (section), điều (article), khoản (clause) and điểm (point).
//
// The markers follow the drafting rules of Nghị định 30/2020 and of Party documents:
// "Chương I" / "CHƯƠNG 2" on a line (its title often on the next line), "Mục 1.",
// "Điều 5." or "Điều 5:" with the article's title after it, "1." for a clause and "a)"
// for a point (the Vietnamese alphabet without f, j, w, z but with đ). A line that is
// none of these continues the part above it. Clauses and points are only recognised
// inside an article, so a numbered list in the preamble stays text.
package split

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Level is the kind of a part.
type Level string

const (
	Chapter Level = "chuong" // Chương
	Section Level = "muc"    // Mục
	Article Level = "dieu"   // Điều
	Clause  Level = "khoan"  // Khoản
	Point   Level = "diem"   // Điểm
)

// Label is the level's Vietnamese name.
func (l Level) Label() string {
	switch l {
	case Chapter:
		return "Chương"
	case Section:
		return "Mục"
	case Article:
		return "Điều"
	case Clause:
		return "Khoản"
	case Point:
		return "Điểm"
	}
	return string(l)
}

// Part is one piece of the body, in document order.
type Part struct {
	Level   Level
	Number  string // "I", "1", "5", "2", "a" as written
	Heading string // title of a chapter, section or article; "" for clauses and points
	Text    string // the part's own text (lines joined by "\n"), children excluded
	// Key identifies the part within a version and across versions: "c1", "c1.m2",
	// "d5", "d5.2", "d5.2.a". Articles are numbered through the whole document, so
	// an article's key does not depend on its chapter.
	Key string
}

// Ref is the usual way to cite the part: "Điều 5", "Khoản 2 Điều 5", "Điểm a khoản 2 Điều 5".
func (p Part) Ref() string {
	switch p.Level {
	case Chapter:
		return "Chương " + p.Number
	case Section:
		return "Mục " + p.Number
	case Article:
		return "Điều " + p.Number
	case Clause:
		art, _, _ := strings.Cut(strings.TrimPrefix(p.Key, "d"), ".")
		return "Khoản " + p.Number + " Điều " + art
	case Point:
		ks := strings.Split(strings.TrimPrefix(p.Key, "d"), ".")
		if len(ks) == 3 {
			return "Điểm " + p.Number + " khoản " + ks[1] + " Điều " + ks[0]
		}
		return "Điểm " + p.Number + " Điều " + ks[0]
	}
	return p.Key
}

// Depth is the indentation of the part: chapters 0, sections 1, articles 1 or 2…
func (p Part) Depth() int {
	switch p.Level {
	case Chapter:
		return 0
	case Section:
		return 1
	case Article:
		return 2
	case Clause:
		return 3
	}
	return 4
}

// Result is a split body.
type Result struct {
	Preamble string // text before the first chapter or article (title, bases)
	Parts    []Part
	Articles int
}

// ErrNoArticles says the text has no line starting with "Điều N.".
var ErrNoArticles = errors.New("split: no articles")

// MaxParts bounds the parts of one body (a code of law has about 700 articles).
const MaxParts = 20000

// ErrTooLarge says the body has more parts than MaxParts.
var ErrTooLarge = errors.New("split: too many parts")

// Split cuts text into parts. It fails with ErrNoArticles when no article is found.
func Split(text string) (Result, error) {
	var res Result
	text = strings.ToValidUTF8(text, "")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	var pre []string
	cur := -1 // index of the part receiving continuation lines
	var chapter, section, article, clause string
	inArticle := false
	wantTitle := false // a chapter or section without a title takes the next line
	seen := map[string]bool{}
	add := func(p Part) {
		// Keys must be unique; a repeated number (a typo in the draft) gets a suffix.
		k := p.Key
		for i := 2; seen[p.Key]; i++ {
			p.Key = k + "#" + itoa(i)
		}
		seen[p.Key] = true
		res.Parts = append(res.Parts, p)
		cur = len(res.Parts) - 1
	}
	for _, raw := range lines {
		line := strings.TrimSpace(strings.Map(normaliseSpace, raw))
		if line == "" {
			continue
		}
		if len(res.Parts) >= MaxParts {
			return Result{}, ErrTooLarge
		}
		if num, rest, ok := marker(line, "chương"); ok && isChapterNumber(num) {
			chapter, section, article, clause = num, "", "", ""
			inArticle = false
			add(Part{Level: Chapter, Number: num, Heading: rest, Key: "c" + num})
			wantTitle = rest == ""
			continue
		}
		if num, rest, ok := marker(line, "mục"); ok && isDigits(num) {
			section, article, clause = num, "", ""
			inArticle = false
			add(Part{Level: Section, Number: num, Heading: rest, Key: "c" + chapter + ".m" + num})
			wantTitle = rest == ""
			continue
		}
		if num, rest, ok := articleMarker(line); ok {
			article, clause = num, ""
			inArticle = true
			wantTitle = false
			res.Articles++
			add(Part{Level: Article, Number: num, Heading: rest, Key: "d" + num})
			continue
		}
		if wantTitle && cur >= 0 {
			res.Parts[cur].Heading = line
			wantTitle = false
			continue
		}
		if inArticle {
			if num, rest, ok := clauseMarker(line); ok {
				clause = num
				add(Part{Level: Clause, Number: num, Text: rest, Key: "d" + article + "." + num})
				continue
			}
			if letter, rest, ok := pointMarker(line); ok {
				key := "d" + article + "." + letter
				if clause != "" {
					key = "d" + article + "." + clause + "." + letter
				}
				add(Part{Level: Point, Number: letter, Text: rest, Key: key})
				continue
			}
		}
		if cur < 0 {
			pre = append(pre, line)
			continue
		}
		p := &res.Parts[cur]
		if p.Text == "" {
			p.Text = line
		} else {
			p.Text += "\n" + line
		}
	}
	_ = section
	res.Preamble = strings.Join(pre, "\n")
	if res.Articles == 0 {
		return Result{}, ErrNoArticles
	}
	return res, nil
}

func normaliseSpace(r rune) rune {
	if r == '\u00a0' || r == '\t' || r == '\u2003' || r == '\u2002' {
		return ' '
	}
	if r == '\ufeff' || r == '\u200b' {
		return -1
	}
	return r
}

// marker matches "<word> <num>[.:]? rest" case-insensitively for a Vietnamese word.
func marker(line, word string) (num, rest string, ok bool) {
	n := len(word)
	if len(line) < n+2 || !strings.EqualFold(line[:n], word) {
		// "CHƯƠNG" upper case has the same byte length in UTF-8 as "chương".
		return "", "", false
	}
	s := line[n:]
	if s[0] != ' ' {
		return "", "", false
	}
	s = strings.TrimLeft(s, " ")
	i := 0
	for i < len(s) && (isASCIIDigit(s[i]) || isRomanByte(s[i])) {
		i++
	}
	if i == 0 {
		return "", "", false
	}
	num = strings.ToUpper(s[:i])
	s = s[i:]
	if s != "" && s[0] != ' ' && s[0] != '.' && s[0] != ':' && s[0] != '-' {
		return "", "", false
	}
	rest = strings.TrimLeft(s, ".:- –")
	return num, strings.TrimSpace(rest), true
}

// articleMarker matches "Điều 5." / "Điều 5:" / "Điều 5a." / "ĐIỀU 5" at the start of a line.
func articleMarker(line string) (num, rest string, ok bool) {
	const w = "điều"
	if len(line) < len(w)+2 || !strings.EqualFold(line[:len(w)], w) || line[len(w)] != ' ' {
		return "", "", false
	}
	s := strings.TrimLeft(line[len(w):], " ")
	i := 0
	for i < len(s) && isASCIIDigit(s[i]) {
		i++
	}
	if i == 0 || i > 4 {
		return "", "", false
	}
	num = s[:i]
	s = s[i:]
	// An inserted article: "Điều 5a."
	if len(s) > 0 && s[0] >= 'a' && s[0] <= 'z' && (len(s) == 1 || s[1] == '.' || s[1] == ':' || s[1] == ' ') {
		num += s[:1]
		s = s[1:]
	}
	if s == "" {
		return num, "", true
	}
	// "Điều 5 của Luật…" in running text is not a marker: require punctuation.
	if s[0] != '.' && s[0] != ':' {
		return "", "", false
	}
	return num, strings.TrimSpace(strings.TrimLeft(s, ".:")), true
}

// clauseMarker matches "1. text" (also "1) text" is a point style in some drafts; not here).
func clauseMarker(line string) (num, rest string, ok bool) {
	i := 0
	for i < len(line) && isASCIIDigit(line[i]) {
		i++
	}
	if i == 0 || i > 3 || i >= len(line) || line[i] != '.' {
		return "", "", false
	}
	if i+1 < len(line) && line[i+1] != ' ' {
		return "", "", false // "1.5 triệu" is a number, not a clause
	}
	return line[:i], strings.TrimSpace(line[i+1:]), true
}

// pointMarker matches "a) text", "đ) text".
func pointMarker(line string) (letter, rest string, ok bool) {
	r, size := utf8.DecodeRuneInString(line)
	if size >= len(line) || line[size] != ')' {
		return "", "", false
	}
	if !(r >= 'a' && r <= 'z' || r == 'đ') {
		return "", "", false
	}
	return string(r), strings.TrimSpace(line[size+1:]), true
}

func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }

func isRomanByte(b byte) bool {
	switch b {
	case 'I', 'V', 'X', 'L', 'C', 'D', 'M', 'i', 'v', 'x', 'l', 'c', 'd', 'm':
		return true
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
	}
	return s != "" && len(s) <= 3
}

// isChapterNumber accepts Roman numerals (I…C) or Arabic numbers, not a mix.
func isChapterNumber(s string) bool {
	if isDigits(s) {
		return true
	}
	if len(s) > 8 {
		return false
	}
	for _, r := range s {
		if !unicode.IsUpper(r) || !isRomanByte(byte(r)) {
			return false
		}
	}
	return true
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
