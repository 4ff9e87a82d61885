package demo

import (
	"context"
	"fmt"

	"danvan/internal/democracy"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

const disclosureKey = "demo.disclosures"

// Disclosures loads a year of the disclosure register for Sở Tư pháp and Sở Tài chính:
// items posted on time and late, some taken down after their display, one on display now
// with a staff member's question answered, one overdue now (its person answerable is
// reminded by the job), and one taken down early, recorded from the paper register as it
// was (the service refuses such a take-down; the register shows it cut short).
func Disclosures(ctx context.Context, db *sqldb.DB, o *Org) error {
	done, err := Done(ctx, db, disclosureKey)
	if err != nil || done {
		return err
	}
	svc := democracy.NewDisclosureService(db)
	fail := func(what string, err error) error { return fmt.Errorf("demo disclosures: %s: %w", what, err) }
	head, err := org.LoadPrincipal(ctx, db, o.Users["thutruong1"])
	if err != nil {
		return err
	}
	union, err := org.LoadPrincipal(ctx, db, o.Users["congdoan1"])
	if err != nil {
		return err
	}
	member, err := org.LoadPrincipal(ctx, db, o.Users["dangvien1"])
	if err != nil {
		return err
	}
	admin, err := org.LoadPrincipal(ctx, db, o.Users["admin"])
	if err != nil {
		return err
	}
	now := db.Now()
	ago := func(n int) string {
		if n < 0 {
			return ""
		}
		return work.Today(now.AddDate(0, 0, -n))
	}
	type item struct {
		cat, title, no string
		decided        int // days ago
		posted         int // days ago, -1 not posted
		down           int // days ago, -1 still up
		forms          []string
	}
	shown := []string{democracy.FormPosted, democracy.FormIntranet}
	told := []string{democracy.FormMeeting, democracy.FormWriting}
	load := func(p *org.Principal, a Agency, code, signer string, items []item) ([]int64, error) {
		var ids []int64
		for i, it := range items {
			in := democracy.DisclosureInput{UnitID: a.Node.ID, Category: it.cat, Title: it.title, DecisionNo: fmt.Sprintf("%s/%s", it.no, code), DecisionOn: ago(it.decided),
				Signer: signer, Forms: it.forms, PostedOn: ago(it.posted), Summary: "Nội dung chi tiết kèm theo quyết định; cán bộ xem bản niêm yết tại bảng tin tầng 1 hoặc trên trang thông tin nội bộ."}
			id, err := svc.Create(ctx, p, in)
			if err != nil {
				return nil, fail(fmt.Sprintf("%s item %d", a.Node.Name, i), err)
			}
			if it.down >= 0 {
				if err := svc.TakeDown(ctx, p, id, ago(it.down)); err != nil {
					return nil, fail(fmt.Sprintf("%s take down %d", a.Node.Name, i), err)
				}
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	stp := o.Agencies[0]
	ids, err := load(head, stp, "QĐ-STP", "Giám đốc Sở Tư pháp", []item{
		{"ke-hoach", "Kế hoạch công tác năm của Sở Tư pháp", "05", 340, 337, 300, shown},
		{"ngan-sach", "Dự toán ngân sách được giao năm nay", "12", 320, 305, 200, shown},
		{"nhan-su", "Quyết định bổ nhiệm Trưởng phòng Hành chính tư pháp", "41", 230, 228, -1, told},
		{"thanh-tra", "Kết luận thanh tra công tác quản lý tài chính năm trước", "03", 150, 146, 120, shown},
		{"khieu-nai", "Kết quả giải quyết đơn khiếu nại về chế độ làm thêm giờ", "57", 70, 55, 30, shown},
		{"thi-dua", "Quyết định khen thưởng tập thể, cá nhân sáu tháng đầu năm", "88", 100, 90, -1, shown},
		{"quy-che", "Quy chế chi tiêu nội bộ sửa đổi", "102", 16, 12, -1, shown},
		{"tai-san", "Kế hoạch mua sắm trang thiết bị làm việc quý IV", "110", 14, -1, -1, shown},
	})
	if err != nil {
		return err
	}
	// The emulation decision was taken down on paper after 10 days: the register keeps
	// what happened (the page refuses such a take-down).
	if _, err := db.ExecContext(ctx, `UPDATE disclosures SET taken_down_on = ? WHERE id = ?`, ago(81), ids[5]); err != nil {
		return fail("cut short", err)
	}
	qid, err := svc.Ask(ctx, member, ids[6], democracy.QuestionAsk, "Mức chi hỗ trợ công tác phí mới áp dụng từ tháng nào, và có áp dụng cho hợp đồng lao động không?")
	if err != nil {
		return fail("question", err)
	}
	if err := svc.Answer(ctx, union, ids[6], qid, "Áp dụng từ ngày quy chế có hiệu lực (ngày ký), cho cả người lao động hợp đồng; chi tiết tại Điều 8 của quy chế."); err != nil {
		return fail("answer", err)
	}
	if _, err := load(admin, o.Agencies[1], "QĐ-STC", "Giám đốc Sở Tài chính", []item{
		{"ke-hoach", "Kế hoạch công tác năm của Sở Tài chính", "02", 335, 333, 300, shown},
		{"ngan-sach", "Quyết toán ngân sách năm trước", "30", 200, 180, 80, shown},
		{"nhan-su", "Kế hoạch tuyển dụng công chức", "77", 40, 38, -1, shown},
		{"khieu-nai", "Kết quả giải quyết kiến nghị của người lao động về chế độ phụ cấp", "95", 20, -1, -1, shown},
	}); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sqldb.Tx) error { return Mark(ctx, tx, disclosureKey) })
}
