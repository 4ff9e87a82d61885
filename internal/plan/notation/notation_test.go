package notation

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in                 string
		form               Form
		str, display, key  string
		typ, issuer, numbr string
		year               int
	}{
		{"Số 16-CTr/ĐUK", Party, "16-CTr/ĐUK", "Số 16-CTr/ĐUK", "16-ctr/duk", "CTr", "ĐUK", "16", 0},
		{"04-NQ/ĐUK", Party, "04-NQ/ĐUK", "Số 04-NQ/ĐUK", "4-nq/duk", "NQ", "ĐUK", "04", 0},
		{"11-QĐi/TW", Party, "11-QĐi/TW", "Số 11-QĐi/TW", "11-qdi/tw", "QĐi", "TW", "11", 0},
		{"290-QĐ/TW", Party, "290-QĐ/TW", "Số 290-QĐ/TW", "290-qd/tw", "QĐ", "TW", "290", 0},
		{"Số: 12/QĐ-UBND", State, "12/QĐ-UBND", "Số: 12/QĐ-UBND", "12/qd-ubnd", "QĐ", "UBND", "12", 0},
		{"15/UBND-VX", State, "15/UBND-VX", "Số: 15/UBND-VX", "15/ubnd-vx", "", "UBND-VX", "15", 0},
		{"30/2020/NĐ-CP", State, "30/2020/NĐ-CP", "Số: 30/2020/NĐ-CP", "30/2020/nd-cp", "NĐ", "CP", "30", 2020},
		{"10/2022/QH15", State, "10/2022/QH15", "Số: 10/2022/QH15", "10/2022/qh15", "", "QH15", "10", 2022},
		// Odd forms people type.
		{"  số   16 – ctr / đuk ", Party, "16-CTr/ĐUK", "Số 16-CTr/ĐUK", "16-ctr/duk", "CTr", "ĐUK", "16", 0},
		{"SỐ:04—NQ/ĐUK", Party, "04-NQ/ĐUK", "Số 04-NQ/ĐUK", "4-nq/duk", "NQ", "ĐUK", "04", 0},
		{"04-NQ/DUK", Party, "04-NQ/DUK", "Số 04-NQ/DUK", "4-nq/duk", "NQ", "DUK", "04", 0},
		{"4 NQ/ĐUK", Party, "4-NQ/ĐUK", "Số 4-NQ/ĐUK", "4-nq/duk", "NQ", "ĐUK", "4", 0},
		{"so 290-qd/tw", Party, "290-QĐ/TW", "Số 290-QĐ/TW", "290-qd/tw", "QĐ", "TW", "290", 0},
		{"Số Số 763-QĐ/ĐUK", Party, "763-QĐ/ĐUK", "Số 763-QĐ/ĐUK", "763-qd/duk", "QĐ", "ĐUK", "763", 0},
		{"số: 12 / qđ - ubnd", State, "12/QĐ-UBND", "Số: 12/QĐ-UBND", "12/qd-ubnd", "QĐ", "UBND", "12", 0},
		{"04-NQ-ĐUK", Party, "04-NQ/ĐUK", "Số 04-NQ/ĐUK", "4-nq/duk", "NQ", "ĐUK", "04", 0},
		{"No. 05/KH-UBND", State, "05/KH-UBND", "Số: 05/KH-UBND", "5/kh-ubnd", "KH", "UBND", "05", 0},
		{"123/QĐ-TTg", State, "123/QĐ-TTg", "Số: 123/QĐ-TTg", "123/qd-ttg", "QĐ", "TTg", "123", 0},
		// Unknown type codes are kept, never refused.
		{"07-XYZ/ĐU", Party, "07-XYZ/ĐU", "Số 07-XYZ/ĐU", "7-xyz/du", "XYZ", "ĐU", "07", 0},
		{"07-abc/đu", Party, "07-ABC/ĐU", "Số 07-ABC/ĐU", "7-abc/du", "ABC", "ĐU", "07", 0},
		{"12-HDLT/BDVTW-BTCTW", Party, "12-HDLT/BDVTW-BTCTW", "Số 12-HDLT/BDVTW-BTCTW", "12-hdlt/bdvtw-btctw", "HDLT", "BDVTW-BTCTW", "12", 0},
		{"01a-KH/ĐU", Party, "01a-KH/ĐU", "Số 01a-KH/ĐU", "1a-kh/du", "KH", "ĐU", "01a", 0},
		{"0-TB/ĐU", Party, "0-TB/ĐU", "Số 0-TB/ĐU", "0-tb/du", "TB", "ĐU", "0", 0},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if n.Form != tt.form || n.String() != tt.str || n.Display() != tt.display || n.Key() != tt.key || n.Type != tt.typ || n.Issuer != tt.issuer || n.Number != tt.numbr || n.Year != tt.year {
			t.Errorf("Parse(%q) = %+v (%q, %q, key %q); want %s %q %q key %q type %q issuer %q number %q year %d",
				tt.in, n, n.String(), n.Display(), n.Key(), tt.form, tt.str, tt.display, tt.key, tt.typ, tt.issuer, tt.numbr, tt.year)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrEmpty},
		{"   ", ErrEmpty},
		{"Số:", ErrEmpty},
		{"NQ/ĐUK", ErrNoNumber},
		{"Sở Tư pháp", ErrNoNumber},
		{"04", ErrNoIssuer},
		{"04-NQ", ErrNoIssuer},
		{"12/QĐ", ErrNoIssuer},
		{"04-NQ/ĐUK; DROP TABLE", ErrBadChar},
		{"04-NQ/<b>", ErrBadChar},
		{strings.Repeat("1", 200), ErrTooLong},
	}
	for _, tt := range tests {
		if _, err := Parse(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("Parse(%q) error = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestKeyMatchesAcrossSpellings(t *testing.T) {
	same := []string{"04-NQ/ĐUK", "04-NQ/DUK", "4-nq/đuk", "Số 04 – NQ / ĐUK", "số:04-nq/duk"}
	for _, s := range same {
		if k := KeyOf(s); k != "4-nq/duk" {
			t.Errorf("KeyOf(%q) = %q", s, k)
		}
	}
	if KeyOf("04-NQ/TW") == KeyOf("04-NQ/ĐUK") {
		t.Error("different issuers must not share a key")
	}
}

// FuzzParse checks that Parse never panics, that what it accepts is valid UTF-8, and
// that its own output parses back to the same notation.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"Số 16-CTr/ĐUK", "04-NQ/ĐUK", "Số: 12/QĐ-UBND", "15/UBND-VX", "30/2020/NĐ-CP", "số:12 / qđ - ubnd", "7–x/y", "Số Số", "1//2--3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		out := n.String()
		if !utf8.ValidString(out) || n.Number == "" || n.Issuer == "" {
			t.Fatalf("Parse(%q) = %+v", s, n)
		}
		m, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) ok but its String %q fails: %v", s, out, err)
		}
		if m.String() != out || m.Key() != n.Key() {
			t.Fatalf("round trip of %q: %q -> %q", s, out, m.String())
		}
		if d, err := Parse(n.Display()); err != nil || d.String() != out {
			t.Fatalf("Display %q of %q does not parse back: %v", n.Display(), s, err)
		}
	})
}
