// Package petitiongen fills a generated organisation (package gen) with synthetic
// petitions for the performance figures of "Đơn thư" (`danvan gen --petitions N`).
package petitiongen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/calendar"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Generator returns the `danvan gen` generator of the petitions domain (--petitions n):
// n synthetic petitions (đơn thư) over the generated agencies, received over the last two
// years with a realistic mix — 45% complaints, 20% denunciations, 35% feedback; online,
// in person, by post, forwarded — and states by age: old petitions mostly resolved or
// closed (a few still overdue), recent ones still being classified, accepted or resolved. Each has its current deadline step, computed with
// the statutory calendar, and the dashboard counters (petition_stats) are written to
// match. No public history rows are written for them.
func Generator(n int) gen.Generator {
	return func(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options) error {
		return generate(ctx, db, s, o, n)
	}
}

func generate(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options, n int) error {
	agencies := s.Units[org.KindAgency]
	if n <= 0 || len(agencies) == 0 {
		return nil
	}
	start := time.Now()
	var firstID, firstStep int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM petitions`).Scan(&firstID); err != nil {
		return apperr.Wrap("petitiongen.generate", err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM petition_steps`).Scan(&firstStep); err != nil {
		return apperr.Wrap("petitiongen.generate", err)
	}
	w, err := gen.NewWriter(ctx, db, o.BatchRows, gen.Table{Name: "petitions", Cols: petitionCols}, gen.Table{Name: "petition_steps", Cols: stepCols})
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(o.Seed+3, o.Seed^0x5bd1e995))
	cal := calendar.New(nil)
	today := calendar.DateOf(db.Now())
	now := sqldb.FormatTime(db.Now())
	type key struct {
		unit  int64
		month string
		kind  petition.Kind
	}
	type counts struct {
		path                       string
		received, resolved, onTime int
	}
	stats := map[key]*counts{}
	bump := func(u gen.UnitRef, month string, k petition.Kind, rec, res, ot int) {
		c := stats[key{u.ID, month, k}]
		if c == nil {
			c = &counts{path: u.Path}
			stats[key{u.ID, month, k}] = c
		}
		c.received += rec
		c.resolved += res
		c.onTime += ot
	}
	folds := make([]string, len(genSubjects))
	keys := make([]string, len(genSubjects))
	for i, sub := range genSubjects {
		folds[i] = search.Fold(sub + " " + genContent(sub))
		keys[i] = petition.ContentKey(genContent(sub))
	}
	id, stepID := firstID, firstStep
	for i := 0; i < n; i++ {
		id++
		u := agencies[r.IntN(len(agencies))]
		age := r.IntN(730)
		received := today.AddDays(-age)
		var kind petition.Kind
		switch x := r.IntN(100); {
		case x < 45:
			kind = petition.Complaint
		case x < 65:
			kind = petition.Denunciation
		default:
			kind = petition.Feedback
		}
		channel := petition.Channels[weighted(r, 40, 25, 25, 10)]
		st := genState(r, age)
		sub := r.IntN(len(genSubjects))
		name, _ := genName(r)
		phone := fmt.Sprintf("09%08d", r.IntN(100000000))
		idno := fmt.Sprintf("0%02d%09d", r.IntN(96), r.IntN(1000000000))
		if kind == petition.Feedback && r.IntN(2) == 0 {
			idno = ""
		}
		fold := folds[sub]
		if kind != petition.Denunciation {
			fold += " " + search.Fold(name)
		}
		open := st != petition.Resolved && st != petition.Closed && st != petition.ForwardedOut && st != petition.Rejected
		accepted := ""
		acc := cal.AddWorkingDays(received, 1+r.IntN(6))
		if acc.After(today) {
			acc = today
		}
		if st != petition.Received && st != petition.Classified && st != petition.ForwardedOut && st != petition.Rejected {
			accepted = acc.String()
		}
		// The current step and its deadline.
		step, amount, unit, startsOn := petition.StepAccept, 10, calendar.WorkingDays, received
		switch {
		case kind == petition.Denunciation && accepted == "":
			step, amount = petition.StepRegister, 7
		case kind == petition.Feedback && accepted == "":
			step, amount = petition.StepForward, 5
		case accepted != "":
			step, amount, unit, startsOn = petition.StepResolve, 30, calendar.CalendarDays, acc
			if kind == petition.Complaint && r.IntN(5) == 0 {
				amount = 45
			}
		}
		due := cal.Deadline(startsOn, amount, unit)
		if st == petition.Extended {
			due = cal.CalendarDeadline(due, 30)
		}
		status, doneOn, resolvedOn, onTime := "open", "", "", false
		dueOn := due.String()
		switch {
		case st == petition.Suspended:
			status, dueOn = "paused", petition.NoDue
		case !open:
			status, dueOn = "done", petition.NoDue
			done := due.AddDays(-r.IntN(20))
			if r.IntN(100) < 15 {
				done = due.AddDays(1 + r.IntN(30)) // resolved late
			}
			if done.After(today) {
				done = today
			}
			if done.Before(startsOn) {
				done = startsOn
			}
			doneOn = done.String()
			if st == petition.Resolved || st == petition.Closed {
				resolvedOn = doneOn
				onTime = !done.After(due)
			}
		}
		// Petitions past acceptance have a lead person (any generated person: the list's
		// lead filter needs a realistic spread, not an exact assignment).
		lead := any(nil)
		if accepted != "" && s.People.Len() > 0 {
			lead = s.People.First + r.Int64N(s.People.Len())
		}
		month := received.String()[:7]
		bump(u, month, kind, 1, 0, 0)
		if resolvedOn != "" {
			ot := 0
			if onTime {
				ot = 1
			}
			bump(u, resolvedOn[:7], kind, 0, 1, ot)
		}
		result := ""
		if resolvedOn != "" {
			result = petition.Results[weighted(r, 25, 35, 35, 5)]
		}
		openV, onTimeV := boolValue(db, open), boolValue(db, onTime)
		if err := w.Add(ctx, "petitions", id, petition.NewCode(), string(kind), string(channel), string(st), openV, u.ID, u.Path, received.String(), 1, "normal", "normal", boolValue(db, true),
			genSubjects[sub], genContent(genSubjects[sub]), fold, keys[sub], name, phone, "", "Hà Nội", idno, phone, "", "", "", "", result, "",
			nil, lead, dueOn, accepted, resolvedOn, onTimeV, now, now); err != nil {
			w.Abort()
			return err
		}
		stepID++
		if err := w.Add(ctx, "petition_steps", stepID, id, string(step), amount, unit.String(), startsOn.String(), due.String(), 0, status, doneOn, now); err != nil {
			w.Abort()
			return err
		}
		if (i+1)%200000 == 0 {
			fmt.Fprintf(o.Log, "gen: %d đơn thư…\n", i+1)
		}
	}
	if err := w.Close(ctx); err != nil {
		return err
	}
	if err := gen.ResetSequences(ctx, db, "petitions", "petition_steps"); err != nil {
		return err
	}
	err = db.Tx(ctx, func(tx *sqldb.Tx) error {
		for k, c := range stats {
			if _, err := tx.ExecContext(ctx, `INSERT INTO petition_stats (unit_id, unit_path, month, kind, received, resolved, on_time) VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (unit_id, month, kind) DO UPDATE SET received = petition_stats.received + excluded.received, resolved = petition_stats.resolved + excluded.resolved, on_time = petition_stats.on_time + excluded.on_time`,
				k.unit, c.path, k.month, string(k.kind), c.received, c.resolved, c.onTime); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return apperr.Wrap("petitiongen.generate", err)
	}
	if err := petition.NewService(db).RebuildRollups(ctx); err != nil {
		return err
	}
	if db.Dialect() == sqldb.Postgres {
		_, _ = db.ExecContext(ctx, `ANALYZE petitions`)
		_, _ = db.ExecContext(ctx, `ANALYZE petition_steps`)
	} else {
		_, _ = db.ExecContext(ctx, `ANALYZE`)
	}
	fmt.Fprintf(o.Log, "gen: %d đơn thư trong %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

var petitionCols = []string{"id", "code", "kind", "channel", "state", "open", "unit_id", "unit_path", "received_on", "round", "complexity", "area", "competent",
	"subject", "content", "search_fold", "content_key", "sender_name", "sender_phone", "sender_email", "sender_address", "sender_idno", "phone_key",
	"forwarded_from", "forwarded_to", "reason", "decision_no", "result", "conclusion", "lead_unit_id", "lead_person_id", "due_on", "accepted_on",
	"resolved_on", "on_time", "created_at", "updated_at"}

var stepCols = []string{"id", "petition_id", "step", "amount", "unit", "starts_on", "due_on", "extensions_used", "status", "done_on", "created_at"}

// boolValue is a boolean as each engine's bulk path wants it.
func boolValue(db *sqldb.DB, b bool) any {
	if db.Dialect() == sqldb.Postgres {
		return b
	}
	if b {
		return 1
	}
	return 0
}

// weighted picks an index with the given weights (percentages).
func weighted(r *rand.Rand, w ...int) int {
	x, sum := r.IntN(100), 0
	for i, v := range w {
		sum += v
		if x < sum {
			return i
		}
	}
	return len(w) - 1
}

// genState picks a state for a petition received age days ago.
func genState(r *rand.Rand, age int) petition.State {
	x := r.IntN(100)
	switch {
	case age > 90:
		switch {
		case x < 30:
			return petition.Resolved
		case x < 85:
			return petition.Closed
		case x < 90:
			return petition.ForwardedOut
		case x < 95:
			return petition.Rejected
		case x < 97:
			return petition.Suspended
		}
		return petition.InProgress // long overdue
	case age > 30:
		switch {
		case x < 40:
			return petition.Resolved
		case x < 45:
			return petition.ForwardedOut
		case x < 50:
			return petition.Rejected
		case x < 80:
			return petition.InProgress
		case x < 92:
			return petition.Extended
		}
		return petition.Suspended
	}
	switch {
	case x < 30:
		return petition.Received
	case x < 50:
		return petition.Classified
	case x < 70:
		return petition.Accepted
	}
	return petition.InProgress
}

func genName(r *rand.Rand) (string, string) {
	sur := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"}
	mid := []string{"Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc"}
	giv := []string{"An", "Bình", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Thảo", "Tuấn"}
	return sur[r.IntN(len(sur))] + " " + mid[r.IntN(len(mid))] + " " + giv[r.IntN(len(giv))], ""
}

var genSubjects = []string{
	"Khiếu nại quyết định thu hồi đất", "Khiếu nại việc chậm cấp giấy chứng nhận quyền sử dụng đất", "Tố cáo cán bộ gây phiền hà khi giải quyết thủ tục",
	"Tố cáo việc sử dụng ngân sách sai quy định", "Kiến nghị sửa chữa đường giao thông nông thôn", "Phản ánh ô nhiễm môi trường tại cụm công nghiệp",
	"Khiếu nại quyết định xử phạt vi phạm hành chính", "Kiến nghị về chế độ chính sách người có công", "Tố cáo hành vi nhận hối lộ", "Phản ánh thái độ tiếp dân của cán bộ",
	"Khiếu nại việc bồi thường, hỗ trợ tái định cư", "Kiến nghị công khai quy hoạch sử dụng đất",
}

func genContent(subject string) string {
	return subject + ". Đề nghị cơ quan có thẩm quyền xem xét, giải quyết theo quy định của pháp luật và trả lời bằng văn bản cho người gửi đơn."
}
