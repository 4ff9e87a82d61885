package demo

import (
	"context"
	"fmt"

	"danvan/internal/auth"
	"danvan/internal/calendar"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/sqldb"
)

const petitionsKey = "demo.petitions"

// DemoDenouncer is the made-up denouncer of the sample denunciation, whose identity only
// tiepdan1 (assigned) and thutruong1 (head of agency 1) may see.
var DemoDenouncer = petition.Sender{Name: "Lương Thị Bảo Ngọc", Phone: "0987 654 321", Email: "bao.ngoc.demo@example.vn",
	Address: "Số 12 ngõ 45 phố Hoàng Hoa Thám, phường Ngọc Hà, Hà Nội", IDNo: "001186012345"}

// Petitions loads sample petitions in every state for agency 1 (Sở Tư pháp) and a few for
// the others, and two petition handlers of agency 1: tiepdan1 (assigned to the sample
// denunciation) and tiepdan2 (same agency, not assigned).
func Petitions(ctx context.Context, db *sqldb.DB, o *Org) error {
	if done, err := Done(ctx, db, petitionsKey); err != nil || done {
		return err
	}
	a1 := o.Agencies[0]
	// Two officers of the office (after the leads, the first cell's secretary and the
	// chief of office in People): not the leaders of the Đoàn and the Hội, who have
	// accounts of their own — the denouncer's identity follows the person, so a handler
	// who is also doantn1 would show it on that account too (the crawl's sweep found it).
	handlers := []struct {
		user   string
		person int64
	}{{"tiepdan1", a1.People[8]}, {"tiepdan2", a1.People[9]}}
	err := db.Tx(ctx, func(tx *sqldb.Tx) error {
		for _, h := range handlers {
			if _, ok := o.Users[h.user]; ok {
				continue
			}
			var name string
			if err := tx.QueryRowContext(ctx, `SELECT full_name FROM people WHERE id = ?`, h.person).Scan(&name); err != nil {
				return err
			}
			u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: h.user, Password: o.Password, DisplayName: name, PersonID: h.person, Email: h.user + "@danvan.local"})
			if err != nil {
				return err
			}
			if err := org.InsertGrant(ctx, tx, u.ID, a1.Node, org.RoleHandler); err != nil {
				return err
			}
			o.Users[h.user] = u.ID
			o.People[h.user] = h.person
		}
		return nil
	})
	if err != nil {
		return err
	}
	svc := petition.NewService(db)
	load := func(user string) (*org.Principal, error) { return org.LoadPrincipal(ctx, db, o.Users[user]) }
	h1, err := load("tiepdan1")
	if err != nil {
		return err
	}
	head, err := load("thutruong1")
	if err != nil {
		return err
	}
	today := calendar.DateOf(db.Now())
	cal := svc.Calendar()
	back := func(wd int) string { return cal.AddWorkingDays(today, -wd).String() }
	lead := handlers[0].person
	type sample struct {
		kind, channel string
		received      string
		subject       string
		content       string
		sender        petition.Sender
		unit          org.Unit
		steps         []petition.Action
		complexity    string
	}
	citizen := func(i int) petition.Sender {
		name, _ := randomName(o.Rand)
		return petition.Sender{Name: name, Phone: fmt.Sprintf("09%08d", 12345678+i*7919), Address: fmt.Sprintf("Số %d đường Nguyễn Trãi, phường Thanh Xuân, Hà Nội", 10+i),
			IDNo: fmt.Sprintf("0011%08d", 90000000+i*313)}
	}
	samples := []sample{
		{"to-cao", "in-person", back(12), "Tố cáo việc thu phí công chứng cao hơn quy định",
			"Tôi tố cáo việc một công chứng viên tại Phòng công chứng số 3 thu phí công chứng hợp đồng mua bán nhà cao hơn mức phí quy định và không xuất hóa đơn. Kèm theo đơn là bản sao biên lai.",
			DemoDenouncer, a1.Node, []petition.Action{petition.ActClassify, petition.ActAccept, petition.ActAssign}, "complex"},
		{"khieu-nai", "post", back(9), "Khiếu nại quyết định xử phạt vi phạm hành chính trong lĩnh vực hộ tịch",
			"Tôi khiếu nại Quyết định xử phạt vi phạm hành chính số 15/QĐ-XPVPHC vì cho rằng việc đăng ký khai sinh quá hạn có lý do chính đáng.",
			citizen(1), a1.Node, []petition.Action{petition.ActClassify}, ""},
		{"khieu-nai", "online", back(2), "Khiếu nại việc chậm cấp phiếu lý lịch tư pháp",
			"Tôi nộp hồ sơ cấp phiếu lý lịch tư pháp số 2 từ tháng trước nhưng đến nay vẫn chưa được trả kết quả, không có văn bản nêu lý do.",
			citizen(2), a1.Node, nil, ""},
		{"kien-nghi", "online", back(1), "Kiến nghị bố trí thêm quầy tiếp nhận hồ sơ buổi sáng",
			"Bộ phận một cửa thường quá tải vào buổi sáng thứ Hai; đề nghị bố trí thêm một quầy tiếp nhận hồ sơ chứng thực.",
			citizen(3), a1.Node, nil, ""},
		{"khieu-nai", "forwarded", back(40), "Khiếu nại về việc từ chối chứng thực bản sao",
			"Công dân khiếu nại việc Phòng Tư pháp từ chối chứng thực bản sao từ bản chính giấy tờ do cơ quan nước ngoài cấp.",
			citizen(4), a1.Node, []petition.Action{petition.ActClassify, petition.ActAccept, petition.ActAssign}, ""},
		{"kien-nghi", "post", back(30), "Phản ánh thái độ của cán bộ tiếp dân",
			"Tôi phản ánh thái độ thiếu niềm nở của cán bộ tại bộ phận tiếp nhận hồ sơ ngày thứ Sáu tuần trước.",
			citizen(5), a1.Node, []petition.Action{petition.ActClassify, petition.ActAccept, petition.ActAssign, petition.ActResolve}, ""},
		{"khieu-nai", "in-person", back(60), "Khiếu nại quyết định thu hồi thẻ công chứng viên",
			"Ông khiếu nại quyết định thu hồi thẻ công chứng viên, cho rằng chưa được giải trình trước khi ra quyết định.",
			citizen(6), a1.Node, []petition.Action{petition.ActClassify, petition.ActAccept, petition.ActAssign, petition.ActResolve, petition.ActClose}, ""},
		{"to-cao", "post", back(3), "Tố cáo việc gây phiền hà khi giải quyết hồ sơ quốc tịch",
			"Tố cáo cán bộ yêu cầu bổ sung giấy tờ không có trong quy định khi tiếp nhận hồ sơ xin nhập quốc tịch.",
			citizen(7), a1.Node, []petition.Action{petition.ActClassify, petition.ActReject}, ""},
		{"kien-nghi", "online", back(4), "Kiến nghị về thủ tục đăng ký kết hôn có yếu tố nước ngoài",
			"Kiến nghị liên quan đến thủ tục đăng ký kết hôn với người nước ngoài thuộc thẩm quyền của Ủy ban nhân dân cấp xã.",
			citizen(8), a1.Node, []petition.Action{petition.ActClassify, petition.ActForward}, ""},
		{"khieu-nai", "online", back(5), "Khiếu nại việc chi trả chế độ phụ cấp",
			"Tôi khiếu nại việc chưa được chi trả phụ cấp trách nhiệm theo quy định từ quý trước.",
			citizen(9), o.Agencies[1].Node, nil, ""},
		{"kien-nghi", "online", back(8), "Kiến nghị công khai lịch tiếp công dân",
			"Đề nghị công khai lịch tiếp công dân của lãnh đạo Sở trên trang thông tin điện tử.",
			citizen(10), o.Agencies[2].Node, nil, ""},
	}
	for i, sm := range samples {
		in := petition.Input{Kind: sm.kind, Channel: sm.channel, UnitID: sm.unit.ID, ReceivedOn: sm.received, Subject: sm.subject,
			Content: sm.content, Sender: sm.sender, ForwardedFrom: map[bool]string{true: "Ủy ban nhân dân thành phố", false: ""}[sm.channel == "forwarded"]}
		var pt petition.Petition
		if sm.unit.ID == a1.Node.ID {
			pt, err = svc.Record(ctx, h1, in)
		} else {
			pt, err = svc.Submit(ctx, in) // sent online to another agency
		}
		if err != nil {
			return fmt.Errorf("demo petition %d: %w", i, err)
		}
		actor := h1
		if sm.unit.ID != a1.Node.ID {
			continue
		}
		competent := true
		for _, act := range sm.steps {
			if act == petition.ActForward {
				competent = false
			}
		}
		for _, act := range sm.steps {
			in := petition.ActionInput{Kind: sm.kind, Competent: competent, Complexity: sm.complexity}
			switch act {
			case petition.ActAccept:
				in.DecisionNo = fmt.Sprintf("%02d/TB-STP", 10+i)
				in.Date = cal.AddWorkingDays(calendar.MustParseDate(sm.received), 2).String()
				if in.Date > today.String() {
					in.Date = today.String()
				}
			case petition.ActAssign:
				in.LeadUnitID = a1.Departments[1].ID
				in.LeadPersonID = lead
				in.SupportUnitIDs = []int64{a1.Departments[4].ID}
			case petition.ActResolve:
				in.DecisionNo = fmt.Sprintf("%02d/QĐ-STP", 30+i)
				in.Result = "partly"
				in.Conclusion = "Nội dung đơn đúng một phần; đã chấn chỉnh bộ phận liên quan."
			case petition.ActReject:
				in.Reason = "Đơn không ghi rõ nội dung tố cáo và không cung cấp thông tin, tài liệu chứng minh."
			case petition.ActForward:
				in.To = "Ủy ban nhân dân phường Thanh Xuân"
			case petition.ActClose:
				in.Note = "Lưu hồ sơ."
			}
			if act == petition.ActAssign && sm.kind == "to-cao" {
				actor = head
			}
			if _, err := svc.Do(ctx, actor, pt.ID, act, in); err != nil {
				return fmt.Errorf("demo petition %d %s: %w", i, act, err)
			}
		}
	}
	return db.Tx(ctx, func(tx *sqldb.Tx) error { return Mark(ctx, tx, petitionsKey) })
}
