package org_test

import (
	"fmt"
	"testing"

	"danvan/internal/org"
)

func BenchmarkSortUnits64(b *testing.B) {
	var us []org.Unit
	for i := range 64 {
		us = append(us, org.Unit{Name: fmt.Sprintf("Đảng bộ Sở Tư pháp số %d", 64-i)})
	}
	for b.Loop() {
		c := append([]org.Unit(nil), us...)
		org.SortUnits(c)
	}
}

func BenchmarkNameKey(b *testing.B) {
	for b.Loop() {
		org.NameKey("Nguyễn Thị Minh Khai")
	}
}

func TestSortUnitsVietnamese(t *testing.T) {
	names := []string{"Đoàn Thanh niên", "đảng bộ cơ sở", "Dân vận", "Ăn uống", "Ân nghĩa", "An toàn", "Công đoàn", "Chi bộ Văn phòng", "Ban nữ công", "Ủy ban", "Ưu tiên"}
	var us []org.Unit
	for _, n := range names {
		us = append(us, org.Unit{Name: n})
	}
	org.SortUnits(us)
	var got []string
	for _, u := range us {
		got = append(got, u.Name)
	}
	want := []string{"An toàn", "Ăn uống", "Ân nghĩa", "Ban nữ công", "Chi bộ Văn phòng", "Công đoàn", "Dân vận", "đảng bộ cơ sở", "Đoàn Thanh niên", "Ủy ban", "Ưu tiên"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}
