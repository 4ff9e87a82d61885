package calendar

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{"2026-04-26", false},
		{"1900-01-01", false},
		{"2024-02-29", false},
		{"2026-02-29", true},
		{"2026-13-01", true},
		{"26-04-2026", true},
		{"2026-4-26", true},
		{"", true},
		{"2026-04-26T00:00:00Z", true},
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrInvalidDate) {
				t.Errorf("ParseDate(%q) = %s, %v; want ErrInvalidDate", tt.in, d, err)
			}
			continue
		}
		if err != nil || d.String() != tt.in {
			t.Errorf("ParseDate(%q) = %s, %v", tt.in, d, err)
		}
	}
}

func TestDateBasics(t *testing.T) {
	d := NewDate(2026, time.April, 26)
	if y, m, day := d.Date(); y != 2026 || m != time.April || day != 26 {
		t.Errorf("Date() = %d %v %d", y, m, day)
	}
	if d.Year() != 2026 || d.Month() != time.April || d.Day() != 26 {
		t.Errorf("Year/Month/Day = %d/%v/%d", d.Year(), d.Month(), d.Day())
	}
	if d.Weekday() != time.Sunday || !d.IsWeekend() {
		t.Errorf("2026-04-26 weekday = %v, want Sunday", d.Weekday())
	}
	if got := NewDate(2026, 1, 32); got.String() != "2026-02-01" {
		t.Errorf("NewDate(2026,1,32) = %s", got)
	}
	if got := NewDate(2026, 13, 1); got.String() != "2027-01-01" {
		t.Errorf("NewDate(2026,13,1) = %s", got)
	}
	if got := NewDate(2026, 0, 1); got.String() != "2025-12-01" {
		t.Errorf("NewDate(2026,0,1) = %s", got)
	}
	if got := NewDate(2024, 3, 0); got.String() != "2024-02-29" {
		t.Errorf("NewDate(2024,3,0) = %s", got)
	}
	e := d.AddDays(10)
	if e.String() != "2026-05-06" || e.Sub(d) != 10 || d.Sub(e) != -10 {
		t.Errorf("AddDays/Sub: %s %d", e, e.Sub(d))
	}
	if !d.Before(e) || d.After(e) || !e.After(d) || d.Equal(e) || !d.Equal(NewDate(2026, 4, 26)) {
		t.Error("Before/After/Equal wrong")
	}
	if d.Compare(e) != -1 || e.Compare(d) != 1 || d.Compare(d) != 0 {
		t.Error("Compare wrong")
	}
	ds := []Date{e, d, d.AddDays(-1)}
	slices.SortFunc(ds, Date.Compare)
	if ds[0] != d.AddDays(-1) || ds[2] != e {
		t.Errorf("sorted = %v", ds)
	}
	var zero Date
	if !zero.IsZero() || d.IsZero() || zero.String() != "" {
		t.Error("zero Date handling wrong")
	}
}

// Every day agrees with the time package over a long span, weekdays included.
func TestDateMatchesTimePackage(t *testing.T) {
	tm := time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC)
	d := NewDate(1890, 1, 1)
	for i := 0; i < 366*230; i++ {
		y, m, day := tm.Date()
		if gy, gm, gd := d.Date(); gy != y || gm != m || gd != day || d.Weekday() != tm.Weekday() {
			t.Fatalf("%v: Date gives %d-%d-%d %v", tm, gy, gm, gd, d.Weekday())
		}
		tm = tm.AddDate(0, 0, 1)
		d = d.AddDays(1)
	}
}

func TestDateOfUsesVietnamTime(t *testing.T) {
	tests := []struct {
		instant time.Time
		want    string
	}{
		{time.Date(2026, 5, 1, 16, 59, 59, 0, time.UTC), "2026-05-01"},
		{time.Date(2026, 5, 1, 17, 0, 0, 0, time.UTC), "2026-05-02"}, // 00:00 in Hà Nội
		{time.Date(2026, 5, 2, 0, 30, 0, 0, time.FixedZone("ICT", 7*3600)), "2026-05-02"},
	}
	for _, tt := range tests {
		if got := DateOf(tt.instant); got.String() != tt.want {
			t.Errorf("DateOf(%v) = %s, want %s", tt.instant, got, tt.want)
		}
	}
	tm := MustParseDate("2026-05-02").Time()
	if !tm.Equal(time.Date(2026, 5, 1, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("Time() = %v, want midnight UTC+7", tm)
	}
	if DateOf(tm) != MustParseDate("2026-05-02") {
		t.Error("DateOf(Time()) is not the identity")
	}
}

func TestDateJSON(t *testing.T) {
	type rec struct {
		D Date `json:"d"`
	}
	b, err := json.Marshal(rec{MustParseDate("2030-02-02")})
	if err != nil || string(b) != `{"d":"2030-02-02"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var r rec
	if err := json.Unmarshal(b, &r); err != nil || r.D != MustParseDate("2030-02-02") {
		t.Fatalf("Unmarshal = %v, %v", r.D, err)
	}
	if err := json.Unmarshal([]byte(`{"d":"2030-02-30"}`), &r); !errors.Is(err, ErrInvalidDate) {
		t.Errorf("Unmarshal of a bad date: %v", err)
	}
}
