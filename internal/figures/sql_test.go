package figures

import "testing"

func TestQueryMonthsAndUnitID(t *testing.T) {
	q := Query{Scope: "/1/5/", From: "2026-01-15", To: "2026-06-30"}
	ms := q.Months()
	if len(ms) != 6 || ms[0] != "2026-01" || ms[5] != "2026-06" || q.ToEnd() != "2026-07-01" {
		t.Fatalf("months %v end %s", ms, q.ToEnd())
	}
	if (Query{Scope: "/1/", From: "2026-07-01", To: "2026-06-30"}).Valid() {
		t.Error("a period ending before it starts is not valid")
	}
	if UnitID("/1/5/") != 5 || UnitID("/12/") != 12 || UnitID("") != 0 {
		t.Error("UnitID")
	}
	cc, args := ChildCase("u.path", []string{"/1/2/", "/1/3/"})
	if len(args) != 4 || cc != "CASE WHEN u.path >= ? AND u.path < ? THEN 0 WHEN u.path >= ? AND u.path < ? THEN 1 ELSE -1 END" {
		t.Errorf("%s %v", cc, args)
	}
}

// ChildFinder files a path under the child subtree holding it, as ChildCase does in SQL.
func TestChildFinder(t *testing.T) {
	find := ChildFinder([]string{"/1/5/", "/1/7/", "/1/5/9/"})
	for path, want := range map[string]int{"/1/5/": 0, "/1/5/23/": 0, "/1/7/8/9/": 1, "/1/5/9/4/": 2, "/1/": -1, "/1/50/": -1, "/2/5/": -1} {
		if got := find(path); got != want {
			t.Errorf("%s: child %d, want %d", path, got, want)
		}
	}
	if got := ChildFinder(nil)("/1/5/"); got != -1 {
		t.Errorf("no children: %d", got)
	}
}
