package search

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Dân vận khéo", "dan van kheo"},
		{"DAN VAN KHEO", "dan van kheo"},
		{"dan van kheo", "dan van kheo"},
		{"Đảng ủy Khối", "dang uy khoi"},
		{"04-NQ/ĐUK", "04-nq/duk"},
		{"  Nguyễn   Văn\tA ", "nguyen van a"},
		{norm.NFD.String("Trần Thị Bích"), "tran thi bich"},
		{"Hội Cựu chiến binh", "hoi cuu chien binh"},
		{"bad\xffutf8", "badutf8"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLikePattern(t *testing.T) {
	if got := LikePattern("Nguyễn  Văn A"); got != "%nguyen%van%a%" {
		t.Errorf("got %q", got)
	}
	if got := LikePattern("50%_x"); got != `%50\%\_x%` {
		t.Errorf("got %q", got)
	}
	if got := LikePattern("   "); got != "" {
		t.Errorf("blank query gave %q", got)
	}
}

func TestClean(t *testing.T) {
	if got := Clean(" a\x00b\r\nc "); got != "ab\nc" {
		t.Errorf("got %q", got)
	}
	if got := Clean(norm.NFD.String("Việt")); got != "Việt" {
		t.Errorf("not NFC: %q", got)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Dân vận khéo", "ĐẢNG", "04-NQ/ĐUK", "\xff\xfe", norm.NFD.String("Ồ ạ")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		if Fold(got) != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, got, Fold(got))
		}
		if strings.ContainsAny(got, "đĐ") || strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("unfolded output %q", got)
		}
		for _, r := range norm.NFD.String(got) {
			if r >= 0x300 && r <= 0x36f {
				t.Fatalf("combining mark left in %q", got)
			}
		}
	})
}
