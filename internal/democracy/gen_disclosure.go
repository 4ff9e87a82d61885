package democracy

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"danvan/internal/calendar"
	"danvan/internal/gen"
	"danvan/internal/petition"
	"danvan/internal/search"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// genDisclosure is one category's share of a generated register: its weight among an
// agency's decisions of a year, and titles of the decisions it discloses.
type genDisclosure struct {
	code   string
	weight int
	titles []string
}

// The mix an agency's register shows over a year: personnel and plans most often,
// budget every quarter, inspection and complaints now and then (the codes of
// migration 0550).
var genDisclosureMix = []genDisclosure{
	{"ke-hoach", 16, []string{"Kế hoạch công tác năm", "Chương trình công tác quý", "Kế hoạch cải cách hành chính"}},
	{"ngan-sach", 12, []string{"Công khai dự toán ngân sách", "Công khai quyết toán ngân sách", "Tình hình thực hiện dự toán quý"}},
	{"tai-san", 8, []string{"Kế hoạch mua sắm tài sản công", "Kết quả đấu thầu mua sắm trang thiết bị", "Thanh lý tài sản"}},
	{"nhan-su", 20, []string{"Quyết định bổ nhiệm", "Kết quả tuyển dụng công chức", "Danh sách nâng bậc lương", "Kế hoạch đào tạo, bồi dưỡng"}},
	{"thanh-tra", 5, []string{"Kết luận thanh tra công vụ", "Kết luận kiểm toán", "Kết luận kiểm tra nội bộ"}},
	{"khieu-nai", 4, []string{"Kết quả giải quyết khiếu nại", "Kết quả xử lý phản ánh, kiến nghị"}},
	{"quy-che", 8, []string{"Quy chế chi tiêu nội bộ", "Quy chế dân chủ ở cơ sở", "Nội quy cơ quan"}},
	{"che-do", 9, []string{"Chế độ phụ cấp", "Chế độ nghỉ dưỡng, tham quan", "Chính sách hỗ trợ cán bộ"}},
	{"thi-dua", 10, []string{"Kết quả bình xét thi đua", "Quyết định khen thưởng"}},
	{"ke-khai", 5, []string{"Danh sách người phải kê khai tài sản, thu nhập", "Kế hoạch phòng, chống tham nhũng"}},
	{"khac", 3, []string{"Thông báo kết luận giao ban", "Nội dung khác theo quy định"}},
}

var genDisclosureCols = []string{"id", "unit_id", "unit_path", "category", "title", "summary", "decision_no", "decision_on", "signer", "forms", "rule_id", "due_on",
	"display_days", "posted_on", "taken_down_on", "lead_id", "reminded_at", "search_fold", "created_at", "updated_at"}

// genDisclosures writes, for every agency with staff, a year of its register: decisions
// of the last 365 days in the proportions of genDisclosureMix, each due on the date its
// rule in force gives (working days of the calendar, as the register computes it). Most
// are posted on time, some late, a few not posted past their due date (already
// reminded, so a server started on the data does not send thousands of reminders at
// once); those posted long ago are mostly taken down after their minimum display, a few
// cut short. About one posted item in ten has a question or an objection from a staff
// member of the agency, most of them answered by the head. The sender and the head get
// an account each that cannot sign in (no password): questions need a user.
func genDisclosures(ctx context.Context, db *sqldb.DB, agencies []gen.UnitRef, staff map[string][]int64, r *rand.Rand, batch int) (items, questions int, err error) {
	heads, err := genNames(ctx, db, agencies, staff)
	if err != nil {
		return 0, 0, err
	}
	var discID, qID, userID int64
	for _, q := range []struct {
		sql string
		dst *int64
	}{{`SELECT COALESCE(MAX(id), 0) FROM disclosures`, &discID}, {`SELECT COALESCE(MAX(id), 0) FROM disclosure_questions`, &qID},
		{`SELECT COALESCE(MAX(id), 0) FROM users`, &userID}} {
		if err := db.QueryRowContext(ctx, q.sql).Scan(q.dst); err != nil {
			return 0, 0, err
		}
	}
	// The calendar the server counts with: statutory days and the administrator's.
	store := petition.NewCalendarStore(db)
	if err := store.Load(ctx); err != nil {
		return 0, 0, err
	}
	cal := store.Current()
	now := db.Now()
	stamp := sqldb.FormatTime(now)
	today := work.Today(now)
	todayD := calendar.DateOf(now.In(work.VietnamZone))
	// The rule in force for a category on a date, from the rule data itself.
	type ruleKey struct{ cat, on string }
	rules := map[ruleKey]DisclosureRule{}
	ruleOn := func(cat, on string) (DisclosureRule, error) {
		k := ruleKey{cat, on}
		if rl, ok := rules[k]; ok {
			return rl, nil
		}
		rl, err := DisclosureRuleOn(ctx, db, cat, on)
		rules[k] = rl
		return rl, err
	}
	total := 0
	for _, c := range genDisclosureMix {
		total += c.weight
	}
	w, err := gen.NewWriter(ctx, db, batch,
		gen.Table{Name: "users", Cols: []string{"id", "username", "password_hash", "person_id", "display_name", "created_at", "password_changed_at", "unit_id", "unit_path", "name_fold"}},
		gen.Table{Name: "disclosures", Cols: genDisclosureCols},
		gen.Table{Name: "disclosure_questions", Cols: []string{"id", "disclosure_id", "unit_path", "sender_id", "kind", "content", "answer", "answered_by", "answered_at", "created_at"}})
	if err != nil {
		return 0, 0, err
	}
	closed := false
	defer func() {
		if !closed {
			w.Abort() // an error on the way: release the connection, write nothing more
		}
	}()
	abbr := []string{"VP", "TCCB", "KHTC", "TTr", "BCĐ"}
	for _, ag := range agencies {
		people := staff[ag.Path]
		if len(people) < 3 {
			continue
		}
		head, sender := people[0], people[2]
		var headUser, senderUser int64 // made when the agency's first question needs them
		account := func(pid int64) (int64, error) {
			userID++
			name := heads[pid]
			return userID, w.Add(ctx, "users", userID, fmt.Sprintf("gen-dc-%d", pid), "", pid, name, stamp, stamp, ag.ID, ag.Path, search.Fold(name))
		}
		n := 18 + r.IntN(13)
		for k := 0; k < n; k++ {
			pick := r.IntN(total)
			cat := genDisclosureMix[0]
			for _, c := range genDisclosureMix {
				if pick < c.weight {
					cat = c
					break
				}
				pick -= c.weight
			}
			decided := todayD.AddDays(-r.IntN(365))
			decidedOn := decided.String()
			rule, err := ruleOn(cat.code, decidedOn)
			if err != nil {
				return 0, 0, err
			}
			due := rule.DueOn(cal, decidedOn)
			dueD, _ := calendar.ParseDate(due)
			posted, down, reminded := "", "", ""
			switch p := r.IntN(100); {
			case due >= today && p < 50:
				// Still within the limit: not posted yet.
			case due >= today:
				posted = decided.AddDays(r.IntN(todayD.Sub(decided) + 1)).String()
			case p < 78:
				posted = decided.AddDays(r.IntN(dueD.Sub(decided) + 1)).String()
			case p < 92:
				posted = dueD.AddDays(1 + r.IntN(min(15, todayD.Sub(dueD)))).String()
			default:
				reminded = stamp // overdue, the answerable person already reminded
			}
			forms := []string{FormPosted, FormMeeting}
			switch f := r.IntN(10); {
			case f < 3:
				forms = []string{FormPosted, FormIntranet}
			case f < 4:
				forms = []string{FormMeeting, FormWriting} // not displayed: no minimum period
			}
			d := Disclosure{PostedOn: posted, Forms: forms, DisplayDays: rule.DisplayDays}
			if until := d.MinUntil(); until != "" && until < today && r.IntN(10) < 8 {
				down = until
				if r.IntN(25) == 0 {
					down = addDays(until, -1-r.IntN(max(1, rule.DisplayDays/2))) // cut short
				} else if extra := addDays(until, r.IntN(20)); extra < today {
					down = extra
				}
			}
			title := fmt.Sprintf("%s %s", cat.titles[r.IntN(len(cat.titles))], decided.String()[:4])
			no := fmt.Sprintf("%d/QĐ-%s", 1+r.IntN(250), abbr[r.IntN(len(abbr))])
			lead := people[1]
			discID++
			items++
			if err := w.Add(ctx, "disclosures", discID, ag.ID, ag.Path, cat.code, title, "", no, decidedOn, heads[head], strings.Join(forms, ","), rule.ID, due,
				rule.DisplayDays, posted, down, lead, reminded, search.Fold(title+" "+no), stamp, stamp); err != nil {
				return 0, 0, err
			}
			if posted == "" || r.IntN(10) != 0 {
				continue
			}
			if senderUser == 0 {
				if senderUser, err = account(sender); err != nil {
					return 0, 0, err
				}
				if headUser, err = account(head); err != nil {
					return 0, 0, err
				}
			}
			kind, content := QuestionAsk, "Đề nghị cho biết căn cứ và thời gian áp dụng của nội dung này."
			if r.IntN(4) == 0 {
				kind, content = QuestionObjection, "Tôi chưa đồng ý với một số điểm, đề nghị xem xét lại trước khi thực hiện."
			}
			answer, by, at := "", any(nil), ""
			if r.IntN(100) < 80 {
				answer, by, at = "Cơ quan đã tiếp thu; nội dung đã được giải thích tại cuộc họp giao ban.", headUser, stamp
			}
			qID++
			questions++
			if err := w.Add(ctx, "disclosure_questions", qID, discID, ag.Path, senderUser, kind, content, answer, by, at, stamp); err != nil {
				return 0, 0, err
			}
		}
	}
	closed = true
	if err := w.Close(ctx); err != nil {
		return 0, 0, err
	}
	return items, questions, gen.ResetSequences(ctx, db, "users", "disclosures", "disclosure_questions")
}

// genNames returns the full names of the first three staff of each agency (the head
// signs, the second is answerable, the third asks), read in chunks by id.
func genNames(ctx context.Context, db *sqldb.DB, agencies []gen.UnitRef, staff map[string][]int64) (map[int64]string, error) {
	var ids []int64
	for _, a := range agencies {
		p := staff[a.Path]
		ids = append(ids, p[:min(3, len(p))]...)
	}
	out := make(map[int64]string, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(500, len(ids))]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := db.QueryContext(ctx, `SELECT id, full_name FROM people WHERE id IN (`+sqldb.Placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
