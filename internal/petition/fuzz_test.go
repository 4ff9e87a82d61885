package petition

import (
	"strings"
	"testing"
)

// A tracking code is typed by citizens on phones, read aloud over the telephone and pasted
// from messages: whatever arrives, NormalizeCode must not panic, and what it accepts must
// be a canonical code that survives formatting and re-reading unchanged.
func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{NewCode(), FormatCode(NewCode()), "k7qm-2xda-9pr4", "", "----", "ÔÔÔ", "\xff", strings.Repeat("A", 1000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := NormalizeCode(s)
		if !ok {
			if c != "" {
				t.Fatalf("refused %q but returned %q", s, c)
			}
			return
		}
		if len(c) != codeRandom+1 || checkSymbol(c[:codeRandom]) != c[codeRandom] {
			t.Fatalf("accepted %q as %q, which is not a well-formed code", s, c)
		}
		again, ok := NormalizeCode(FormatCode(c))
		if !ok || again != c {
			t.Fatalf("%q -> %q -> %q (%v)", s, c, again, ok)
		}
	})
}

// The list's cursor comes back from the query string: any text must decode or be refused,
// and what encodeCursor wrote must decode to the same key.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor("2026-12-07", 42), "2026-12-07", int64(42))
	f.Add("", "", int64(0))
	f.Add("!!!", "x", int64(-1))
	f.Fuzz(func(t *testing.T, s, due string, id int64) {
		_, _, _ = decodeCursor(s)
		if len(due) == 10 && !strings.Contains(due, "|") {
			d, n, ok := decodeCursor(encodeCursor(due, id))
			if !ok || d != due || n != id {
				t.Fatalf("round trip of (%q, %d): (%q, %d, %v)", due, id, d, n, ok)
			}
		}
	})
}
