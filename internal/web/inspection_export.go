package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/export"
	"danvan/internal/inspection"
	"danvan/internal/org"
)

// The official documents of inspection, in the Party format (DOMAIN.md section 6): the
// yearly programme (chương trình kiểm tra, giám sát) and the conclusion (thông báo kết
// luận) with its recommendations, each with the unit, the person answerable and the
// deadline that its task carries.

// upperOf is the name of the committee's parent unit, for the document's upper line.
func (s *Server) upperOf(r *http.Request, unitID int64) string {
	u, err := org.GetUnit(r.Context(), s.DB, unitID)
	if err != nil || u.ParentID == 0 {
		return ""
	}
	pu, err := org.GetUnit(r.Context(), s.DB, u.ParentID)
	if err != nil {
		return ""
	}
	return strings.ToUpper(pu.Name)
}

func (s *Server) programmeExport(w http.ResponseWriter, r *http.Request) error {
	_, pr, err := s.programmeFor(r)
	if err != nil {
		return err
	}
	return s.sendDocument(w, r, "docx", fmt.Sprintf("Chương trình kiểm tra, giám sát năm %d - %s", pr.Year, pr.UnitName), programmeDocument(pr, s.upperOf(r, pr.UnitID)))
}

// programmeDocument is the programme: purpose, then one table of its items.
func programmeDocument(pr inspection.Programme, upper string) export.Document {
	issuer := committeeName(pr.UnitName)
	var rows [][]string
	for _, it := range pr.Items {
		var targets []string
		for _, t := range it.Targets {
			targets = append(targets, t.Name)
		}
		rows = append(rows, []string{strconv.Itoa(it.Seq), it.KindLabel(), it.TopicName, strings.Join(targets, "; "), strings.TrimPrefix(it.MonthsLabel(), "tháng "), it.LeadName})
	}
	d := export.Document{
		Family:    export.Party,
		UpperBody: upper,
		Issuer:    issuer,
		Date:      ymdDate(pr.ApprovedOn),
		Title:     "CHƯƠNG TRÌNH",
		Subtitle:  fmt.Sprintf("Kiểm tra, giám sát công tác dân vận năm %d", pr.Year),
		Blocks: []export.Block{
			export.Heading(1, "I. MỤC ĐÍCH, YÊU CẦU"),
			export.Text("Thực hiện phương châm “đã lãnh đạo thì phải kiểm tra, lãnh đạo mà không kiểm tra thì coi như không lãnh đạo”; kịp thời phát hiện ưu điểm, hạn chế trong thực hiện công tác dân vận, quy chế dân chủ ở cơ sở của các cấp ủy, cơ quan, đơn vị; kiến nghị khắc phục và theo dõi việc thực hiện kiến nghị đến khi hoàn thành."),
			export.Heading(1, "II. NỘI DUNG, ĐỐI TƯỢNG, THỜI GIAN"),
			export.TableBlock([]export.Column{{Header: "STT", Width: 0.6, Center: true}, {Header: "Hình thức", Width: 1.6}, {Header: "Nội dung", Width: 2.6},
				{Header: "Đơn vị được kiểm tra, giám sát", Width: 3}, {Header: "Tháng", Width: 0.9, Center: true}, {Header: "Người phụ trách", Width: 1.8}}, rows),
			export.Heading(1, "III. TỔ CHỨC THỰC HIỆN"),
			export.Text("Mỗi nội dung được thực hiện bằng một đoàn kiểm tra, giám sát theo quyết định của " + strings.Replace(issuer, "ĐẢNG ỦY", "Đảng ủy", 1) + ". Đơn vị được kiểm tra, giám sát báo cáo tự kiểm tra trước ngày đoàn làm việc; kết thúc mỗi cuộc có thông báo kết luận, các kiến nghị được giao cho đơn vị và theo dõi đến khi hoàn thành."),
		},
		Signature:  export.Signature{On: "T/M ĐẢNG ỦY", Title: "BÍ THƯ"},
		Recipients: []string{"Các cấp ủy, đơn vị trực thuộc,", "Lưu VP."},
	}
	if !pr.Approved() {
		d.Note = "Dự thảo: chương trình chưa được phê duyệt."
	}
	return d
}

func (s *Server) conclusionExport(w http.ResponseWriter, r *http.Request, format string) error {
	_, d, err := s.inspRoundFor(r)
	if err != nil {
		return err
	}
	if d.ConclusionNo == "" {
		return apperr.New(apperr.Conflict, "web.conclusionExport", "Đoàn chưa có thông báo kết luận.")
	}
	return s.sendDocument(w, r, format, "Thông báo kết luận "+strings.ReplaceAll(d.ConclusionNo, "/", "-"), conclusionDocument(d, s.upperOf(r, d.UnitID)))
}

// conclusionDocument is the thông báo kết luận as its reader may see it (a target reads
// only its own findings and recommendations, as on the page).
func conclusionDocument(d inspection.RoundDetail, upper string) export.Document {
	issuer := committeeName(d.UnitName)
	var targets []string
	for _, t := range d.Targets {
		targets = append(targets, t.Name)
	}
	blocks := []export.Block{
		export.Paragraph(export.R(fmt.Sprintf("Thực hiện Quyết định số %s ngày %s về việc %s “%s” đối với %s, đoàn kiểm tra, giám sát đã làm việc từ ngày %s đến ngày %s. Xét báo cáo của đoàn, %s kết luận như sau:",
			d.DecisionNo, FormatDate(d.DecisionOn), strings.ToLower(d.KindLabel()), d.TopicName, strings.Join(targets, ", "), FormatDate(d.StartsOn), FormatDate(d.EndsOn), strings.Replace(issuer, "ĐẢNG ỦY", "Đảng ủy", 1)))),
		export.Heading(1, "I. KẾT LUẬN"),
	}
	blocks = append(blocks, export.Paragraphs(d.Conclusion)...)
	var findings bool
	for _, t := range d.Targets {
		if len(t.Findings) == 0 {
			continue
		}
		if !findings {
			blocks = append(blocks, export.Heading(1, "II. KẾT QUẢ TẠI CÁC ĐƠN VỊ"))
			findings = true
		}
		blocks = append(blocks, export.Heading(2, t.Name))
		for _, f := range t.Findings {
			blocks = append(blocks, export.Bullet(export.B(f.TopicName+": "), export.R(f.Content)))
		}
	}
	var rows [][]string
	for _, rc := range d.Recommendations() {
		rows = append(rows, []string{strconv.Itoa(rc.Seq), rc.Content, rc.TargetName, rc.LeadName, FormatDate(rc.DueOn)})
	}
	blocks = append(blocks, export.Heading(1, "III. KIẾN NGHỊ"))
	if len(rows) > 0 {
		blocks = append(blocks, export.Text("Đề nghị các đơn vị thực hiện các kiến nghị sau, báo cáo kết quả kèm minh chứng trước thời hạn:"),
			export.TableBlock([]export.Column{{Header: "STT", Width: 0.6, Center: true}, {Header: "Nội dung kiến nghị", Width: 4}, {Header: "Đơn vị thực hiện", Width: 2.2},
				{Header: "Người chịu trách nhiệm", Width: 2}, {Header: "Thời hạn", Width: 1.2, Center: true}}, rows))
	} else {
		blocks = append(blocks, export.Text("Không có kiến nghị."))
	}
	if d.Referral != "" {
		blocks = append(blocks, export.Paragraph(export.B("Chuyển xem xét: "), export.R(d.Referral+".")))
	}
	return export.Document{
		Family:     export.Party,
		UpperBody:  upper,
		Issuer:     issuer,
		Number:     strings.TrimPrefix(d.ConclusionNo, "Số "),
		Date:       ymdDate(d.ConclusionOn),
		Title:      "THÔNG BÁO KẾT LUẬN",
		Subtitle:   fmt.Sprintf("%s “%s”", d.KindLabel(), d.TopicName),
		Blocks:     blocks,
		Signature:  export.Signature{On: "T/M ĐẢNG ỦY", Title: "BÍ THƯ"},
		Recipients: append(append([]string{}, targets...), "Lưu VP."),
	}
}
