package democracy

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Generate is the `danvan gen` generator of the conference, the board and the disclosure
// register (genDisclosures): every agency of
// the synthetic tree gets last year's conference and this year's, in the proportions a
// province would show in December (most held and issued on time, some late, some not
// held at all), each issued resolution with two commitments tracked as tasks (a share of
// them overdue), and a people's inspection board elected at last year's conference.
// Delegates are the first dozen staff of the agency, enough for the pages and the
// quorum; the staff count of the overview comes from the people table itself.
func Generate(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options) error {
	const op = "democracy.Generate"
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	agencies := s.Units[org.KindAgency]
	if len(agencies) == 0 {
		return nil
	}
	start := time.Now()
	r := rand.New(rand.NewPCG(o.Seed^0x64656d6f, o.Seed+11))
	rules, err := RulesOn(ctx, db, "2099-01-01")
	if err != nil {
		return err
	}
	// The trade union of each agency, found by its parent path.
	unionOf := map[string]int64{}
	for _, u := range s.Units[org.KindTradeUnion] {
		unionOf[parentPath(u.Path)] = u.ID
	}
	staff, err := agencyStaff(ctx, db, agencies, 12)
	if err != nil {
		return apperr.Wrap(op, err)
	}
	var confID, itemID, cmID, boardID, taskID int64
	for _, q := range []struct {
		sql string
		dst *int64
	}{{`SELECT COALESCE(MAX(id), 0) FROM conferences`, &confID}, {`SELECT COALESCE(MAX(id), 0) FROM conference_items`, &itemID},
		{`SELECT COALESCE(MAX(id), 0) FROM conference_commitments`, &cmID}, {`SELECT COALESCE(MAX(id), 0) FROM boards`, &boardID},
		{`SELECT COALESCE(MAX(id), 0) FROM tasks`, &taskID}} {
		if err := db.QueryRowContext(ctx, q.sql).Scan(q.dst); err != nil {
			return apperr.Wrap(op, err)
		}
	}
	w, err := gen.NewWriter(ctx, db, max(o.BatchRows, 10000),
		gen.Table{Name: "tasks", Cols: genTaskCols},
		gen.Table{Name: "conferences", Cols: genConfCols},
		gen.Table{Name: "conference_delegates", Cols: []string{"conference_id", "person_id", "present"}},
		gen.Table{Name: "conference_items", Cols: genItemCols},
		gen.Table{Name: "conference_commitments", Cols: genCommitmentCols},
		gen.Table{Name: "boards", Cols: genBoardCols},
		gen.Table{Name: "board_members", Cols: []string{"board_id", "person_id", "role"}})
	if err != nil {
		return apperr.Wrap(op, err)
	}
	now := db.Now()
	stamp := sqldb.FormatTime(now)
	today := work.Today(now)
	thisYear := now.In(work.VietnamZone).Year()
	var confs, boards, commitments int
	for _, ag := range agencies {
		people := staff[ag.Path]
		if len(people) < 3 {
			continue
		}
		union := any(nil)
		if id, ok := unionOf[ag.Path]; ok {
			union = id
		}
		for _, year := range []int{thisYear - 1, thisYear} {
			due := rules.DueOn(year)
			pick := r.IntN(100)
			status := StatusIssued
			switch {
			case year == thisYear && pick >= 92:
				continue // never planned: the overview shows it missing
			case year == thisYear && pick >= 86:
				status = StatusPlanned // planned and not held: late
			case pick >= 82:
				status = StatusHeld // held, resolution not issued yet
			}
			confID++
			confs++
			planned := fmt.Sprintf("%d-%02d-%02d", year, 1+r.IntN(3), 5+r.IntN(20))
			held, resNo, issued := "", "", ""
			if status != StatusPlanned {
				held = planned
				if r.IntN(10) == 0 {
					// Held after the legal window: late but held.
					held = fmt.Sprintf("%d-%02d-%02d", year, 4+r.IntN(2), 5+r.IntN(20))
				}
			}
			if status == StatusIssued {
				resNo = fmt.Sprintf("%02d/NQ-HNCBCC", 1+r.IntN(3))
				issued = addDays(held, 2)
			}
			var board any
			elect := year == thisYear-1 && status == StatusIssued && r.IntN(100) < 90
			if elect {
				boardID++
				board = boardID
			}
			chair := people[0]
			if err := w.Add(ctx, "conferences", confID, ag.ID, ag.Path, year, rules.ID, due, planned, held, "Hội trường cơ quan", DelegatesAll,
				chair, union, status, resNo, issued, board, stamp, stamp); err != nil {
				return err
			}
			present := 0
			for i, pid := range people {
				here := 0
				if held != "" && (i < 2 || r.IntN(10) < 9) {
					here = 1
					present++
				}
				if err := w.Add(ctx, "conference_delegates", confID, pid, here); err != nil {
					return err
				}
			}
			if held == "" {
				continue
			}
			itemID++
			if err := w.Add(ctx, "conference_items", itemID, confID, 1, ItemReport, fmt.Sprintf("Báo cáo kết quả thực hiện nhiệm vụ năm %d", year-1), "", 0, 0, 0, 0, 0, 0); err != nil {
				return err
			}
			itemID++
			against := r.IntN(2)
			if err := w.Add(ctx, "conference_items", itemID, confID, 2, ItemResolution, "Thông qua Nghị quyết hội nghị", "", 1, present-against, against, 0, present, 1); err != nil {
				return err
			}
			if status != StatusIssued {
				continue
			}
			for k := 1; k <= 2; k++ {
				cmID++
				commitments++
				lead := people[1+r.IntN(len(people)-1)]
				dueOn := addDays(issued, 60+r.IntN(240))
				st, pct, doneOn := "doing", 20+r.IntN(60), ""
				if dueOn < today && r.IntN(3) > 0 {
					st, pct, doneOn = "done", 100, dueOn
				}
				content := genCommitments[(int(cmID)+k)%len(genCommitments)]
				taskID++
				title := fmt.Sprintf("Thực hiện Nghị quyết hội nghị CBCCVC năm %d: %s", year, content)
				if err := w.Add(ctx, "tasks", taskID, nil, nil, nil, ag.ID, ag.Path, ag.Path, title, search.Fold(title), "", lead, chair, 2, issued, dueOn, "", st, pct,
					false, doneOn, doneOn, nil, 0, stamp, stamp); err != nil {
					return err
				}
				if err := w.Add(ctx, "conference_commitments", cmID, confID, k, content, lead, 0, dueOn, taskID, ag.Path, st, dueOn); err != nil {
					return err
				}
			}
			if elect {
				boards++
				termEnd := addMonths(held, rules.BoardTermMonths)
				if err := w.Add(ctx, "boards", boardID, ag.ID, ag.Path, confID, held, termEnd, present-1, 1, 0, present, 0, stamp); err != nil {
					return err
				}
				// The head (people[0]) chairs the conference and may not sit on the board.
				for i, pid := range people[1:min(len(people), 6)] {
					role := "member"
					if i == 0 {
						role = "head"
					}
					if err := w.Add(ctx, "board_members", boardID, pid, role); err != nil {
						return err
					}
				}
			}
		}
	}
	if err := w.Close(ctx); err != nil {
		return apperr.Wrap(op, err)
	}
	if err := gen.ResetSequences(ctx, db, "tasks", "conferences", "conference_items", "conference_commitments", "boards"); err != nil {
		return err
	}
	items, questions, err := genDisclosures(ctx, db, agencies, staff, r, max(o.BatchRows, 10000))
	if err != nil {
		return apperr.Wrap(op, err)
	}
	if err := RebuildDisclosureCounts(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(log, "gen: %d hội nghị cán bộ, %d cam kết, %d ban thanh tra nhân dân, %d nội dung công khai (%d câu hỏi) trong %s\n",
		confs, commitments, boards, items, questions, time.Since(start).Round(time.Millisecond))
	return nil
}

var (
	genTaskCols = []string{"id", "parent_id", "plan_id", "document_id", "unit_id", "unit_path", "assigner_path", "title", "title_fold", "description", "lead_id",
		"organiser_id", "priority", "start_on", "due_on", "due_rule", "status", "percent", "returned", "submitted_on", "done_on", "assigned_by", "children", "created_at", "updated_at"}
	genConfCols = []string{"id", "unit_id", "unit_path", "year", "rule_id", "due_on", "planned_on", "held_on", "place", "delegate_mode", "chair_id", "union_id",
		"status", "resolution_no", "issued_on", "board_id", "created_at", "updated_at"}
	genItemCols       = []string{"id", "conference_id", "seq", "kind", "title", "content", "voted", "votes_for", "votes_against", "votes_abstain", "present", "passed"}
	genCommitmentCols = []string{"id", "conference_id", "seq", "content", "lead_id", "due_days", "due_on", "task_id", "unit_path", "task_status", "task_due_on"}
	genBoardCols      = []string{"id", "unit_id", "unit_path", "conference_id", "elected_on", "term_end", "votes_for", "votes_against", "votes_abstain", "present", "reminded", "created_at"}
	genCommitments    = []string{"Hoàn thành số hóa hồ sơ một cửa", "Giảm 10% chi phí văn phòng phẩm", "Tổ chức khám sức khỏe định kỳ cho cán bộ",
		"Công khai kết quả thi đua hằng quý", "Bồi dưỡng nghiệp vụ cho công chức trẻ", "Xây dựng quy chế chi tiêu nội bộ mới"}
)

// agencyStaff returns, per agency path, the ids of up to n of its people, in id order:
// one scan of the people table, each person's home unit mapped to the nearest agency
// above it by trimming its path.
func agencyStaff(ctx context.Context, db *sqldb.DB, agencies []gen.UnitRef, n int) (map[string][]int64, error) {
	isAgency := make(map[string]bool, len(agencies))
	for _, a := range agencies {
		isAgency[a.Path] = true
	}
	out := make(map[string][]int64, len(agencies))
	rows, err := db.QueryContext(ctx, `SELECT id, unit_path FROM people ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			return nil, err
		}
		for p := path; p != ""; p = parentPath(p) {
			if isAgency[p] {
				if len(out[p]) < n {
					out[p] = append(out[p], id)
				}
				break
			}
		}
	}
	return out, rows.Err()
}

// parentPath is "/1/5/" for "/1/5/23/" and "" for the root's parent.
func parentPath(p string) string {
	t := strings.TrimSuffix(p, "/")
	i := strings.LastIndex(t, "/")
	if i <= 0 {
		return ""
	}
	return t[:i+1]
}

func addDays(ymd string, days int) string {
	t, err := time.Parse("2006-01-02", ymd)
	if err != nil {
		return ymd
	}
	return t.AddDate(0, 0, days).Format("2006-01-02")
}

func addMonths(ymd string, months int) string {
	t, err := time.Parse("2006-01-02", ymd)
	if err != nil {
		return ymd
	}
	return t.AddDate(0, months, 0).Format("2006-01-02")
}
