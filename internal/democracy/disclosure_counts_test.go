package democracy_test

import (
	"fmt"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/democracy"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// disclosureRows reads disclosure_counts without its all-zero rows (an item that left a
// day leaves a row of zeros behind, which a rebuild does not write).
func disclosureRows(t *testing.T, f *dfix) string {
	t.Helper()
	rows, err := f.db.QueryContext(f.ctx, `SELECT unit_id, day, on_time, late, unposted FROM disclosure_counts ORDER BY unit_id, day`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := ""
	for rows.Next() {
		var unit, a, b, c int64
		var day string
		if err := rows.Scan(&unit, &day, &a, &b, &c); err != nil {
			t.Fatal(err)
		}
		if a != 0 || b != 0 || c != 0 {
			out += fmt.Sprintf("%d %s %d %d %d\n", unit, day, a, b, c)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// scannedDisclosures is the oracle: on time, late and overdue of a subtree's decisions
// in [from, to], straight from the register's rows.
func scannedDisclosures(t *testing.T, f *dfix, scope, from, to, today string) [3]int64 {
	t.Helper()
	var v [3]int64
	if err := f.db.QueryRowContext(f.ctx, `SELECT
		COALESCE(SUM(CASE WHEN posted_on <> '' AND posted_on <= due_on THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN posted_on > due_on THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN posted_on = '' AND due_on < ? THEN 1 ELSE 0 END), 0)
		FROM disclosures WHERE unit_path >= ? AND unit_path < ? AND decision_on >= ? AND decision_on <= ?`,
		today, scope, sqldb.PathEnd(scope), from, to).Scan(&v[0], &v[1], &v[2]); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDisclosureCountsFollowEveryChange drives items through every change the register
// makes — created unposted, created posted, created not yet due, posted on time, posted
// late, the decision's date moved, an agency moved to another parent — and after each
// one checks that the live counters equal a rebuild from the items, and that the
// dashboard's figures read from them (the upper committee's, counted) equal a scan of the
// rows, for the whole tree, each child and the trend.
func TestDisclosureCountsFollowEveryChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setupDisc(t, db)
		today := work.Today(db.Now())
		from := daysAgo(db, 200)
		src := democracy.NewFigures(democracy.NewConferenceService(db, nil, nil), f.ds)
		upper := f.who(t, "canbo")
		check := func(step string) {
			t.Helper()
			live := disclosureRows(t, f)
			if err := democracy.RebuildDisclosureCounts(f.ctx, db); err != nil {
				t.Fatal(err)
			}
			if rebuilt := disclosureRows(t, f); rebuilt != live {
				t.Fatalf("%s: live counters\n%s\nrebuilt\n%s", step, live, rebuilt)
			}
			var kids []string
			for _, a := range f.o.Agencies {
				u, err := org.GetUnit(f.ctx, db, a.Node.ID)
				if err != nil {
					t.Fatal(err)
				}
				if u.ParentID == f.o.Root.ID {
					kids = append(kids, u.Path)
				}
			}
			q := figures.Query{Scope: f.o.Root.Path, From: from, To: today, Children: kids, Trend: true}
			bs, err := src.Figures(f.ctx, upper, q)
			if err != nil || len(bs) != 1 {
				t.Fatalf("%s: %+v %v", step, bs, err)
			}
			b := bs[0]
			got := [3]int64{b.Figures[2].Value, b.Figures[3].Value, b.Figures[4].Value}
			if want := scannedDisclosures(t, f, q.Scope, from, today, today); got != want {
				t.Errorf("%s: whole tree on time, late, overdue %v, rows say %v", step, got, want)
			}
			for _, c := range kids {
				row := b.ByChild[c]
				if got, want := [3]int64{row[2], row[3], row[4]}, scannedDisclosures(t, f, c, from, today, today); got != want {
					t.Errorf("%s: child %s %v, rows say %v", step, c, got, want)
				}
			}
			var trend [3]int64
			for _, pt := range b.Trend {
				for i := range trend {
					trend[i] += pt.Values[2+i]
				}
			}
			if trend != got {
				t.Errorf("%s: the trend sums to %v, the figures are %v", step, trend, got)
			}
		}
		check("demo")

		a := f.o.Agencies[0]
		head := f.who(t, "thutruong1")
		in := democracy.DisclosureInput{UnitID: a.Node.ID, Category: "quy-che", Title: "Quy chế chi tiêu nội bộ", DecisionNo: "21/QĐ-STP",
			DecisionOn: daysAgo(db, 40), Signer: "Giám đốc", Forms: []string{democracy.FormPosted}}
		overdue, err := f.ds.Create(f.ctx, head, in)
		if err != nil {
			t.Fatal(err)
		}
		check("created, not posted past its due date")
		posted := in
		posted.Title, posted.DecisionNo, posted.DecisionOn, posted.PostedOn = "Kế hoạch tuyển dụng", "22/QĐ-STP", daysAgo(db, 30), daysAgo(db, 29)
		if _, err := f.ds.Create(f.ctx, head, posted); err != nil {
			t.Fatal(err)
		}
		check("created, posted on time")
		fresh := in
		fresh.Title, fresh.DecisionNo, fresh.DecisionOn = "Quyết định nâng lương", "23/QĐ-STP", today
		freshID, err := f.ds.Create(f.ctx, head, fresh)
		if err != nil {
			t.Fatal(err)
		}
		check("created, not yet due")
		in.PostedOn = daysAgo(db, 5)
		if err := f.ds.Update(f.ctx, head, overdue, in); err != nil {
			t.Fatal(err)
		}
		check("posted late")
		fresh.DecisionOn = daysAgo(db, 60)
		if err := f.ds.Update(f.ctx, head, freshID, fresh); err != nil {
			t.Fatal(err)
		}
		check("decision date moved back: now overdue")
		fresh.PostedOn = daysAgo(db, 58)
		if err := f.ds.Update(f.ctx, head, freshID, fresh); err != nil {
			t.Fatal(err)
		}
		check("posted on time after all")

		// An agency moved under another takes its counters along.
		units := org.NewService(db)
		units.PathHooks = []org.PathHook{democracy.MoveDisclosureCounts, org.ReplacePathPrefix("disclosures", "unit_path")}
		if _, err := units.MoveUnit(f.ctx, f.who(t, "admin"), a.Node.ID, f.o.Agencies[1].Node.ID); err != nil {
			t.Fatal(err)
		}
		check("agency moved")
	})
}
