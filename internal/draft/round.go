package draft

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/calendar"
	"danvan/internal/jobs"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Visibility says who sees whose comments in a round.
const (
	SeeAll = "all" // everyone who may see the draft sees every comment
	SeeOwn = "own" // commenters see their own (and their unit's); the drafter and managers see all
)

// Round is a consultation round on one version.
type Round struct {
	ID            int64
	DraftID       int64
	VersionID     int64
	VersionNumber int
	OpensAt       string // UTC
	ClosesAt      string // UTC
	Visibility    string
	Public        bool
	Note          string
	CreatedAt     string
	Invites       []Invite
	// Counts.
	Comments   int
	Unanswered int
}

// Invite is a unit or a person invited to a round.
type Invite struct {
	UnitID     int64
	UnitName   string
	UnitKind   org.UnitKind
	UnitPath   string
	PersonID   int64
	PersonName string
	Commented  bool // has given at least one comment (for units: on its behalf)
}

// Name is the invitee's name.
func (i Invite) Name() string {
	if i.UnitID != 0 {
		return i.UnitName
	}
	return i.PersonName
}

// State of a round at an instant.
func (r Round) State(now time.Time) string {
	t := sqldb.FormatTime(now)
	switch {
	case t < r.OpensAt:
		return "upcoming"
	case t < r.ClosesAt:
		return "open"
	}
	return "closed"
}

// StateLabel is the state in Vietnamese.
func (r Round) StateLabel(now time.Time) string {
	switch r.State(now) {
	case "upcoming":
		return "Chưa mở"
	case "open":
		return "Đang lấy ý kiến"
	}
	return "Đã kết thúc"
}

// RoundInput is the form of a round. Times are UTC (the web layer converts from Vietnam time).
type RoundInput struct {
	VersionID  int64 // 0: the latest
	OpensAt    time.Time
	ClosesAt   time.Time
	UnitIDs    []int64
	PersonIDs  []int64
	Visibility string
	Public     bool
	Note       string
}

// DefaultInvitees returns the mass organisations of the agency holding the drafting unit
// (công đoàn, đoàn thanh niên, hội CCB, ban nữ công): the children of the nearest
// agency-like ancestor whose kind is a mass organisation.
func (s *Service) DefaultInvitees(ctx context.Context, p *org.Principal, draftID int64) ([]org.Unit, error) {
	d, err := s.load(ctx, s.DB, p, draftID)
	if err != nil {
		return nil, err
	}
	return s.massOrgsNear(ctx, s.DB, d.UnitPath)
}

// massOrgsNear walks up from the unit and returns the mass organisations that are
// children of the first ancestor having any.
func (s *Service) massOrgsNear(ctx context.Context, q sqldb.Querier, path string) ([]org.Unit, error) {
	ids := org.PathIDs(path)
	for i := len(ids) - 1; i >= 0; i-- {
		rows, err := q.QueryContext(ctx, `SELECT id, name, kind, path FROM units WHERE parent_id = ? AND valid_to = '' AND kind IN ('cong-doan', 'doan-thanh-nien', 'hoi-ccb', 'ban-nu-cong') ORDER BY id`, ids[i])
		if err != nil {
			return nil, apperr.Wrap("draft.massOrgsNear", err)
		}
		var out []org.Unit
		for rows.Next() {
			var u org.Unit
			if err := rows.Scan(&u.ID, &u.Name, &u.Kind, &u.Path); err != nil {
				rows.Close()
				return nil, apperr.Wrap("draft.massOrgsNear", err)
			}
			out = append(out, u)
		}
		rows.Close()
		if len(out) > 0 {
			return out, nil
		}
	}
	return nil, nil
}

// OpenRound creates a consultation round. Errors: NotFound, Forbidden, Invalid.
func (s *Service) OpenRound(ctx context.Context, p *org.Principal, draftID int64, in RoundInput) (Round, error) {
	var rid int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var err error
		rid, err = s.OpenRoundTx(ctx, tx, p, draftID, in)
		return err
	})
	if err != nil {
		return Round{}, err
	}
	return s.Round(ctx, p, draftID, rid)
}

// OpenRoundTx is OpenRound inside the caller's transaction; it returns the round's id.
func (s *Service) OpenRoundTx(ctx context.Context, tx *sqldb.Tx, p *org.Principal, draftID int64, in RoundInput) (rid int64, err error) {
	err = func() error {
		d, err := s.load(ctx, tx, p, draftID)
		if err != nil {
			return err
		}
		if !s.canEdit(p, d) {
			return apperr.New(apperr.Forbidden, "draft.OpenRound", "Bạn không có quyền mở đợt lấy ý kiến cho dự thảo này.")
		}
		var v apperr.Validation
		if in.VersionID == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT id FROM draft_versions WHERE draft_id = ? ORDER BY number DESC LIMIT 1`, draftID).Scan(&in.VersionID); err != nil {
				return apperr.Wrap("draft.OpenRound", err)
			}
		} else {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM draft_versions WHERE id = ? AND draft_id = ?`, in.VersionID, draftID).Scan(&n); err != nil || n == 0 {
				v.Add("version_id", "Phiên bản không thuộc dự thảo này.")
			}
		}
		if in.OpensAt.IsZero() {
			v.Add("opens_at", "Hãy nhập thời điểm bắt đầu.")
		}
		if in.ClosesAt.IsZero() {
			v.Add("closes_at", "Hãy nhập thời điểm kết thúc.")
		} else if !in.OpensAt.IsZero() && !in.ClosesAt.After(in.OpensAt) {
			v.Add("closes_at", "Thời điểm kết thúc phải sau thời điểm bắt đầu.")
		} else if !in.ClosesAt.After(tx.Now()) {
			v.Add("closes_at", "Thời điểm kết thúc phải ở tương lai.")
		}
		if in.Visibility != SeeOwn {
			in.Visibility = SeeAll
		}
		in.Note = search.Clean(in.Note)
		if utf8.RuneCountInString(in.Note) > 2000 {
			v.Add("note", "Ghi chú tối đa 2.000 ký tự.")
		}
		if len(in.UnitIDs) == 0 && len(in.PersonIDs) == 0 && !in.Public {
			v.Add("units", "Hãy mời ít nhất một đơn vị hoặc một người.")
		}
		var units []org.Unit
		seen := map[int64]bool{}
		for _, id := range in.UnitIDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			u, err := org.GetUnit(ctx, tx, id)
			if err != nil || !p.CanPath(org.ViewUnit, u.Path) {
				v.Add("units", "Có đơn vị được mời không tồn tại hoặc ngoài phạm vi của bạn.")
				continue
			}
			units = append(units, u)
		}
		var people []int64
		seenP := map[int64]bool{}
		for _, id := range in.PersonIDs {
			if seenP[id] {
				continue
			}
			seenP[id] = true
			_, path, err := s.personInUnitTree(ctx, tx, id)
			if err != nil || !p.CanPath(org.ViewPerson, path) {
				v.Add("people", "Có người được mời không tồn tại hoặc ngoài phạm vi của bạn.")
				continue
			}
			people = append(people, id)
		}
		if err := v.Err(); err != nil {
			return err
		}
		rid, err = tx.InsertID(ctx, `INSERT INTO draft_rounds (draft_id, version_id, unit_path, opens_at, closes_at, visibility, public, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, draftID, in.VersionID, d.UnitPath, sqldb.FormatTime(in.OpensAt), sqldb.FormatTime(in.ClosesAt),
			in.Visibility, in.Public, in.Note, nullID(p.UserID), sqldb.FormatTime(tx.Now()))
		if err != nil {
			return apperr.Wrap("draft.OpenRound", err)
		}
		var names []string
		for _, u := range units {
			if _, err := tx.ExecContext(ctx, `INSERT INTO draft_invites (round_id, unit_id, unit_path) VALUES (?, ?, ?)`, rid, u.ID, u.Path); err != nil {
				return apperr.Wrap("draft.OpenRound", err)
			}
			names = append(names, u.Name)
		}
		for _, id := range people {
			if _, err := tx.ExecContext(ctx, `INSERT INTO draft_invites (round_id, person_id) VALUES (?, ?)`, rid, id); err != nil {
				return apperr.Wrap("draft.OpenRound", err)
			}
		}
		if err := audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "draft", EntityID: draftID, Action: "round",
			Summary: "Mở đợt lấy ý kiến dự thảo " + d.Title + ": mời " + strings.Join(names, ", "),
			After:   map[string]any{"round_id": rid, "opens_at": sqldb.FormatTime(in.OpensAt), "closes_at": sqldb.FormatTime(in.ClosesAt), "units": in.UnitIDs, "people": people, "public": in.Public}}); err != nil {
			return err
		}
		// Notify now when the round is already open; later rounds are announced by SendReminders.
		if !in.OpensAt.After(tx.Now()) {
			_, err := s.announce(ctx, tx, rid, d, "open")
			return err
		}
		return nil
	}()
	return rid, err
}

// Round returns one round of a draft with its invitations and counts.
func (s *Service) Round(ctx context.Context, p *org.Principal, draftID, roundID int64) (Round, error) {
	if _, err := s.load(ctx, s.DB, p, draftID); err != nil {
		return Round{}, err
	}
	rs, err := s.rounds(ctx, s.DB, draftID)
	if err != nil {
		return Round{}, err
	}
	for _, r := range rs {
		if r.ID == roundID {
			if err := s.loadInvites(ctx, s.DB, &r); err != nil {
				return Round{}, err
			}
			return r, nil
		}
	}
	return Round{}, notFound("draft.Round")
}

// Rounds lists the rounds of a draft, oldest first, with invitations and counts.
func (s *Service) Rounds(ctx context.Context, p *org.Principal, draftID int64) ([]Round, error) {
	if _, err := s.load(ctx, s.DB, p, draftID); err != nil {
		return nil, err
	}
	rs, err := s.rounds(ctx, s.DB, draftID)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		if err := s.loadInvites(ctx, s.DB, &rs[i]); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

func (s *Service) rounds(ctx context.Context, q sqldb.Querier, draftID int64) ([]Round, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.draft_id, r.version_id, v.number, r.opens_at, r.closes_at, r.visibility, r.public, r.note, r.created_at,
		(SELECT COUNT(*) FROM draft_comments c WHERE c.round_id = r.id AND c.status = 'published'),
		(SELECT COUNT(*) FROM draft_comments c WHERE c.round_id = r.id AND c.status = 'published' AND c.answer = '')
		FROM draft_rounds r JOIN draft_versions v ON v.id = r.version_id WHERE r.draft_id = ? ORDER BY r.id`, draftID)
	if err != nil {
		return nil, apperr.Wrap("draft.rounds", err)
	}
	defer rows.Close()
	var out []Round
	for rows.Next() {
		var r Round
		if err := rows.Scan(&r.ID, &r.DraftID, &r.VersionID, &r.VersionNumber, &r.OpensAt, &r.ClosesAt, &r.Visibility, &r.Public, &r.Note, &r.CreatedAt, &r.Comments, &r.Unanswered); err != nil {
			return nil, apperr.Wrap("draft.rounds", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Service) loadInvites(ctx context.Context, q sqldb.Querier, r *Round) error {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(i.unit_id, 0), COALESCE(u.name, ''), COALESCE(u.kind, ''), i.unit_path, COALESCE(i.person_id, 0), COALESCE(pp.full_name, ''),
		CASE WHEN i.unit_id IS NOT NULL THEN (SELECT COUNT(*) FROM draft_comments c WHERE c.round_id = i.round_id AND c.unit_id = i.unit_id AND c.status = 'published')
		     ELSE (SELECT COUNT(*) FROM draft_comments c WHERE c.round_id = i.round_id AND c.author_person = i.person_id AND c.status = 'published') END
		FROM draft_invites i LEFT JOIN units u ON u.id = i.unit_id LEFT JOIN people pp ON pp.id = i.person_id WHERE i.round_id = ? ORDER BY i.id`, r.ID)
	if err != nil {
		return apperr.Wrap("draft.loadInvites", err)
	}
	defer rows.Close()
	r.Invites = nil
	for rows.Next() {
		var in Invite
		var n int
		if err := rows.Scan(&in.UnitID, &in.UnitName, &in.UnitKind, &in.UnitPath, &in.PersonID, &in.PersonName, &n); err != nil {
			return apperr.Wrap("draft.loadInvites", err)
		}
		in.Commented = n > 0
		r.Invites = append(r.Invites, in)
	}
	return rows.Err()
}

// recipients are the users to tell about a round: people holding a current position in
// an invited unit, users granted a role on it, and invited people with an account.
func recipients(ctx context.Context, tx *sqldb.Tx, roundID int64) ([]struct {
	ID    int64
	Email string
}, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT u.id, u.email FROM users u WHERE u.disabled = FALSE AND (
		u.id IN (SELECT g.user_id FROM role_grants g JOIN draft_invites i ON i.unit_id = g.unit_id WHERE i.round_id = ?)
		OR u.person_id IN (SELECT ps.person_id FROM positions ps JOIN draft_invites i ON i.unit_id = ps.unit_id WHERE i.round_id = ? AND ps.end_date = '')
		OR u.person_id IN (SELECT i.person_id FROM draft_invites i WHERE i.round_id = ? AND i.person_id IS NOT NULL)) ORDER BY u.id`, roundID, roundID, roundID)
	if err != nil {
		return nil, apperr.Wrap("draft.recipients", err)
	}
	defer rows.Close()
	var out []struct {
		ID    int64
		Email string
	}
	for rows.Next() {
		var x struct {
			ID    int64
			Email string
		}
		if err := rows.Scan(&x.ID, &x.Email); err != nil {
			return nil, apperr.Wrap("draft.recipients", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// announce sends the opening notice ("open") or the reminder ("remind") of a round to
// each recipient not told yet. A row in draft_notices, inserted with ON CONFLICT DO
// NOTHING in the same transaction as the note, makes it once per (round, kind, user):
// two workers, or a rerun after a crash, send nothing twice. Notes go into the
// person's daily digest (no mail per item). It returns how many were told.
func (s *Service) announce(ctx context.Context, tx *sqldb.Tx, roundID int64, d Draft, what string) (int, error) {
	var closes string
	if err := tx.QueryRowContext(ctx, `SELECT closes_at FROM draft_rounds WHERE id = ?`, roundID).Scan(&closes); err != nil {
		return 0, apperr.Wrap("draft.announce", err)
	}
	until := sqldb.ParseTime(closes).In(vietnam).Format("15:04 ngày 02/01/2006")
	title := "Mời góp ý dự thảo " + d.Title
	body := "Đợt lấy ý kiến đã mở, kết thúc lúc " + until + "."
	if what == "remind" {
		title = "Sắp hết hạn góp ý dự thảo " + d.Title
		body = "Đợt lấy ý kiến kết thúc lúc " + until + " (còn 2 ngày làm việc)."
	}
	link := "/drafts/" + itoa64(d.ID) + "/rounds/" + itoa64(roundID)
	rs, err := recipients(ctx, tx, roundID)
	if err != nil {
		return 0, err
	}
	now := sqldb.FormatTime(tx.Now())
	told := 0
	for _, u := range rs {
		res, err := tx.ExecContext(ctx, `INSERT INTO draft_notices (round_id, kind, user_id, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, roundID, what, u.ID, now)
		if err != nil {
			return 0, apperr.Wrap("draft.announce", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if err := notify.Send(ctx, tx, notify.Note{UserID: u.ID, Kind: "draft." + what, Title: title, Body: body, Link: link}); err != nil {
			return 0, err
		}
		told++
	}
	col := "opened_sent"
	if what == "remind" {
		col = "reminded"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE draft_rounds SET `+col+` = TRUE WHERE id = ?`, roundID); err != nil {
		return 0, apperr.Wrap("draft.announce", err)
	}
	if told == 0 {
		return 0, nil
	}
	return told, audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "draft", EntityID: d.ID, Action: what,
		Summary: map[string]string{"open": "Gửi thông báo mở đợt lấy ý kiến", "remind": "Nhắc hạn góp ý (còn 2 ngày làm việc)"}[what] + " — " + itoa(told) + " người nhận"})
}

var vietnam = time.FixedZone("ICT", 7*3600)

// ReminderDate is the Vietnam date on which the reminder of a round closing at closes is
// due: two working days before the closing day.
func ReminderDate(cal *calendar.Calendar, closes time.Time) calendar.Date {
	return cal.AddWorkingDays(calendar.DateOf(closes), -2)
}

// ReminderTask is the background task (registered in internal/app) that sends the
// opening notices and reminders of consultation rounds every quarter of an hour.
func (s *Service) ReminderTask() jobs.Task {
	return jobs.Task{Name: "draft.reminders", Every: 15 * time.Minute, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.SendReminders(ctx, now)
		return err
	}}
}

// SendReminders tells the invitees of rounds that have opened (the opening notice) and
// of rounds closing in 2 working days or less (the reminder), each invitee once per
// round and kind, however often it runs and on however many instances (see announce).
// A round too short for a reminder (its reminder day is not after its opening day) only
// gets the opening notice, which already says when it closes. It returns how many
// notes were sent.
func (s *Service) SendReminders(ctx context.Context, now time.Time) (int, error) {
	cal := s.Calendar()
	nowS := sqldb.FormatTime(now)
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.draft_id, r.opens_at, r.closes_at FROM draft_rounds r
		WHERE r.opens_at <= ? AND r.closes_at > ? ORDER BY r.id`, nowS, nowS)
	if err != nil {
		return 0, apperr.Wrap("draft.SendReminders", err)
	}
	type due struct {
		round, draft int64
		what         string
	}
	var todo []due
	today := calendar.DateOf(now)
	for rows.Next() {
		var id, did int64
		var opens, closes string
		if err := rows.Scan(&id, &did, &opens, &closes); err != nil {
			rows.Close()
			return 0, apperr.Wrap("draft.SendReminders", err)
		}
		todo = append(todo, due{id, did, "open"})
		rd := ReminderDate(cal, sqldb.ParseTime(closes))
		if !today.Before(rd) && rd.After(calendar.DateOf(sqldb.ParseTime(opens))) {
			todo = append(todo, due{id, did, "remind"})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, apperr.Wrap("draft.SendReminders", err)
	}
	sent := 0
	actx := audit.WithActor(ctx, audit.Actor{Name: "Hệ thống"})
	for _, x := range todo {
		var n int
		err := s.DB.Tx(actx, func(tx *sqldb.Tx) error {
			var d Draft
			if err := scanDraft(tx.QueryRowContext(actx, `SELECT `+draftCols+draftFrom+` WHERE d.id = ?`, x.draft), &d); err != nil {
				return apperr.Wrap("draft.SendReminders", err)
			}
			var err error
			n, err = s.announce(actx, tx, x.round, d, x.what)
			return err
		})
		if err != nil {
			return sent, err
		}
		sent += n
	}
	return sent, nil
}

func itoa64(n int64) string { return itoa(int(n)) }
