package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"danvan/internal/app"
	"danvan/internal/inspection"
	"danvan/internal/org"
)

// TestEvidenceAndCoveragePages: a round on agency 1 opened through the service (as the
// rounds' pages do) has its pack on the page with links for the committee, refuses the
// target's own manager, refreshes through the form; the coverage page and its .xlsx
// name agency 1 for the committee.
func TestEvidenceAndCoveragePages(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		db := s.DB
		staffID := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'canbo'`)
		staff, err := org.LoadPrincipal(ctx, db, staffID)
		if err != nil {
			t.Fatal(err)
		}
		var stpID, rootID int64
		var stpName string
		if err := db.QueryRowContext(ctx, `SELECT id, name FROM units WHERE code = 'STP'`).Scan(&stpID, &stpName); err != nil {
			t.Fatal(err)
		}
		rootID = scalar[int64](t, s, `SELECT id FROM units WHERE depth = 0 ORDER BY id LIMIT 1`)
		topic := scalar[int64](t, s, `SELECT id FROM inspection_topics WHERE code = 'quy-che-dan-chu'`)
		// A year the sample data leaves alone: the demo's own programmes are this year's.
		year := time.Now().Year() - 3
		progID, err := s.Inspections.CreateProgramme(ctx, staff, inspection.ProgrammeInput{UnitID: rootID, Year: year,
			Items: []inspection.ItemInput{{Kind: inspection.KindInspect, TopicID: topic, Months: []int{3}, TargetIDs: []int64{stpID}, LeadID: staff.PersonID}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Inspections.ApproveProgramme(ctx, staff, progID); err != nil {
			t.Fatal(err)
		}
		itemID := scalar[int64](t, s, `SELECT id FROM inspection_items WHERE programme_id = ?`, progID)
		d := func(md string) string { return fmt.Sprintf("%d-%s", year, md) }
		roundID, err := s.Inspections.OpenRound(ctx, staff, inspection.RoundInput{ItemID: itemID, DecisionNo: "77-QĐ/ĐUK", DecisionOn: d("03-01"), HeadID: staff.PersonID,
			StartsOn: d("03-15"), EndsOn: d("03-20"), ReportDue: d("03-10")})
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/inspections/rounds/%d/evidence/%d", roundID, stpID)
		c := newClientAs(t, s, "canbo")
		res, body := c.get(page)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", page, res.StatusCode)
		}
		for _, want := range []string{stpName, "Kế hoạch và nhiệm vụ", "Dân chủ ở cơ sở", "Kiểm tra, giám sát", "/tasks?status=late&amp;unit=" + fmt.Sprint(stpID), "Theo quyền xem của"} {
			if !strings.Contains(body, want) {
				t.Errorf("the pack page lacks %q", want)
			}
		}
		if res, _ := newClientAs(t, s, "thutruong1").get(page); res.StatusCode != http.StatusNotFound {
			t.Errorf("the target's own head reads the pack: %d", res.StatusCode)
		}
		before := scalar[int](t, s, `SELECT COUNT(*) FROM audit_log WHERE entity = 'inspection_round' AND action = 'evidence' AND entity_id = ?`, roundID)
		res, _ = c.postForm(page, fmt.Sprintf("/inspections/rounds/%d/evidence", roundID), url.Values{"unit": {fmt.Sprint(stpID)}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
			t.Fatalf("refresh: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM audit_log WHERE entity = 'inspection_round' AND action = 'evidence' AND entity_id = ?`, roundID); n != before+1 || before != 1 {
			t.Errorf("evidence audit entries %d → %d, want 1 → 2 (opening, refresh)", before, n)
		}

		cov := fmt.Sprintf("/inspections/coverage?unit=%d&years=5", rootID)
		res, body = c.get(cov)
		covered, _, _ := strings.Cut(body, `id="cv-never-h"`)
		if _, covered, _ = strings.Cut(covered, `id="cv-rows"`); res.StatusCode != http.StatusOK || !strings.Contains(covered, stpName) || !strings.Contains(body, "<svg") {
			t.Fatalf("coverage: %d, agency 1 among the covered: %v", res.StatusCode, strings.Contains(covered, stpName))
		}
		if res, _ := c.get(fmt.Sprintf("/inspections/coverage?unit=%d&years=abc", rootID)); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("years=abc: %d", res.StatusCode)
		}
		res, _ = c.get(fmt.Sprintf("/inspections/coverage.xlsx?unit=%d&years=5", rootID))
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("coverage.xlsx: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res, _ := newClientAs(t, s, "thutruong1").get(cov); res.StatusCode != http.StatusNotFound {
			t.Errorf("agency 1's head reads the root's coverage: %d", res.StatusCode)
		}
	})
}
