package auth

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// commonPasswordList is shipped inside the binary so the policy holds on a machine with
// no network and no word list installed.
//
//go:embed common_passwords.txt
var commonPasswordList string

// commonPasswords is the parsed list; built once from the embedded file. It is a
// read-only table, not configuration, so a package-level value is the honest shape.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[line] = true
	}
	return m
}()

// weakReason returns why pw is too easy to guess, "" when it is not. Three rules: the
// password (lower case, spaces dropped) is on the list, or is a listed word followed by
// digits and punctuation only (matkhau2026!); it is one character repeated (aaaaaaaaaa);
// or it is a run of consecutive digits or letters, forwards or backwards (1234567890,
// 9876543210, abcdefghij). Accents are kept: "mậtkhẩu" is not on the list, but a length of
// ten already makes such a word less likely than the plain runs attackers start with.
func weakReason(pw string) string {
	low := strings.ToLower(strings.ReplaceAll(pw, " ", ""))
	if commonPasswords[low] || commonPasswords[strings.TrimRightFunc(low, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })] {
		return "Mật khẩu này nằm trong danh sách mật khẩu hay bị dò nhất; hãy chọn một cụm từ khác, khó đoán hơn."
	}
	if allSame(low) {
		return "Mật khẩu chỉ lặp lại một ký tự; hãy chọn một cụm từ khó đoán hơn."
	}
	if isRun(low) {
		return "Mật khẩu là một dãy ký tự liên tiếp (như 1234567890); hãy chọn một cụm từ khó đoán hơn."
	}
	return ""
}

func allSame(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}

// isRun reports whether s is made of consecutive characters, each one more (or each one
// less) than the one before, allowing the digit run to wrap from 9 to 0 ("1234567890").
func isRun(s string) bool {
	rs := []rune(s)
	if len(rs) < 2 {
		return false
	}
	step := func(d int) bool {
		for i := 1; i < len(rs); i++ {
			a, b := rs[i-1], rs[i]
			if int(b)-int(a) == d {
				continue
			}
			if d == 1 && a == '9' && b == '0' || d == -1 && a == '0' && b == '9' {
				continue
			}
			return false
		}
		return true
	}
	return step(1) || step(-1)
}
