package inspection

import (
	"context"
	"fmt"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// RoundInput opens a round carrying out a programme item.
type RoundInput struct {
	ItemID     int64
	DecisionNo string // Party notation, "12-QĐ/ĐUK"
	DecisionOn string // YYYY-MM-DD
	HeadID     int64
	MemberIDs  []int64
	StartsOn   string
	EndsOn     string
	ReportDue  string // the targets' self-report, before the visit
}

// OpenRound opens a round on an approved programme's item, its targets being the
// item's. A decision number already used by the committee is a Conflict, so a double
// submit makes one round. Errors: NotFound, Forbidden, Invalid, Conflict.
func (s *Service) OpenRound(ctx context.Context, p *org.Principal, in RoundInput) (int64, error) {
	const op = "inspection.OpenRound"
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var unitID int64
		var path, status, kind, topic string
		var year int
		if err := tx.QueryRowContext(ctx, `SELECT p.unit_id, p.unit_path, p.status, p.year, i.kind, tp.name FROM inspection_items i JOIN inspection_programmes p ON p.id = i.programme_id
			JOIN inspection_topics tp ON tp.id = i.topic_id WHERE i.id = ?`,
			in.ItemID).Scan(&unitID, &path, &status, &year, &kind, &topic); err != nil {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy nội dung của chương trình.")
		}
		if !p.CanPath(org.ManageInspection, path) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền tổ chức đoàn kiểm tra, giám sát của cấp ủy này.")
		}
		if status != "approved" {
			return apperr.New(apperr.Conflict, op, "Chương trình chưa được phê duyệt.")
		}
		var v apperr.Validation
		v.Op = op
		n, ok := parseDecision(in.DecisionNo)
		if !ok {
			v.Add("decision_no", "Số quyết định không đọc được theo thể thức văn bản của Đảng (ví dụ 12-QĐ/ĐUK).")
		}
		y := fmt.Sprint(year)
		for _, d := range []struct{ field, val, what string }{{"decision_on", in.DecisionOn, "Ngày quyết định"}, {"starts_on", in.StartsOn, "Ngày bắt đầu"},
			{"ends_on", in.EndsOn, "Ngày kết thúc"}, {"report_due", in.ReportDue, "Hạn báo cáo tự kiểm tra"}} {
			if len(d.val) != 10 || !strings.HasPrefix(d.val, y+"-") {
				v.Add(d.field, d.what+" phải là một ngày trong năm "+y+" của chương trình.")
			}
		}
		if in.EndsOn < in.StartsOn {
			v.Add("ends_on", "Ngày kết thúc không được trước ngày bắt đầu.")
		}
		if in.ReportDue > in.StartsOn {
			v.Add("report_due", "Đơn vị phải nộp báo cáo tự kiểm tra trước ngày đoàn làm việc.")
		}
		if in.HeadID == 0 {
			v.Add("head_id", "Hãy chọn trưởng đoàn.")
		}
		rows, err := tx.QueryContext(ctx, `SELECT u.id, u.path, u.name FROM inspection_item_targets t JOIN units u ON u.id = t.unit_id WHERE t.item_id = ?`, in.ItemID)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		type target struct {
			id         int64
			path, name string
		}
		var targets []target
		for rows.Next() {
			var t target
			if err := rows.Scan(&t.id, &t.path, &t.name); err != nil {
				rows.Close()
				return apperr.Wrap(op, err)
			}
			targets = append(targets, t)
		}
		rows.Close()
		team := uniq(append([]int64{in.HeadID}, in.MemberIDs...))
		for _, m := range team {
			if m == 0 {
				continue
			}
			for _, t := range targets {
				if s.Plans.Belongs(ctx, tx, m, t.path) {
					var name string
					_ = tx.QueryRowContext(ctx, `SELECT full_name FROM people WHERE id = ?`, m).Scan(&name)
					v.Add("member_ids", fmt.Sprintf("%s thuộc %s là đơn vị được kiểm tra, giám sát: không thể là thành viên đoàn.", name, t.name))
				}
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		ts := sqldb.FormatTime(tx.Now())
		id, err = tx.InsertID(ctx, `INSERT INTO inspection_rounds (item_id, unit_id, unit_path, decision_no, decision_key, decision_on, head_id, starts_on, ends_on, report_due, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.ItemID, unitID, path, n.Display(), n.Key(), in.DecisionOn, in.HeadID, in.StartsOn, in.EndsOn, in.ReportDue, p.UserID, ts, ts)
		if sqldb.IsUniqueViolation(err) {
			return apperr.New(apperr.Conflict, op, "Quyết định số "+n.Display()+" đã được dùng cho một đoàn kiểm tra, giám sát.")
		}
		if err != nil {
			return apperr.Wrap(op, err)
		}
		for _, t := range targets {
			if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_round_targets (round_id, unit_id, unit_path) VALUES (?, ?, ?)`, id, t.id, t.path); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		for _, m := range team {
			if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_members (round_id, person_id) VALUES (?, ?)`, id, m); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		// The notice to the target units, in the round's transaction: a round opened is a
		// round announced. Those who manage each target (a grant on the unit itself that
		// runs its plans, as they send its self-report) get an in-app note, which also goes
		// into their daily digest mail — as the draft rounds announce theirs.
		body := fmt.Sprintf("%s: %s. Đoàn làm việc từ %s đến %s; hạn gửi báo cáo tự kiểm tra %s.", KindLabel(kind), topic, vnDate(in.StartsOn), vnDate(in.EndsOn), vnDate(in.ReportDue))
		for _, t := range targets {
			users, err := managersOf(ctx, tx, t.id)
			if err != nil {
				return apperr.Wrap(op, err)
			}
			for _, u := range users {
				if u == p.UserID {
					continue
				}
				if err := notify.Send(ctx, tx, notify.Note{UserID: u, Kind: "inspection.round", Title: "Thông báo kiểm tra, giám sát " + t.name + " theo Quyết định " + bareNo(n.Display()),
					Body: body, Link: fmt.Sprintf("/inspections/rounds/%d#target-%d", id, t.id)}); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: unitID, Entity: "inspection_round", EntityID: id, Action: "open",
			Summary: fmt.Sprintf("Thành lập đoàn kiểm tra, giám sát theo Quyết định %s (%d đơn vị, %d thành viên)", n.Display(), len(targets), len(team)), After: in})
	})
	return id, err
}

// managersOf are the accounts told about a round on unit: active users granted, on the
// unit itself, a role that manages its plans (not the administrators, who see all).
func managersOf(ctx context.Context, tx *sqldb.Tx, unit int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT g.user_id, g.role FROM role_grants g JOIN users u ON u.id = g.user_id WHERE g.unit_id = ? AND u.disabled = FALSE ORDER BY g.user_id`, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var uid int64
		var role org.Role
		if err := rows.Scan(&uid, &role); err != nil {
			return nil, err
		}
		if role != org.RoleAdmin && org.RoleAllows(role, org.ManagePlan) && (len(out) == 0 || out[len(out)-1] != uid) {
			out = append(out, uid)
		}
	}
	return out, rows.Err()
}

// vnDate writes a YYYY-MM-DD date as dd/mm/yyyy.
func vnDate(d string) string {
	if len(d) != 10 {
		return d
	}
	return d[8:10] + "/" + d[5:7] + "/" + d[:4]
}
