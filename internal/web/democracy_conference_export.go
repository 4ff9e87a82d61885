package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/calendar"
	"danvan/internal/democracy"
	"danvan/internal/export"
	"danvan/internal/work"
)

// The conference's official documents, drawn from what was recorded, in the state format
// (Nghị định 30/2020/NĐ-CP): the minutes (biên bản) once held, the resolution (nghị
// quyết) once issued, and the six-month review of its commitments.
func (s *Server) conferenceExportRoutes() {
	for _, f := range []string{"docx", "pdf", "html"} {
		f := f
		s.handle("GET /democracy/conferences/{id}/resolution."+f, func(w http.ResponseWriter, r *http.Request) error { return s.conferenceExport(w, r, "resolution", f) })
		s.handle("GET /democracy/conferences/{id}/minutes."+f, func(w http.ResponseWriter, r *http.Request) error { return s.conferenceExport(w, r, "minutes", f) })
	}
	s.handle("GET /democracy/conferences/{id}/review.docx", func(w http.ResponseWriter, r *http.Request) error { return s.conferenceExport(w, r, "review", "docx") })
}

func (s *Server) conferenceExport(w http.ResponseWriter, r *http.Request, which, format string) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.Conferences.Conference(r.Context(), p, id)
	if err != nil {
		return err
	}
	var board *democracy.Board
	if c.BoardID != 0 {
		if b, err := s.Conferences.Board(r.Context(), p, c.BoardID); err == nil {
			board = &b
		}
	}
	const op = "web.conferenceExport"
	year := strconv.Itoa(c.Year)
	switch which {
	case "minutes":
		if c.Status == democracy.StatusPlanned {
			return apperr.New(apperr.Conflict, op, "Hội nghị chưa tổ chức (chưa điểm danh): chưa có biên bản.")
		}
		return s.sendDocument(w, r, format, "Biên bản hội nghị CBCCVC năm "+year+" - "+c.UnitName, conferenceMinutes(c, board))
	case "resolution":
		if c.Status != democracy.StatusIssued {
			return apperr.New(apperr.Conflict, op, "Nghị quyết hội nghị chưa được ban hành.")
		}
		return s.sendDocument(w, r, format, "Nghị quyết "+strings.ReplaceAll(c.ResolutionNo, "/", "-"), conferenceResolution(c, board))
	}
	if c.Status != democracy.StatusIssued {
		return apperr.New(apperr.Conflict, op, "Nghị quyết hội nghị chưa được ban hành: chưa có cam kết để sơ kết.")
	}
	return s.sendDocument(w, r, format, "Sơ kết thực hiện Nghị quyết "+strings.ReplaceAll(c.ResolutionNo, "/", "-"), conferenceReview(c, calendarToday(s)))
}

func calendarToday(s *Server) calendar.Date {
	d, _ := calendar.ParseDate(work.Today(s.DB.Now()))
	return d
}

func ymdDate(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return calendar.Date{}
	}
	return d
}

func confHeader(c democracy.Conference) (upper, issuer string) {
	return "", strings.ToUpper(c.UnitName)
}

func votesLine(v democracy.Votes, present int) string {
	return fmt.Sprintf("%d/%d đại biểu có mặt tán thành, %d không tán thành, %d không biểu quyết", v.For, present, v.Against, v.Abstain)
}

func commitmentRows(c democracy.Conference, withState bool) [][]string {
	var rows [][]string
	for _, cm := range c.Commitments {
		due := FormatDate(cm.DueOn)
		if due == "" && cm.DueDays > 0 {
			due = strconv.Itoa(cm.DueDays) + " ngày làm việc"
		}
		row := []string{strconv.Itoa(cm.Seq), cm.Content, cm.LeadName, due}
		if withState {
			state := cm.StateLabel()
			if cm.TaskID != 0 {
				state += "; " + cm.Badge.Label
				if cm.TaskState != "done" && cm.Percent > 0 {
					state += "; đạt " + strconv.Itoa(cm.Percent) + "%"
				}
				if cm.TaskDone != "" {
					state += " (" + FormatDate(cm.TaskDone) + ")"
				}
			}
			row = append(row, state)
		}
		rows = append(rows, row)
	}
	return rows
}

var commitmentCols = []export.Column{{Header: "STT", Width: 0.6, Center: true}, {Header: "Nội dung cam kết, nhiệm vụ", Width: 4.5}, {Header: "Người chịu trách nhiệm", Width: 2}, {Header: "Thời hạn", Width: 1.4}}

// conferenceResolution is the resolution (nghị quyết hội nghị): what the conference
// agreed, its votes, the commitments with who answers for them, and the board elected.
func conferenceResolution(c democracy.Conference, board *democracy.Board) export.Document {
	upper, issuer := confHeader(c)
	var res *democracy.Item
	var motions []democracy.Item
	for i := range c.Items {
		switch c.Items[i].Kind {
		case democracy.ItemResolution:
			res = &c.Items[i]
		case democracy.ItemMotion:
			motions = append(motions, c.Items[i])
		}
	}
	blocks := []export.Block{
		export.Paragraph(export.R("Căn cứ " + c.Rules.Basis + ";")),
		export.Paragraph(export.R(fmt.Sprintf("Ngày %s, %s tổ chức %s%s. Có mặt %d/%d đại biểu, đủ số đại biểu tối thiểu (%s) theo quy định.",
			FormatDate(c.HeldOn), c.UnitName, strings.ToLower(c.Title()[:1])+c.Title()[1:], placeSuffix(c.Place), c.Present, c.Delegates, c.Rules.QuorumLabel()))),
		export.Heading(1, "QUYẾT NGHỊ:"),
		export.Paragraph(export.B("Điều 1. "), export.R("Thông qua báo cáo kết quả thực hiện nhiệm vụ năm "+strconv.Itoa(c.Year-1)+", phương hướng nhiệm vụ năm "+strconv.Itoa(c.Year)+" và các nội dung đã được hội nghị thảo luận.")),
	}
	art := 2
	if len(motions) > 0 {
		blocks = append(blocks, export.Paragraph(export.B(fmt.Sprintf("Điều %d. ", art)), export.R("Kết quả biểu quyết các nội dung của hội nghị:")))
		for _, m := range motions {
			word := "được thông qua"
			if !m.Passed {
				word = "không được thông qua"
			}
			if !m.Voted {
				word = "chưa biểu quyết"
			}
			blocks = append(blocks, export.Bullet(export.R(m.Title+": "+votesLine(democracy.Votes{For: m.VotesFor, Against: m.VotesAgainst, Abstain: m.VotesAbstain}, m.Present)+" ("+m.Percent()+"), "+word+".")))
		}
		art++
	}
	blocks = append(blocks, export.Paragraph(export.B(fmt.Sprintf("Điều %d. ", art)), export.R("Cơ quan cam kết thực hiện các nhiệm vụ sau:")),
		export.TableBlock(commitmentCols, commitmentRows(c, false)))
	art++
	if board != nil {
		names := make([]string, 0, len(board.Members))
		for _, m := range board.Members {
			n := m.Name
			if m.Role == "head" {
				n += " (Trưởng ban)"
			}
			names = append(names, n)
		}
		blocks = append(blocks, export.Paragraph(export.B(fmt.Sprintf("Điều %d. ", art)), export.R(fmt.Sprintf("Bầu Ban Thanh tra nhân dân gồm %d thành viên: %s; nhiệm kỳ đến ngày %s (%s).",
			len(board.Members), strings.Join(names, ", "), FormatDate(board.TermEnd), votesLine(board.Votes, board.Present)))))
		art++
	}
	blocks = append(blocks, export.Paragraph(export.B(fmt.Sprintf("Điều %d. ", art)),
		export.R("Thủ trưởng cơ quan, Công đoàn cơ quan và toàn thể cán bộ, công chức, viên chức, người lao động có trách nhiệm thực hiện Nghị quyết này; Ban Thanh tra nhân dân giám sát việc thực hiện.")))
	if res != nil {
		blocks = append(blocks, export.Paragraph(export.I(fmt.Sprintf("Nghị quyết được hội nghị thông qua với %s (%s).", votesLine(democracy.Votes{For: res.VotesFor, Against: res.VotesAgainst, Abstain: res.VotesAbstain}, res.Present), res.Percent()))))
	}
	return export.Document{
		Family: export.State, UpperBody: upper, Issuer: issuer, Number: c.ResolutionNo, Date: ymdDate(c.IssuedOn),
		Title: "NGHỊ QUYẾT", Subtitle: c.Title(), Blocks: blocks,
		Signature:  export.Signature{On: "T/M HỘI NGHỊ", Title: "CHỦ TỌA", Name: c.ChairName},
		Recipients: []string{"Cơ quan cấp trên (để báo cáo),", "Công đoàn cơ quan,", "Ban Thanh tra nhân dân,", "Các phòng, đơn vị trực thuộc,", "Lưu: VT."},
	}
}

func placeSuffix(place string) string {
	if place == "" {
		return ""
	}
	return " tại " + place
}

// conferenceMinutes is the minutes (biên bản hội nghị): time, place, attendance and the
// quorum, the agenda with every vote, the commitments and the election, as recorded.
func conferenceMinutes(c democracy.Conference, board *democracy.Board) export.Document {
	upper, issuer := confHeader(c)
	var absent []string
	for _, d := range c.People {
		if !d.Present {
			absent = append(absent, d.Name)
		}
	}
	quorum := "đủ"
	if !c.HasQuorum() {
		quorum = "không đủ"
	}
	blocks := []export.Block{
		export.Heading(1, "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN"),
		export.Paragraph(export.R("Thời gian: ngày " + FormatDate(c.HeldOn) + ".")),
		export.Paragraph(export.R("Địa điểm: " + orDash(c.Place) + ".")),
		export.Paragraph(export.R("Chủ trì: " + orDash(c.ChairName) + ", thủ trưởng cơ quan" + unionSuffix(c.UnionName) + ".")),
		export.Paragraph(export.R(fmt.Sprintf("Đại biểu triệu tập: %d người; có mặt: %d người; vắng mặt: %d người. Số đại biểu tối thiểu theo quy định: %d (%s). Hội nghị %s số đại biểu tối thiểu.",
			c.Delegates, c.Present, c.Delegates-c.Present, c.QuorumNeeded(), c.Rules.QuorumLabel(), quorum))),
	}
	if len(absent) > 0 {
		blocks = append(blocks, export.Paragraph(export.R("Vắng mặt: "+strings.Join(absent, ", ")+".")))
	}
	blocks = append(blocks, export.Heading(1, "II. NỘI DUNG HỘI NGHỊ"))
	for i, it := range c.Items {
		blocks = append(blocks, export.Heading(2, fmt.Sprintf("%d. %s", i+1, it.Title)))
		if it.Content != "" {
			blocks = append(blocks, export.Paragraphs(it.Content)...)
		}
		if it.Votable() {
			if it.Voted {
				word := "Nội dung được thông qua."
				if !it.Passed {
					word = "Nội dung không được thông qua."
				}
				blocks = append(blocks, export.Paragraph(export.R("Kết quả biểu quyết: "+votesLine(democracy.Votes{For: it.VotesFor, Against: it.VotesAgainst, Abstain: it.VotesAbstain}, it.Present)+", đạt "+it.Percent()+". "), export.B(word)))
			} else {
				blocks = append(blocks, export.Paragraph(export.I("Chưa biểu quyết.")))
			}
		}
	}
	if len(c.Commitments) > 0 {
		blocks = append(blocks, export.Heading(1, "III. CAM KẾT, NHIỆM VỤ CỦA NGHỊ QUYẾT"), export.TableBlock(commitmentCols, commitmentRows(c, false)))
	}
	if board != nil {
		var rows [][]string
		for i, m := range board.Members {
			rows = append(rows, []string{strconv.Itoa(i + 1), m.Name, m.UnitName, m.RoleLabel()})
		}
		blocks = append(blocks, export.Heading(1, "IV. BẦU BAN THANH TRA NHÂN DÂN"),
			export.Paragraph(export.R("Hội nghị biểu quyết danh sách Ban Thanh tra nhân dân: "+votesLine(board.Votes, board.Present)+". Nhiệm kỳ đến ngày "+FormatDate(board.TermEnd)+".")),
			export.TableBlock([]export.Column{{Header: "STT", Width: 0.6, Center: true}, {Header: "Họ và tên", Width: 2.5}, {Header: "Đơn vị", Width: 2.5}, {Header: "Chức danh trong Ban", Width: 1.6}}, rows))
	}
	blocks = append(blocks, export.Paragraph(export.I("Biên bản được lập từ số liệu điểm danh và biểu quyết ghi nhận trên hệ thống, đã thông qua trước hội nghị.")),
		export.Paragraph(export.B("THƯ KÝ HỘI NGHỊ"), export.R(" (ký, ghi rõ họ tên)")))
	return export.Document{
		Family: export.State, UpperBody: upper, Issuer: issuer, Date: ymdDate(c.HeldOn),
		Title: "BIÊN BẢN", Subtitle: c.Title(), Blocks: blocks,
		Signature: export.Signature{Title: "CHỦ TỌA HỘI NGHỊ", Name: c.ChairName},
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func unionSuffix(u string) string {
	if u == "" {
		return ""
	}
	return "; phối hợp: " + u
}

// conferenceReview is the six-month review of the resolution's commitments: each with its
// task's state on the day, and the counts.
func conferenceReview(c democracy.Conference, today calendar.Date) export.Document {
	upper, issuer := confHeader(c)
	var done, overdue, open int
	for _, cm := range c.Commitments {
		switch {
		case cm.TaskState == "done":
			done++
		case cm.Badge.State == work.Overdue:
			overdue++
		default:
			open++
		}
	}
	cols := append(append([]export.Column(nil), commitmentCols...), export.Column{Header: "Kết quả thực hiện", Width: 2.4})
	blocks := []export.Block{
		export.Paragraph(export.R(fmt.Sprintf("Thực hiện Nghị quyết số %s ngày %s của %s, sau %d tháng %s báo cáo kết quả thực hiện các cam kết như sau:",
			c.ResolutionNo, FormatDate(c.IssuedOn), c.Title(), c.Rules.ReviewMonths, c.UnitName))),
		export.Heading(1, "I. KẾT QUẢ THỰC HIỆN"),
		export.Paragraph(export.R(fmt.Sprintf("Nghị quyết có %d cam kết, nhiệm vụ: đã hoàn thành %d; đang thực hiện trong hạn %d; quá hạn chưa hoàn thành %d.", len(c.Commitments), done, open, overdue))),
		export.TableBlock(cols, commitmentRows(c, true)),
		export.Heading(1, "II. NHIỆM VỤ SÁU THÁNG CUỐI NĂM"),
		export.Paragraph(export.R("Tiếp tục thực hiện các cam kết chưa hoàn thành; các cam kết quá hạn được người chịu trách nhiệm báo cáo nguyên nhân và đề xuất thời hạn mới. Ban Thanh tra nhân dân giám sát việc thực hiện.")),
	}
	return export.Document{
		Family: export.State, UpperBody: upper, Issuer: issuer, Date: today,
		Title: "BÁO CÁO", Subtitle: "Sơ kết " + strconv.Itoa(c.Rules.ReviewMonths) + " tháng thực hiện Nghị quyết " + c.Title(), Blocks: blocks,
		Signature:  export.Signature{Title: "THỦ TRƯỞNG CƠ QUAN", Name: c.ChairName},
		Recipients: []string{"Công đoàn cơ quan,", "Ban Thanh tra nhân dân,", "Lưu: VT."},
	}
}
