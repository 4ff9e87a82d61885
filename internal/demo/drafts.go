package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"danvan/internal/auth"
	"danvan/internal/draft"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

const draftsKey = "demo.drafts"

// DemoDraftText is a short quy chế used by the sample data (and by tests).
func DemoDraftText(articles int) string {
	var b strings.Builder
	b.WriteString("QUY CHẾ\nThực hiện dân chủ trong hoạt động của cơ quan\n")
	b.WriteString("Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10 tháng 11 năm 2022;\n")
	chapters := []string{"NHỮNG QUY ĐỊNH CHUNG", "CÔNG KHAI THÔNG TIN", "CÁN BỘ, CÔNG CHỨC THAM GIA Ý KIẾN", "KIỂM TRA, GIÁM SÁT", "TỔ CHỨC THỰC HIỆN"}
	per := (articles + len(chapters) - 1) / len(chapters)
	topics := []string{"Phạm vi điều chỉnh", "Đối tượng áp dụng", "Nguyên tắc thực hiện", "Nội dung công khai", "Hình thức công khai",
		"Thời điểm công khai", "Nội dung lấy ý kiến", "Hình thức lấy ý kiến", "Trách nhiệm của thủ trưởng", "Trách nhiệm của công đoàn"}
	for i := 1; i <= articles; i++ {
		if (i-1)%per == 0 {
			c := (i - 1) / per
			fmt.Fprintf(&b, "Chương %s\n%s\n", roman(c+1), chapters[min(c, len(chapters)-1)])
		}
		fmt.Fprintf(&b, "Điều %d. %s\n", i, topics[(i-1)%len(topics)])
		fmt.Fprintf(&b, "1. Thủ trưởng cơ quan chủ trì, phối hợp với Ban Chấp hành Công đoàn thực hiện nội dung tại Điều %d trong thời hạn 05 ngày làm việc.\n", i)
		b.WriteString("2. Việc công khai được thực hiện bằng một hoặc các hình thức sau:\n")
		b.WriteString("a) Niêm yết tại trụ sở cơ quan ít nhất 20 ngày liên tục;\n")
		b.WriteString("b) Đăng trên trang thông tin điện tử nội bộ.\n")
	}
	return b.String()
}

func roman(n int) string {
	r := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
	if n < len(r) {
		return r[n]
	}
	return fmt.Sprint(n)
}

// Drafts loads a draft of agency 1 with a closed round whose comments — from the trade
// union and the youth union — are all answered, and a second version in an open round.
// It adds the accounts doantn1 (Đoàn Thanh niên) and hoiccb1 (Hội Cựu chiến binh).
func Drafts(ctx context.Context, db *sqldb.DB, o *Org) error {
	done, err := Done(ctx, db, draftsKey)
	if err != nil || done {
		return err
	}
	a := o.Agencies[0]
	extra := []struct {
		user   string
		person int64
		unit   org.Unit
	}{{"doantn1", a.YouthLead, a.Youth}, {"hoiccb1", a.VeteranLead, a.Veterans}}
	err = db.Tx(ctx, func(tx *sqldb.Tx) error {
		for _, x := range extra {
			var name string
			if err := tx.QueryRowContext(ctx, `SELECT full_name FROM people WHERE id = ?`, x.person).Scan(&name); err != nil {
				return err
			}
			u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: x.user, Password: o.Password, DisplayName: name, PersonID: x.person, Email: x.user + "@danvan.local"})
			if err != nil {
				return err
			}
			if err := org.InsertGrant(ctx, tx, u.ID, x.unit, org.RoleMassOrg); err != nil {
				return err
			}
			o.Users[x.user] = u.ID
			o.People[x.user] = x.person
		}
		return nil
	})
	if err != nil {
		return err
	}
	pr := func(user string) (*org.Principal, error) { return org.LoadPrincipal(ctx, db, o.Users[user]) }
	head, err := pr("thutruong1")
	if err != nil {
		return err
	}
	union, err := pr("congdoan1")
	if err != nil {
		return err
	}
	youth, err := pr("doantn1")
	if err != nil {
		return err
	}
	svc := draft.NewService(db)
	d, err := svc.Create(ctx, head, draft.Input{Title: "Quy chế thực hiện dân chủ trong hoạt động của Sở Tư pháp", Kind: "Quy chế",
		UnitID: a.Node.ID, DrafterID: a.Head, HeadID: a.Head, Body: DemoDraftText(12), Note: "Dự thảo lần 1"})
	if err != nil {
		return fmt.Errorf("demo drafts: %w", err)
	}
	now := db.Now()
	units := []int64{a.TradeUnion.ID, a.Youth.ID, a.Veterans.ID, a.Women.ID}
	r1, err := svc.OpenRound(ctx, head, d.ID, draft.RoundInput{OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), UnitIDs: units, Note: "Lấy ý kiến các đoàn thể"})
	if err != nil {
		return fmt.Errorf("demo drafts: %w", err)
	}
	v1, err := svc.LatestVersion(ctx, head, d.ID)
	if err != nil {
		return err
	}
	partOf := func(key string) int64 {
		for _, p := range v1.Parts {
			if p.Key == key {
				return p.ID
			}
		}
		return 0
	}
	comments := []struct {
		who      *org.Principal
		unit     int64
		part     string
		body     string
		proposed string
		answer   string
		text     string
	}{
		{union, a.TradeUnion.ID, "d4.1", "Đề nghị rút ngắn thời hạn công khai để người lao động nắm bắt kịp thời.", "1. Thủ trưởng cơ quan chủ trì, phối hợp với Ban Chấp hành Công đoàn thực hiện nội dung tại Điều 4 trong thời hạn 03 ngày làm việc.",
			draft.Accepted, "Đã sửa khoản 1 Điều 4: thời hạn công khai là 03 ngày làm việc."},
		{union, a.TradeUnion.ID, "d10", "Đề nghị bổ sung trách nhiệm của Công đoàn trong giám sát việc thực hiện quy chế.", "",
			draft.Partly, "Tiếp thu bổ sung trách nhiệm giám sát; việc báo cáo định kỳ đã quy định tại Điều 9 nên không nhắc lại."},
		{youth, a.Youth.ID, "d5.2.b", "Đề nghị công khai thêm trên nhóm tin nhắn nội bộ để đoàn viên thanh niên dễ tiếp cận.", "b) Đăng trên trang thông tin điện tử nội bộ và nhóm tin nhắn nội bộ của cơ quan.",
			draft.Explained, "Nhóm tin nhắn không phải kênh thông tin chính thức theo Luật Thực hiện dân chủ ở cơ sở; giữ nguyên như dự thảo."},
		{youth, 0, "", "Dự thảo rõ ràng, đồng tình với bố cục 5 chương.", "", draft.Accepted, "Cảm ơn ý kiến đồng tình."},
	}
	for _, c := range comments {
		cm, err := svc.AddComment(ctx, c.who, r1.ID, draft.CommentInput{PartID: partOf(c.part), UnitID: c.unit, Body: c.body, Proposed: c.proposed})
		if err != nil {
			return fmt.Errorf("demo drafts comment: %w", err)
		}
		ref := ""
		if c.answer == draft.Accepted && c.part != "" {
			ref = cm.PartRef
		}
		if _, err := svc.Answer(ctx, head, cm.ID, draft.AnswerInput{Kind: c.answer, Text: c.text, Ref: ref}); err != nil {
			return fmt.Errorf("demo drafts answer: %w", err)
		}
	}
	// The first round ran three weeks ago.
	err = db.Tx(ctx, func(tx *sqldb.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE draft_rounds SET opens_at = ?, closes_at = ?, reminded = TRUE WHERE id = ?`,
			sqldb.FormatTime(now.AddDate(0, 0, -21)), sqldb.FormatTime(now.AddDate(0, 0, -7)), r1.ID)
		return err
	})
	if err != nil {
		return err
	}
	body2 := strings.Replace(DemoDraftText(12), "thực hiện nội dung tại Điều 4 trong thời hạn 05 ngày làm việc", "thực hiện nội dung tại Điều 4 trong thời hạn 03 ngày làm việc", 1)
	body2 = strings.Replace(body2, "Điều 10. Trách nhiệm của công đoàn\n", "Điều 10. Trách nhiệm của công đoàn\nCông đoàn giám sát việc thực hiện Quy chế này.\n", 1)
	if _, err := svc.AddVersion(ctx, head, d.ID, body2, "paste", "Dự thảo lần 2 sau khi tiếp thu ý kiến các đoàn thể"); err != nil {
		return err
	}
	if _, err := svc.OpenRound(ctx, head, d.ID, draft.RoundInput{OpensAt: now.Add(-time.Hour), ClosesAt: now.AddDate(0, 0, 10), UnitIDs: units, Public: true,
		Note: "Lấy ý kiến lần 2, công khai trên cổng thông tin"}); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sqldb.Tx) error { return Mark(ctx, tx, draftsKey) })
}
