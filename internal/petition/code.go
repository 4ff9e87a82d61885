package petition

import (
	"crypto/rand"
	"strings"
)

// Tracking codes (mã tra cứu) use Crockford's base32 alphabet — digits and capital letters
// without I, L, O and U — so they can be read aloud and typed on a phone without
// confusion: 11 random symbols (55 bits, unguessable) and one check symbol, shown in
// groups of four: "K7QM-2XDA-9PR4". The check symbol is the weighted sum of the symbols'
// values (weights 1, 2, 3, …) modulo 31, a prime: a mistyped symbol or two swapped
// neighbours are caught before the database is asked (except the one pair 0/Z, whose
// values differ by 31).
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

const codeRandom = 11

// NewCode returns a fresh tracking code without dashes.
func NewCode() string {
	b := make([]byte, codeRandom)
	_, _ = rand.Read(b)
	out := make([]byte, codeRandom+1)
	for i, x := range b {
		out[i] = crockford[int(x)%32]
	}
	out[codeRandom] = checkSymbol(string(out[:codeRandom]))
	return string(out)
}

func checkSymbol(s string) byte {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += (i + 1) * strings.IndexByte(crockford, s[i])
	}
	return crockford[sum%31]
}

// NormalizeCode reads a code as typed: case, spaces and dashes ignored, O read as 0 and
// I, L as 1. ok is false when it is not a well-formed code (wrong length or check symbol).
func NormalizeCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || strings.IndexRune(crockford, r) < 0 {
			return "", false
		}
		b.WriteRune(r)
	}
	c := b.String()
	if len(c) != codeRandom+1 || checkSymbol(c[:codeRandom]) != c[codeRandom] {
		return "", false
	}
	return c, true
}

// FormatCode groups a code by four symbols: "K7QM-2XDA-9PR4".
func FormatCode(c string) string {
	var parts []string
	for len(c) > 4 {
		parts = append(parts, c[:4])
		c = c[4:]
	}
	parts = append(parts, c)
	return strings.Join(parts, "-")
}
