package textdiff

import (
	"strings"
	"testing"
)

func render(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		switch s.Kind {
		case Insert:
			b.WriteString("[+" + s.Text + "]")
		case Delete:
			b.WriteString("[-" + s.Text + "]")
		default:
			b.WriteString("(" + s.Text + ")")
		}
	}
	return b.String()
}

func TestWords(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"a b c", "a b c", "(a b c)"},
		{"Thời hạn góp ý là 10 ngày làm việc", "Thời hạn góp ý là 15 ngày làm việc", "(Thời hạn góp ý là)[-10][+15](ngày làm việc)"},
		{"", "Điều mới", "[+Điều mới]"},
		{"bỏ hết", "", "[-bỏ hết]"},
		{"công đoàn cơ sở tham gia", "công đoàn và đoàn thanh niên tham gia", "(công đoàn)[-cơ sở][+và đoàn thanh niên](tham gia)"},
	}
	for _, c := range cases {
		if got := render(Words(c.a, c.b)); got != c.want {
			t.Errorf("Words(%q, %q) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
	if Changed(Words("x y", "x  y")) {
		t.Error("whitespace-only change reported as changed")
	}
}

// Reassembling the Same+Delete spans gives a, Same+Insert gives b.
func FuzzWords(f *testing.F) {
	f.Add("a b c d", "a c e d")
	f.Fuzz(func(t *testing.T, a, b string) {
		var ra, rb []string
		for _, s := range Words(a, b) {
			if s.Kind != Insert {
				ra = append(ra, s.Text)
			}
			if s.Kind != Delete {
				rb = append(rb, s.Text)
			}
		}
		if strings.Join(strings.Fields(strings.Join(ra, " ")), " ") != strings.Join(strings.Fields(a), " ") ||
			strings.Join(strings.Fields(strings.Join(rb, " ")), " ") != strings.Join(strings.Fields(b), " ") {
			t.Fatalf("spans do not rebuild the texts")
		}
	})
}
