package inspection

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Generate is the `danvan gen` generator of inspection and supervision: every committee
// of the synthetic tree has an approved programme for each of the last five years (this
// one included), each item carried out by one round:
//   - an upper committee (đảng bộ cấp trên) each year inspects or supervises about a
//     third of the units it leads directly (the agencies and the committees below it
//     whose nearest upper committee it is), in rounds of up to four targets, the topics
//     in turn; over five years most are covered, some never (the coverage page's list);
//   - a base committee (đảng bộ cơ sở) each year supervises one or two of its cells.
//
// A round whose visit has passed is concluded ten days after it, with a finding per
// target and one to three recommendations per target, each a task of the target with a
// person of the target answerable (so the completion rates are the tasks' own): those
// past their due date mostly accepted, some still open (overdue), a few carried over; a
// round whose recommendations are all accepted or carried over is closed. Rounds still
// ahead this year are open. No evidence pack is stored: a pack is taken from the live
// figures when a round opens or on request (evidence.go), which the generator does not
// imitate.
func Generate(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options) error {
	const op = "inspection.Generate"
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	uppers := s.Units[org.KindUpperCommittee]
	if len(uppers) == 0 {
		return nil
	}
	start := time.Now()
	r := rand.New(rand.NewPCG(o.Seed^0x696e7370, o.Seed+13))
	var topics []int64
	rows, err := db.QueryContext(ctx, `SELECT id FROM inspection_topics WHERE active = 1 ORDER BY seq, id`)
	if err != nil {
		return apperr.Wrap(op, err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return apperr.Wrap(op, err)
		}
		topics = append(topics, id)
	}
	rows.Close()
	if len(topics) == 0 {
		return nil
	}

	// Who leads whom: each agency and upper committee under its nearest upper committee;
	// each cell under its nearest base committee.
	isUpper := map[int64]bool{}
	for _, u := range uppers {
		isUpper[u.ID] = true
	}
	isBase := map[int64]bool{}
	for _, u := range s.Units[org.KindBaseCommittee] {
		isBase[u.ID] = true
	}
	nearest := func(path string, in map[int64]bool) int64 {
		ids := org.PathIDs(path)
		for j := len(ids) - 2; j >= 0; j-- {
			if in[ids[j]] {
				return ids[j]
			}
		}
		return 0
	}
	led := map[int64][]gen.UnitRef{}
	for _, kind := range []org.UnitKind{org.KindUpperCommittee, org.KindAgency} {
		for _, u := range s.Units[kind] {
			if c := nearest(u.Path, isUpper); c != 0 {
				led[c] = append(led[c], u)
			}
		}
	}
	for _, u := range s.Units[org.KindCell] {
		if c := nearest(u.Path, isBase); c != 0 {
			led[c] = append(led[c], u)
		}
	}
	committees := append(append([]gen.UnitRef{}, uppers...), s.Units[org.KindBaseCommittee]...)
	paths := map[int64]string{}
	for _, c := range committees {
		paths[c.ID] = c.Path
	}

	// A person of each unit's subtree (the first by id) for the recommendations, from one
	// scan of people; and a few people to head the teams.
	wanted := map[int64]bool{}
	for _, ts := range led {
		for _, t := range ts {
			wanted[t.ID] = true
		}
	}
	person := map[int64]int64{}
	type who struct {
		id   int64
		path string
	}
	var heads []who
	province := map[int64]bool{}
	prows, err := db.QueryContext(ctx, `SELECT id, unit_path FROM people ORDER BY id`)
	if err != nil {
		return apperr.Wrap(op, err)
	}
	for prows.Next() {
		var id int64
		var path string
		if err := prows.Scan(&id, &path); err != nil {
			prows.Close()
			return apperr.Wrap(op, err)
		}
		ids := org.PathIDs(path)
		// The first person of each of 16 provinces: a team head from another province is
		// outside any target.
		if len(ids) > 1 && len(heads) < 16 && !province[ids[1]] {
			province[ids[1]] = true
			heads = append(heads, who{id, path})
		}
		for _, uid := range ids {
			if wanted[uid] && person[uid] == 0 {
				person[uid] = id
			}
		}
	}
	prows.Close()
	if err := prows.Err(); err != nil {
		return apperr.Wrap(op, err)
	}
	if len(heads) == 0 {
		return nil
	}

	var progID, itemID, roundID, findingID, recID, taskID int64
	for _, q := range []struct {
		sql string
		dst *int64
	}{{`SELECT COALESCE(MAX(id), 0) FROM inspection_programmes`, &progID}, {`SELECT COALESCE(MAX(id), 0) FROM inspection_items`, &itemID},
		{`SELECT COALESCE(MAX(id), 0) FROM inspection_rounds`, &roundID}, {`SELECT COALESCE(MAX(id), 0) FROM inspection_findings`, &findingID},
		{`SELECT COALESCE(MAX(id), 0) FROM inspection_recommendations`, &recID}, {`SELECT COALESCE(MAX(id), 0) FROM tasks`, &taskID}} {
		if err := db.QueryRowContext(ctx, q.sql).Scan(q.dst); err != nil {
			return apperr.Wrap(op, err)
		}
	}
	w, err := gen.NewWriter(ctx, db, max(o.BatchRows, 10000),
		gen.Table{Name: "tasks", Cols: genTaskCols},
		gen.Table{Name: "inspection_programmes", Cols: []string{"id", "unit_id", "unit_path", "year", "title", "status", "approved_on", "created_at", "updated_at"}},
		gen.Table{Name: "inspection_items", Cols: []string{"id", "programme_id", "seq", "kind", "topic_id", "months", "lead_id"}},
		gen.Table{Name: "inspection_item_targets", Cols: []string{"item_id", "unit_id"}},
		gen.Table{Name: "inspection_rounds", Cols: []string{"id", "item_id", "unit_id", "unit_path", "decision_no", "decision_key", "decision_on", "head_id", "starts_on", "ends_on",
			"report_due", "status", "conclusion_no", "conclusion_on", "conclusion", "referral", "created_at", "updated_at"}},
		gen.Table{Name: "inspection_round_targets", Cols: []string{"round_id", "unit_id", "unit_path"}},
		gen.Table{Name: "inspection_members", Cols: []string{"round_id", "person_id"}},
		gen.Table{Name: "inspection_findings", Cols: []string{"id", "round_id", "target_id", "topic_id", "content", "created_at"}},
		gen.Table{Name: "inspection_recommendations", Cols: []string{"id", "round_id", "target_id", "seq", "content", "task_id", "carried", "task_status", "task_due_on"}})
	if err != nil {
		return apperr.Wrap(op, err)
	}
	closed := false
	defer func() {
		if !closed {
			w.Abort()
		}
	}()
	now := db.Now()
	stamp := sqldb.FormatTime(now)
	today := work.Today(now)
	thisYear := now.In(work.VietnamZone).Year()
	kinds := []string{KindInspect, KindThematic, KindRegular}
	var programmes, rounds, targets, recs int
	sort.Slice(committees, func(i, j int) bool { return committees[i].ID < committees[j].ID })
	for _, c := range committees {
		cands := led[c.ID]
		if len(cands) == 0 {
			continue
		}
		upper := isUpper[c.ID]
		for year := thisYear - 4; year <= thisYear; year++ {
			// This year's targets.
			var picked []gen.UnitRef
			if upper {
				n := max(1, (len(cands)+2)/3)
				perm := r.Perm(len(cands))
				for _, i := range perm[:n] {
					picked = append(picked, cands[i])
				}
			} else {
				n := min(len(cands), 1+r.IntN(2))
				perm := r.Perm(len(cands))
				for _, i := range perm[:n] {
					picked = append(picked, cands[i])
				}
			}
			progID++
			programmes++
			title := fmt.Sprintf("Chương trình kiểm tra, giám sát công tác dân vận năm %d", year)
			if err := w.Add(ctx, "inspection_programmes", progID, c.ID, c.Path, year, title, "approved", fmt.Sprintf("%d-01-10", year), stamp, stamp); err != nil {
				return err
			}
			for seq := 1; len(picked) > 0; seq++ {
				n := min(len(picked), 1+r.IntN(4))
				if !upper {
					n = len(picked)
				}
				group := picked[:n]
				picked = picked[n:]
				topic := topics[(int(c.ID)+year+seq)%len(topics)]
				kind := kinds[r.IntN(len(kinds))]
				month := 3 + r.IntN(9)
				// The team's head: the first of heads outside every target of the round.
				var head int64
				for _, h := range heads {
					inside := false
					for _, t := range group {
						if strings.HasPrefix(h.path, t.Path) {
							inside = true
						}
					}
					if !inside {
						head = h.id
						break
					}
				}
				if head == 0 {
					continue
				}
				itemID++
				if err := w.Add(ctx, "inspection_items", itemID, progID, seq, kind, topic, fmt.Sprint(month), head); err != nil {
					return err
				}
				for _, t := range group {
					if err := w.Add(ctx, "inspection_item_targets", itemID, t.ID); err != nil {
						return err
					}
				}
				d := func(day int) string { return fmt.Sprintf("%d-%02d-%02d", year, month, day) }
				decisionOn, startsOn, endsOn := d(1), d(15), d(20)
				status, conclNo, conclOn, concl := "open", "", "", ""
				if endsOn < today {
					status, conclNo, conclOn, concl = "concluded", fmt.Sprintf("%d-TB/ĐU", seq), d(28), "Đơn vị thực hiện cơ bản tốt nội dung được kiểm tra, giám sát; còn một số hạn chế cần khắc phục."
				}
				// Closed once every recommendation is done or carried (decided below).
				open := 0
				roundID++
				rounds++
				no := fmt.Sprintf("%d-QĐ/ĐU", 100+int(roundID%900))
				key := fmt.Sprintf("gen-%d", roundID) // unique per committee, as notation.Key is
				var recRows [][]any
				var taskRows [][]any
				for _, t := range group {
					targets++
					if err := w.Add(ctx, "inspection_round_targets", roundID, t.ID, t.Path); err != nil {
						return err
					}
					if status == "open" {
						continue
					}
					findingID++
					if err := w.Add(ctx, "inspection_findings", findingID, roundID, t.ID, topic, "Đơn vị đã triển khai nội dung; cần tăng cường công khai và đối thoại với cán bộ.", stamp); err != nil {
						return err
					}
					lead := person[t.ID]
					if lead == 0 {
						continue
					}
					for k := 1; k <= 1+r.IntN(3); k++ {
						recID++
						recs++
						taskID++
						due := addDays(conclOn, 30+r.IntN(60))
						st, pct, doneOn, carried := "doing", 20+r.IntN(60), "", ""
						if due < today {
							switch p := r.IntN(100); {
							case p < 75:
								st, pct, doneOn = "done", 100, addDays(due, -r.IntN(20))
							case p < 90:
							default:
								carried = "Chuyển sang kỳ kiểm tra sau theo kết luận của cấp ủy"
							}
						}
						if st != "done" && carried == "" {
							open++
						}
						content := genRecommendations[(int(recID)+k)%len(genRecommendations)]
						taskTitle := "Thực hiện kiến nghị của Thông báo kết luận " + conclNo + ": " + content
						taskRows = append(taskRows, []any{taskID, nil, nil, nil, t.ID, t.Path, c.Path, taskTitle, search.Fold(taskTitle), "", lead, nil, 2, conclOn, due, "", st, pct,
							false, doneOn, doneOn, nil, 0, stamp, stamp})
						recRows = append(recRows, []any{recID, roundID, t.ID, k, content, taskID, carried, st, due})
					}
				}
				if status == "concluded" && open == 0 {
					status = "closed"
				}
				if err := w.Add(ctx, "inspection_rounds", roundID, itemID, c.ID, c.Path, no, key, decisionOn, head, startsOn, endsOn, d(10), status, conclNo, conclOn, concl, "", stamp, stamp); err != nil {
					return err
				}
				if err := w.Add(ctx, "inspection_members", roundID, head); err != nil {
					return err
				}
				for _, row := range taskRows {
					if err := w.Add(ctx, "tasks", row...); err != nil {
						return err
					}
				}
				for _, row := range recRows {
					if err := w.Add(ctx, "inspection_recommendations", row...); err != nil {
						return err
					}
				}
			}
		}
	}
	closed = true
	if err := w.Close(ctx); err != nil {
		return apperr.Wrap(op, err)
	}
	if err := gen.ResetSequences(ctx, db, "tasks", "inspection_programmes", "inspection_items", "inspection_rounds", "inspection_findings", "inspection_recommendations"); err != nil {
		return err
	}
	if err := RebuildRecommendationCounts(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(log, "gen: %d chương trình kiểm tra, giám sát, %d đoàn, %d lượt đơn vị, %d kiến nghị trong %s\n",
		programmes, rounds, targets, recs, time.Since(start).Round(time.Millisecond))
	return nil
}

// genTaskCols are the tasks' columns as the other generators write them.
var genTaskCols = []string{"id", "parent_id", "plan_id", "document_id", "unit_id", "unit_path", "assigner_path", "title", "title_fold", "description", "lead_id",
	"organiser_id", "priority", "start_on", "due_on", "due_rule", "status", "percent", "returned", "submitted_on", "done_on", "assigned_by", "children", "created_at", "updated_at"}

var genRecommendations = []string{"Công khai kết quả tiếp thu ý kiến cán bộ", "Rà soát, sửa đổi quy chế dân chủ của cơ quan", "Tổ chức đối thoại định kỳ giữa người đứng đầu và cán bộ",
	"Kiện toàn Ban Thanh tra nhân dân", "Giải quyết dứt điểm đơn thư tồn đọng", "Xây dựng mô hình \"Dân vận khéo\" gắn với nhiệm vụ chuyên môn"}

func addDays(ymd string, days int) string {
	t, err := time.Parse(sqldb.DateLayout, ymd)
	if err != nil {
		return ymd
	}
	return t.AddDate(0, 0, days).Format(sqldb.DateLayout)
}
