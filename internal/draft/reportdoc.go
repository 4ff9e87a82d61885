package draft

import (
	"strconv"
	"strings"

	"danvan/internal/calendar"
	"danvan/internal/export"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Document turns the synthesis report into an official document (báo cáo tổng hợp,
// tiếp thu, giải trình ý kiến góp ý) in the Party or the state format, as the drafting
// unit issues: the counts first (invited, who answered, comments by unit and by
// article), then per article every comment with who made it and the answer. The
// accountable head signs. The number is left for the office to fill in.
func (r Report) Document() export.Document {
	d := export.Document{Family: export.State, Title: "BÁO CÁO",
		Subtitle: "Tổng hợp, tiếp thu, giải trình ý kiến góp ý đối với dự thảo " + r.Draft.Title,
		Issuer:   upperVN(r.Draft.UnitName), UpperBody: upperVN(r.UpperName), Date: calendar.DateOf(r.GeneratedAt)}
	if r.Format == "party" {
		d.Family = export.Party
	}
	opens, closes := vnDate(r.Round.OpensAt), vnDate(r.Round.ClosesAt)
	d.Blocks = append(d.Blocks, export.Text("Từ ngày "+opens+" đến ngày "+closes+", "+r.Draft.UnitName+" đã lấy ý kiến góp ý đối với dự thảo "+
		r.Draft.Title+" ("+strings.ToLower(r.Draft.Kind)+", phiên bản "+strconv.Itoa(r.Round.VersionNumber)+"). Người đứng đầu chịu trách nhiệm: "+
		r.Draft.HeadName+"; người soạn thảo: "+r.Draft.DrafterName+". Kết quả tổng hợp, tiếp thu, giải trình như sau:"))

	d.Blocks = append(d.Blocks, export.Heading(1, "I. TỔNG HỢP CHUNG"),
		export.Heading(2, "1. Đơn vị, cá nhân được mời góp ý"),
		export.Text("Số đơn vị, cá nhân được mời: "+num(r.Invited)+"; số đã có ý kiến: "+num(r.Responded)+"."))
	if len(r.Round.Invites) > 0 {
		rows := make([][]string, 0, len(r.Round.Invites))
		for i, in := range r.Round.Invites {
			state := "Chưa có ý kiến"
			if in.Commented {
				state = "Đã có ý kiến"
			}
			rows = append(rows, []string{strconv.Itoa(i + 1), in.Name(), state})
		}
		d.Blocks = append(d.Blocks, export.TableBlock([]export.Column{{Header: "STT", Width: 0.6, Center: true}, {Header: "Đơn vị, cá nhân được mời", Width: 5}, {Header: "Ý kiến", Width: 2}}, rows))
	}
	d.Blocks = append(d.Blocks, export.Heading(2, "2. Số ý kiến góp ý"),
		export.Text("Tổng số ý kiến: "+num(r.Total)+"; tiếp thu: "+num(r.Accepted)+"; tiếp thu một phần: "+num(r.Partly)+
			"; giải trình: "+num(r.Explained)+"; chưa trả lời: "+num(r.Unanswered)+"."))
	if len(r.ByUnit) > 0 {
		rows := make([][]string, 0, len(r.ByUnit))
		for i, c := range r.ByUnit {
			rows = append(rows, []string{strconv.Itoa(i + 1), c.Label, num(c.N)})
		}
		d.Blocks = append(d.Blocks, export.Heading(3, "a) Theo đơn vị, cá nhân góp ý"),
			export.TableBlock([]export.Column{{Header: "STT", Width: 0.6, Center: true}, {Header: "Đơn vị, cá nhân", Width: 5}, {Header: "Số ý kiến", Width: 1.5, Center: true}}, rows))
	}
	if len(r.Articles) > 0 || len(r.General) > 0 {
		var rows [][]string
		if len(r.General) > 0 {
			rows = append(rows, []string{strconv.Itoa(len(rows) + 1), "Toàn bộ dự thảo", num(len(r.General))})
		}
		for _, a := range r.Articles {
			rows = append(rows, []string{strconv.Itoa(len(rows) + 1), articleTitle(a), num(len(a.Comments))})
		}
		d.Blocks = append(d.Blocks, export.Heading(3, "b) Theo điều của dự thảo"),
			export.TableBlock([]export.Column{{Header: "STT", Width: 0.6, Center: true}, {Header: "Điều", Width: 5}, {Header: "Số ý kiến", Width: 1.5, Center: true}}, rows))
	}

	d.Blocks = append(d.Blocks, export.Heading(1, "II. Ý KIẾN GÓP Ý VÀ VIỆC TIẾP THU, GIẢI TRÌNH"))
	if r.Total == 0 {
		d.Blocks = append(d.Blocks, export.Text("Không có ý kiến góp ý."))
	}
	section := 0
	add := func(title string, cs []Comment) {
		section++
		d.Blocks = append(d.Blocks, export.Heading(2, strconv.Itoa(section)+". "+title), commentTable(cs))
	}
	if len(r.General) > 0 {
		add("Góp ý chung đối với toàn bộ dự thảo", r.General)
	}
	for _, a := range r.Articles {
		add(articleTitle(a), a.Comments)
	}
	d.Blocks = append(d.Blocks, export.Text("Trên đây là báo cáo tổng hợp, tiếp thu, giải trình ý kiến góp ý đối với dự thảo "+r.Draft.Title+"."))

	d.Signature = export.Signature{Title: upperVN(r.Draft.HeadTitle), Name: r.Draft.HeadName}
	if d.Signature.Title == "" {
		d.Signature.Title = "THỦ TRƯỞNG CƠ QUAN"
	}
	if d.Family == export.Party {
		d.Signature.On = "T/M ĐẢNG ỦY"
		if r.Draft.UnitKind == org.KindCell {
			d.Signature.On = "T/M CHI BỘ"
		}
		if r.Draft.HeadTitle == "" {
			d.Signature.Title = "BÍ THƯ"
		}
	}
	for _, in := range r.Round.Invites {
		d.Recipients = append(d.Recipients, in.Name()+";")
	}
	d.Recipients = append(d.Recipients, "Lưu: VT, hồ sơ dự thảo.")
	return d
}

// commentTable lists comments with who made them and the answer.
func commentTable(cs []Comment) export.Block {
	rows := make([][]string, 0, len(cs))
	for i, c := range cs {
		who := c.Who()
		if c.UnitID != 0 && c.AuthorName != "" {
			who += "\n(" + c.AuthorName + " ký)"
		}
		body := c.Body
		if c.Proposed != "" {
			body += "\nĐề xuất sửa thành: " + c.Proposed
		}
		answer := c.AnswerLabel()
		if c.AnswerRef != "" {
			answer += " (" + c.AnswerRef + ")"
		}
		if c.AnswerText != "" {
			answer += ":\n" + c.AnswerText
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), c.PartRef, who, body, answer})
	}
	return export.TableBlock([]export.Column{{Header: "STT", Width: 0.6, Center: true}, {Header: "Vị trí", Width: 1.4}, {Header: "Đơn vị, cá nhân góp ý", Width: 2},
		{Header: "Nội dung góp ý", Width: 3.5}, {Header: "Tiếp thu, giải trình", Width: 3.5}}, rows)
}

func articleTitle(a ArticleBlock) string {
	if a.Heading == "" {
		return a.Ref
	}
	return a.Ref + ". " + a.Heading
}

// upperVN upper-cases a unit's name or a title for the document header.
func upperVN(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// vnDate is the Vietnam date of a UTC timestamp, dd/mm/yyyy.
func vnDate(ts string) string {
	return sqldb.ParseTime(ts).In(vietnam).Format("02/01/2006")
}

// num writes 1234567 as 1.234.567.
func num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
