package plan

import (
	"strconv"
	"strings"

	"danvan/internal/calendar"
	"danvan/internal/export"
	"danvan/internal/org"
)

// IssuerName turns a committee's unit name into the issuing body printed on its
// documents: "Đảng bộ Sở Tư pháp" is issued by "ĐẢNG ỦY SỞ TƯ PHÁP", a chi bộ by itself.
func IssuerName(u org.Unit) string {
	name := u.Name
	if rest, ok := strings.CutPrefix(name, "Đảng bộ "); ok && u.Kind != org.KindCell {
		name = "Đảng ủy " + rest
	}
	return strings.ToUpper(name)
}

// signOn is the "T/M …" line: T/M ĐẢNG ỦY for a committee, T/M CHI BỘ for a cell.
func signOn(u org.Unit) string {
	switch u.Kind {
	case org.KindCell:
		return "T/M CHI BỘ"
	case org.KindUpperCommittee, org.KindBaseCommittee, org.KindPartCommittee:
		return "T/M ĐẢNG ỦY"
	}
	return "T/M " + strings.ToUpper(u.Kind.Label())
}

// PlanDocument lays a plan out as a Party document: header with the upper body and the
// issuing committee, "Số …-KH/…", place and date, the grounds (the documents it
// concretises), purpose, targets, the task table and the organisation of the work, and
// the "T/M …" signature of the signer.
func PlanDocument(pl Plan, tasks []Task, unit org.Unit, upper string) export.Document {
	d := export.Document{
		Family:     export.Party,
		UpperBody:  strings.ToUpper(upper),
		Issuer:     IssuerName(unit),
		Number:     pl.Number,
		Place:      pl.Place,
		Title:      strings.ToUpper(pl.KindLabel()),
		Subtitle:   pl.Title,
		Signature:  export.Signature{On: signOn(unit), Title: "BÍ THƯ", Name: pl.SignerName},
		Recipients: []string{"Cấp ủy cấp trên (để báo cáo),", "Các chi bộ, đoàn thể trực thuộc (để thực hiện),", "Lưu Văn phòng."},
	}
	if date, err := calendar.ParseDate(pl.IssuedOn); err == nil {
		d.Date = date
	}
	for _, doc := range pl.Documents {
		d.Blocks = append(d.Blocks, export.Text("Căn cứ "+doc.Kind+" số "+doc.Notation+" ngày "+vnDate(doc.IssuedOn)+" "+lowerFirst(doc.Title)+";"))
	}
	d.Blocks = append(d.Blocks, export.Paragraph(export.R(unitTitle(unit)+" xây dựng "+strings.ToLower(pl.KindLabel())+" năm "+strconv.Itoa(pl.Year)+" như sau:")))
	d.Blocks = append(d.Blocks, export.Heading(1, "I. MỤC ĐÍCH, YÊU CẦU"))
	if pl.Summary != "" {
		d.Blocks = append(d.Blocks, export.Paragraphs(pl.Summary)...)
	} else {
		d.Blocks = append(d.Blocks, export.Text("Quán triệt, cụ thể hóa và tổ chức thực hiện nghiêm túc, hiệu quả các văn bản nêu trên; bảo đảm rõ người, rõ việc, rõ trách nhiệm, rõ thời hạn."))
	}
	if len(pl.Targets) > 0 {
		d.Blocks = append(d.Blocks, export.Heading(1, "II. CHỈ TIÊU"))
		var rows [][]string
		for i, t := range pl.Targets {
			rows = append(rows, []string{strconv.Itoa(i + 1), t.Indicator, t.ValueText(), t.Measure})
		}
		d.Blocks = append(d.Blocks, export.TableBlock([]export.Column{{Header: "STT", Width: 1, Center: true}, {Header: "Chỉ tiêu", Width: 7}, {Header: "Cần đạt", Width: 2, Center: true}, {Header: "Đơn vị tính", Width: 2, Center: true}}, rows))
	}
	d.Blocks = append(d.Blocks, export.Heading(1, roman(len(pl.Targets) > 0, 3)+". NHIỆM VỤ VÀ PHÂN CÔNG THỰC HIỆN"))
	if len(tasks) == 0 {
		d.Blocks = append(d.Blocks, export.Text("(Chưa có nhiệm vụ.)"))
	} else {
		var rows [][]string
		for i, t := range tasks {
			lead := t.UnitName
			if t.LeadName != "" {
				lead += " — đồng chí " + t.LeadName
			}
			content := t.Title
			if t.Children > 0 {
				content += " (giao " + strconv.Itoa(t.Children) + " đơn vị cấp dưới)"
			}
			rows = append(rows, []string{strconv.Itoa(i + 1), content, lead, t.LeaderName, vnDate(t.DueOn)})
		}
		d.Blocks = append(d.Blocks, export.TableBlock([]export.Column{{Header: "STT", Width: 1, Center: true}, {Header: "Nội dung", Width: 6}, {Header: "Chủ trì", Width: 4},
			{Header: "Cấp ủy lãnh đạo", Width: 3}, {Header: "Thời hạn", Width: 2, Center: true}}, rows))
	}
	d.Blocks = append(d.Blocks, export.Heading(1, roman(len(pl.Targets) > 0, 4)+". TỔ CHỨC THỰC HIỆN"),
		export.Paragraph(export.R("Thực hiện theo phương châm "), export.B(Motto), export.R(". Các đơn vị, đồng chí được phân công chủ trì báo cáo tiến độ trên hệ thống; văn phòng tổng hợp, báo cáo cấp ủy định kỳ hằng quý.")))
	return d
}

func unitTitle(u org.Unit) string {
	name := u.Name
	if rest, ok := strings.CutPrefix(name, "Đảng bộ "); ok && u.Kind != org.KindCell {
		name = "Đảng ủy " + rest
	}
	return name
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' {
		return s
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}

func roman(withTargets bool, n int) string {
	if !withTargets {
		n--
	}
	return []string{"", "I", "II", "III", "IV", "V"}[n]
}

// TaskSheet is a task list as an Excel sheet.
func TaskSheet(tasks []Task) export.Sheet {
	sh := export.Sheet{Name: "Nhiệm vụ", Title: "DANH SÁCH NHIỆM VỤ", Columns: []export.Column{{Header: "STT", Width: 6}, {Header: "Nhiệm vụ", Width: 50}, {Header: "Đơn vị", Width: 30},
		{Header: "Người chủ trì", Width: 24}, {Header: "Bắt đầu", Width: 12}, {Header: "Hạn", Width: 12}, {Header: "Trạng thái", Width: 22}, {Header: "Tiến độ (%)", Width: 10}, {Header: "Hạn (tình trạng)", Width: 22}}}
	for i, t := range tasks {
		row := []any{i + 1, t.Title, t.UnitName, t.LeadName, dateOf(t.StartOn), dateOf(t.DueOn), t.StatusLabel(), t.Percent, t.Badge.Label}
		sh.Rows = append(sh.Rows, row)
	}
	return sh
}

func dateOf(s string) any {
	if d, err := calendar.ParseDate(s); err == nil {
		return d
	}
	return s
}

// TrainingSheet is the per-unit training statistics as an Excel sheet.
func TrainingSheet(stats []UnitStat, year int) export.Sheet {
	title := "THỐNG KÊ QUÁN TRIỆT, TẬP HUẤN"
	if year != 0 {
		title += " NĂM " + strconv.Itoa(year)
	}
	sh := export.Sheet{Name: "Quán triệt, tập huấn", Title: title, Columns: []export.Column{{Header: "Đơn vị", Width: 40}, {Header: "Số buổi", Width: 10},
		{Header: "Lượt mời", Width: 10}, {Header: "Số người được quán triệt", Width: 14}, {Header: "Lượt có mặt", Width: 12}, {Header: "Tỷ lệ có mặt (%)", Width: 14}}}
	for _, s := range stats {
		sh.Rows = append(sh.Rows, []any{s.UnitName, s.Sessions, s.Invited, s.Reached, s.Present, float64(int(s.Rate()*10+0.5)) / 10})
	}
	return sh
}
