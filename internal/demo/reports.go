package demo

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/report"
	"danvan/internal/sqldb"
)

const reportsKey = "demo.reports"

// Reports returns the loader of the periodic reports' sample data, reading the figures
// through sources (the application's figures sources, so the demo's frozen figures are
// the ones the dashboard shows). The upper committee asks its agencies for the six-month
// report of the latest half-year whose due date (10 July) has passed; agency 1's
// secretary (bithu1) wrote and submitted it, waiting for the upper committee; agencies 3
// to 6 sent theirs and the upper committee received them; agency 2's is still a draft,
// overdue. Agencies 2 to 6 have no account for their secretary: the loader acts for them
// with a principal holding only the manager role on their agency.
func Reports(sources []figures.Source) Loader {
	return func(ctx context.Context, db *sqldb.DB, o *Org) error {
		done, err := Done(ctx, db, reportsKey)
		if err != nil || done {
			return err
		}
		svc := report.NewService(db, org.NewService(db), sources)
		year, _ := strconv.Atoi(o.Today[:4])
		if o.Today <= fmt.Sprintf("%d-07-10", year) {
			year--
		}
		y := strconv.Itoa(year)
		due := y + "-07-10"
		staff, err := org.LoadPrincipal(ctx, db, o.Users["canbo"])
		if err != nil {
			return err
		}
		if _, err := svc.SetCall(ctx, staff, report.CallInput{UnitID: o.Root.ID, Kind: report.SixMonth, Year: year, DueOn: due}); err != nil {
			return fmt.Errorf("demo reports: call: %w", err)
		}
		for i, a := range o.Agencies {
			var p *org.Principal
			if i == 0 {
				if p, err = org.LoadPrincipal(ctx, db, o.Users["bithu1"]); err != nil {
					return err
				}
			} else {
				var name string
				_ = db.QueryRowContext(ctx, `SELECT full_name FROM people WHERE id = ?`, a.Secretary).Scan(&name)
				p = &org.Principal{UserID: o.Users["admin"], Name: name, Grants: []org.Grant{{UnitID: a.Node.ID, UnitPath: a.Node.Path, UnitName: a.Node.Name, Role: org.RoleManager}}}
			}
			id, err := svc.Create(ctx, p, report.Input{UnitID: a.Node.ID, Kind: report.SixMonth, Year: year})
			var ce *report.ConflictError
			if errors.As(err, &ce) {
				id, err = ce.ExistingID, nil
			}
			if err != nil {
				return fmt.Errorf("demo reports: %s: %w", a.Node.Name, err)
			}
			n := sampleNarrative(a.Node.Name, y)
			if i == 1 {
				// Agency 2 has started and stopped: only the first section is written.
				n.Weaknesses, n.NextTasks = "", ""
			}
			if _, err := svc.SaveNarrative(ctx, p, id, 0, n); err != nil {
				return fmt.Errorf("demo reports: %s: %w", a.Node.Name, err)
			}
			if i == 1 {
				continue
			}
			if err := svc.Submit(ctx, p, id); err != nil {
				return fmt.Errorf("demo reports: %s: %w", a.Node.Name, err)
			}
			// Sent before the due date, as a real unit would have: the demo is loaded later.
			sent := fmt.Sprintf("%s-07-%02dT02:%02d:00Z", y, 3+i, 10*i)
			if _, err := db.ExecContext(ctx, `UPDATE reports SET submitted_at = ? WHERE id = ?`, sent, id); err != nil {
				return err
			}
			if _, err := db.ExecContext(ctx, `UPDATE report_events SET at = ? WHERE report_id = ? AND action = 'submit'`, sent, id); err != nil {
				return err
			}
			if i >= 2 {
				if err := svc.Receive(ctx, staff, id); err != nil {
					return fmt.Errorf("demo reports: %s: %w", a.Node.Name, err)
				}
			}
		}
		return db.Tx(ctx, func(tx *sqldb.Tx) error { return Mark(ctx, tx, reportsKey) })
	}
}

func sampleNarrative(agency, year string) report.Narrative {
	return report.Narrative{
		Achievements: "Đảng ủy đã lãnh đạo quán triệt, triển khai kịp thời các văn bản của cấp trên về công tác dân vận; xây dựng kế hoạch công tác dân vận năm " + year + " và phân công rõ người, rõ việc.\n" +
			"- Các chi bộ tổ chức sinh hoạt chuyên đề về dân vận khéo; cán bộ, đảng viên tham gia đầy đủ.\n" +
			"- Công đoàn, Đoàn Thanh niên đăng ký và triển khai các mô hình “Dân vận khéo” gắn với nhiệm vụ chuyên môn.\n" +
			"- Việc tiếp nhận, giải quyết đơn thư của công dân được theo dõi theo thời hạn luật định.",
		Weaknesses: "- Một số đơn thư còn giải quyết chậm so với thời hạn do phải xác minh nhiều nơi.\n" +
			"- Một vài mô hình chưa báo cáo tiến độ thường xuyên.\n" +
			"Nguyên nhân: khối lượng công việc chuyên môn lớn; một số cấp ủy viên chưa dành thời gian thỏa đáng cho công tác dân vận.",
		NextTasks: "- Tiếp tục quán triệt, thực hiện nghiêm Quy chế công tác dân vận của hệ thống chính trị.\n" +
			"- Đôn đốc giải quyết dứt điểm đơn thư quá hạn; kiểm tra việc thực hiện quy chế dân chủ ở cơ sở.\n" +
			"- Sơ kết, nhân rộng các mô hình “Dân vận khéo” có hiệu quả của " + agency + ".",
		Place: "Bắc Ninh",
	}
}
