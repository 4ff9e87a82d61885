package demo

import (
	"context"
	"fmt"

	"danvan/internal/auth"
	"danvan/internal/democracy"
	"danvan/internal/draft"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

const conferenceKey = "demo.conferences"

// ConferenceYear is the year of the demo agencies' last conference: this year's once
// February has come (the conference is held in January), otherwise last year's.
func ConferenceYear(o *Org) int {
	if o.Today >= fmt.Sprintf("%d-02-01", o.CurrentYear) {
		return o.CurrentYear
	}
	return o.CurrentYear - 1
}

// Conferences loads the grassroots-democracy conference data: a chief accountant and a
// deputy head in Sở Tư pháp (positions that may not sit on the people's inspection
// board); Sở Tư pháp's conference of the last year held in January with its attendance,
// votes, resolution, three commitments tracked as tasks (one overdue) and its board
// elected, with a supervision plan and a record; Sở Tài chính's conference planned but
// never held (overdue); the other agencies' conferences held on time without a
// resolution recorded here.
func Conferences(ctx context.Context, db *sqldb.DB, o *Org) error {
	done, err := Done(ctx, db, conferenceKey)
	if err != nil || done {
		return err
	}
	a := o.Agencies[0]
	var accountant, deputy int64
	err = db.Tx(ctx, func(tx *sqldb.Tx) error {
		name, gender := randomName(o.Rand)
		if accountant, err = org.InsertPerson(ctx, tx, org.PersonInput{FullName: name, Gender: gender, BirthYear: 1975, UnitID: a.Departments[2].ID,
			PositionTitle: "ke-toan-truong", PositionStart: "2021-03-01", Phone: "0912000111"}, a.Departments[2]); err != nil {
			return err
		}
		name, gender = randomName(o.Rand)
		if deputy, err = org.InsertPerson(ctx, tx, org.PersonInput{FullName: name, Gender: gender, BirthYear: 1972, PartyMember: true, UnitID: a.Node.ID,
			PositionTitle: "pho-thu-truong", PositionStart: "2020-11-01", Phone: "0912000222"}, a.Node); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo conferences: people: %w", err)
	}
	_, _ = deputy, accountant
	plans := plan.NewService(db)
	svc := democracy.NewConferenceService(db, plans, draft.NewService(db))
	head, err := org.LoadPrincipal(ctx, db, o.Users["thutruong1"])
	if err != nil {
		return err
	}
	admin, err := org.LoadPrincipal(ctx, db, o.Users["admin"])
	if err != nil {
		return err
	}
	y := ConferenceYear(o)
	held := fmt.Sprintf("%d-01-20", y)
	issued := fmt.Sprintf("%d-01-22", y)
	fail := func(what string, err error) error { return fmt.Errorf("demo conferences: %s: %w", what, err) }

	id, err := svc.CreateConference(ctx, head, democracy.ConferenceInput{UnitID: a.Node.ID, Year: y, PlannedOn: held, Place: "Hội trường tầng 3, trụ sở Sở Tư pháp"})
	if err != nil {
		return fail("create", err)
	}
	staff, err := democracy.StaffOf(ctx, db, a.Node.Path)
	if err != nil {
		return err
	}
	var present []int64
	for i, d := range staff {
		if i%12 != 5 { // a few absent, well above the quorum
			present = append(present, d.PersonID)
		}
	}
	if err := svc.RecordAttendance(ctx, head, id, held, present); err != nil {
		return fail("attendance", err)
	}
	n := len(present)
	items := []struct {
		in    democracy.ItemInput
		votes democracy.Votes
	}{
		{democracy.ItemInput{Kind: democracy.ItemReport, Title: fmt.Sprintf("Báo cáo kết quả thực hiện nhiệm vụ chính trị năm %d và phương hướng năm %d", y-1, y)}, democracy.Votes{}},
		{democracy.ItemInput{Kind: democracy.ItemReport, Title: "Báo cáo hoạt động của Ban Thanh tra nhân dân nhiệm kỳ vừa qua"}, democracy.Votes{}},
		{democracy.ItemInput{Kind: democracy.ItemMotion, Title: "Thông qua Quy chế chi tiêu nội bộ sửa đổi"}, democracy.Votes{For: n - 4, Against: 2, Abstain: 2}},
		{democracy.ItemInput{Kind: democracy.ItemResolution, Title: fmt.Sprintf("Thông qua Nghị quyết hội nghị cán bộ, công chức, viên chức, người lao động năm %d", y)}, democracy.Votes{For: n - 1, Abstain: 1}},
	}
	for _, it := range items {
		iid, err := svc.AddItem(ctx, head, id, it.in)
		if err != nil {
			return fail("item", err)
		}
		if it.votes.Total() > 0 {
			if _, err := svc.RecordVotes(ctx, head, id, iid, it.votes); err != nil {
				return fail("votes", err)
			}
		}
	}
	for _, c := range []democracy.CommitmentInput{
		{Content: "Công khai đầy đủ, đúng hạn kế hoạch, dự toán và quyết toán ngân sách của cơ quan", DueOn: fmt.Sprintf("%d-06-30", y)},
		{Content: "Hoàn thành chuyển đổi số hồ sơ công việc của các phòng chuyên môn", DueOn: fmt.Sprintf("%d-12-31", y)},
		{Content: "Tổ chức khám sức khỏe định kỳ cho toàn thể cán bộ, công chức, viên chức, người lao động", DueOn: fmt.Sprintf("%d-09-30", y)},
	} {
		if _, err := svc.AddCommitment(ctx, head, id, c); err != nil {
			return fail("commitment", err)
		}
	}
	if err := svc.IssueResolution(ctx, head, id, democracy.IssueInput{Number: "01/NQ-HNCBCC", IssuedOn: issued}); err != nil {
		return fail("issue", err)
	}
	// The board: the current head of the board and four staff members.
	var boardHead int64
	_ = db.QueryRowContext(ctx, `SELECT person_id FROM positions WHERE unit_id = ? AND title = 'truong-ban-ttnd' ORDER BY id LIMIT 1`, a.Inspection.ID).Scan(&boardHead)
	members := []int64{boardHead}
	for _, d := range staff {
		if len(members) == 5 {
			break
		}
		var barred int
		_ = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM positions WHERE person_id = ? AND end_date = '' AND title IN ('thu-truong', 'pho-thu-truong', 'ke-toan-truong', 'truong-ban-ttnd')`, d.PersonID).Scan(&barred)
		if barred == 0 && d.PersonID != a.UnionChair {
			members = append(members, d.PersonID)
		}
	}
	boardID, err := svc.ElectBoard(ctx, head, id, democracy.BoardInput{MemberIDs: members, HeadID: boardHead, Votes: democracy.Votes{For: n - 2, Against: 1, Abstain: 1}})
	if err != nil {
		return fail("board", err)
	}
	// The board's head works through an account of their own.
	if err := boardAccount(ctx, db, o, boardHead, a); err != nil {
		return fail("board account", err)
	}
	bh, err := org.LoadPrincipal(ctx, db, o.Users["ttnd1"])
	if err != nil {
		return err
	}
	if err := svc.SavePlan(ctx, bh, boardID, y, "1. Giám sát việc thực hiện Nghị quyết hội nghị cán bộ, công chức, viên chức, người lao động năm "+fmt.Sprint(y)+" (quý II và quý IV).\n2. Giám sát việc công khai dự toán, quyết toán ngân sách (quý III).\n3. Giám sát việc thực hiện Quy chế chi tiêu nội bộ (quý IV)."); err != nil {
		return fail("board plan", err)
	}
	if _, err := svc.AddRecord(ctx, bh, boardID, democracy.RecordInput{CheckedOn: fmt.Sprintf("%d-04-15", y), Subject: "Việc công khai dự toán ngân sách năm " + fmt.Sprint(y),
		Findings:       "Dự toán được niêm yết tại trụ sở nhưng chưa đăng trên trang thông tin nội bộ; thời gian niêm yết 15 ngày, chưa đủ 20 ngày liên tục.",
		Recommendation: "Đề nghị Thủ trưởng chỉ đạo Văn phòng đăng dự toán trên trang thông tin nội bộ và niêm yết lại đủ thời gian quy định."}); err != nil {
		return fail("board record", err)
	}
	// Sở Tài chính: planned, never held — overdue. The others: held on time.
	for i, ag := range o.Agencies[1:] {
		cid, err := svc.CreateConference(ctx, admin, democracy.ConferenceInput{UnitID: ag.Node.ID, Year: y, PlannedOn: fmt.Sprintf("%d-03-%02d", y, 10+i), Place: "Hội trường " + ag.Node.Name})
		if err != nil {
			return fail("create "+ag.Node.Name, err)
		}
		if i == 0 {
			continue
		}
		st, err := democracy.StaffOf(ctx, db, ag.Node.Path)
		if err != nil {
			return err
		}
		var pr []int64
		for j, d := range st {
			if j%10 != 3 {
				pr = append(pr, d.PersonID)
			}
		}
		if err := svc.RecordAttendance(ctx, admin, cid, fmt.Sprintf("%d-01-%02d", y, 15+i), pr); err != nil {
			return fail("attendance "+ag.Node.Name, err)
		}
	}
	return db.Tx(ctx, func(tx *sqldb.Tx) error { return Mark(ctx, tx, conferenceKey) })
}

// boardAccount gives the board's head the account "ttnd1" (a member of the agency).
func boardAccount(ctx context.Context, db *sqldb.DB, o *Org, person int64, a Agency) error {
	return db.Tx(ctx, func(tx *sqldb.Tx) error {
		uid, err := createDemoUser(ctx, tx, o, "ttnd1", person, a.Inspection)
		if err != nil {
			return err
		}
		o.Users["ttnd1"] = uid
		o.People["ttnd1"] = person
		return nil
	})
}

func createDemoUser(ctx context.Context, tx *sqldb.Tx, o *Org, username string, person int64, unit org.Unit) (int64, error) {
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT full_name FROM people WHERE id = ?`, person).Scan(&name); err != nil {
		return 0, err
	}
	u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: username, Password: o.Password, DisplayName: name, PersonID: person, UnitID: unit.ID, Email: username + "@danvan.local"})
	if err != nil {
		return 0, err
	}
	return u.ID, org.InsertGrant(ctx, tx, u.ID, unit, org.RoleMember)
}
