package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/calendar"
	"danvan/internal/emulation"
	"danvan/internal/export"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

func (s *Server) modelExportRoutes() {
	for _, f := range []string{"docx", "pdf", "xlsx"} {
		f := f
		s.handle("GET /model-rounds/{id}/decision."+f, func(w http.ResponseWriter, r *http.Request) error { return s.roundDecisionExport(w, r, f) })
	}
}

// roundDecisionExport sends the committee's decision (Party format, the list of recognised
// models and exemplars) as .docx or .pdf, or the ranking and the list as .xlsx.
func (s *Server) roundDecisionExport(w http.ResponseWriter, r *http.Request, format string) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.roundData(r, p)
	if err != nil {
		return err
	}
	if !pg.Round.Decided() {
		return apperr.New(apperr.Conflict, "web.roundDecisionExport", "Đợt bình xét chưa có quyết định công nhận.")
	}
	var cands []emulation.Candidate
	for _, c := range pg.Candidates {
		cands = append(cands, c.Candidate)
	}
	var upper string
	if u, err := org.GetUnit(r.Context(), s.DB, pg.Round.UnitID); err == nil && u.ParentID != 0 {
		if pu, err := org.GetUnit(r.Context(), s.DB, u.ParentID); err == nil {
			upper = pu.Name
		}
	}
	name := "Quyết định công nhận " + strings.ReplaceAll(pg.Round.Decision, "/", "-")
	if format == "xlsx" {
		return s.sendSheets(w, r, "Bình xét "+strconv.Itoa(pg.Round.Year)+" "+strings.ReplaceAll(pg.Round.Decision, "/", "-"), roundSheets(pg.Round, pg.Set, cands)...)
	}
	return s.sendDocument(w, r, format, name, roundDecisionDocument(pg.Round, upper, cands))
}

// committeeName turns a unit name into the name of its committee as it heads a Party
// document: "Đảng bộ Sở Tư pháp" → "ĐẢNG ỦY SỞ TƯ PHÁP".
func committeeName(unit string) string {
	if rest, ok := strings.CutPrefix(unit, "Đảng bộ "); ok {
		unit = "Đảng ủy " + rest
	}
	return strings.ToUpper(unit)
}

func dateOf(ts string) calendar.Date {
	t := sqldb.ParseTime(ts)
	if t.IsZero() {
		return calendar.Date{}
	}
	t = t.In(work.VietnamZone)
	return calendar.NewDate(t.Year(), t.Month(), t.Day())
}

// roundDecisionDocument is the decision of recognition (quyết định công nhận) in the
// Party format, with the list of recognised models and exemplars.
func roundDecisionDocument(rd emulation.Round, upper string, cands []emulation.Candidate) export.Document {
	var rows [][]string
	for _, c := range cands {
		if !c.Recognised {
			continue
		}
		name := c.Model.Name
		if c.Model.Holder != "" {
			name += " (" + c.Model.Holder + ")"
		}
		rows = append(rows, []string{strconv.Itoa(len(rows) + 1), name, c.Model.KindLabel(), c.Model.UnitName, c.Model.FieldLabel(), c.ResultText(), c.Reward})
	}
	issuer := committeeName(rd.UnitName)
	d := export.Document{
		Family:    export.Party,
		UpperBody: strings.ToUpper(upper),
		Issuer:    issuer,
		Number:    rd.Decision,
		Date:      dateOf(rd.DecidedAt),
		Title:     "QUYẾT ĐỊNH",
		Subtitle:  fmt.Sprintf("Công nhận mô hình, điển hình “Dân vận khéo” năm %d", rd.Year),
		Blocks: []export.Block{
			export.Paragraph(export.R("Căn cứ Điều lệ Đảng Cộng sản Việt Nam; Quy chế làm việc của " + strings.Replace(issuer, "ĐẢNG ỦY", "Đảng ủy", 1) + ";")),
			export.Paragraph(export.R("Căn cứ kết quả bình xét của đợt “" + rd.Name + "” theo bộ tiêu chí “" + rd.SetName + "” (" + emulation.LevelLabel(rd.Level) + ");")),
			export.Paragraph(export.R("Xét đề nghị của Ban Dân vận,")),
			export.Heading(1, "QUYẾT ĐỊNH:"),
			export.Paragraph(export.B("Điều 1. "), export.R(fmt.Sprintf("Công nhận %d mô hình, điển hình “Dân vận khéo” năm %d cấp %s và tặng thưởng theo danh sách kèm theo.", len(rows), rd.Year, strings.ToLower(strings.TrimPrefix(emulation.LevelLabel(rd.Level), "Cấp "))))),
			export.TableBlock([]export.Column{{Header: "STT", Width: 0.6, Center: true}, {Header: "Tên mô hình, điển hình", Width: 4}, {Header: "Loại", Width: 1.2},
				{Header: "Đơn vị", Width: 2.6}, {Header: "Lĩnh vực", Width: 1.8}, {Header: "Điểm", Width: 0.9, Center: true}, {Header: "Khen thưởng", Width: 1.4}}, rows),
			export.Paragraph(export.B("Điều 2. "), export.R("Các đơn vị có mô hình, điển hình được công nhận tiếp tục duy trì, nhân rộng cách làm hay trong cơ quan, đơn vị.")),
			export.Paragraph(export.B("Điều 3. "), export.R("Quyết định có hiệu lực kể từ ngày ký. Ban Dân vận, Văn phòng và các cấp ủy, đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành quyết định này.")),
		},
		Signature:  export.Signature{On: "T/M ĐẢNG ỦY", Title: "BÍ THƯ"},
		Recipients: []string{"Như Điều 3,", "Lưu VP."},
	}
	return d
}

// roundSheets are the recognised list and the whole ranking of a round.
func roundSheets(rd emulation.Round, set emulation.CriteriaSet, cands []emulation.Candidate) []export.Sheet {
	cols := []export.Column{{Header: "STT", Width: 6}, {Header: "Tên mô hình, điển hình", Width: 50}, {Header: "Loại", Width: 12}, {Header: "Đơn vị", Width: 36},
		{Header: "Lĩnh vực", Width: 24}, {Header: "Năm đăng ký", Width: 12}, {Header: "Điểm bình quân", Width: 14}, {Header: "Số phiếu chấm", Width: 12}, {Header: "Khen thưởng", Width: 16}}
	var list, rank [][]any
	for _, c := range cands {
		var score any
		if c.Scores > 0 {
			score = c.Result
		}
		row := []any{nil, c.Model.Name, c.Model.KindLabel(), c.Model.UnitName, c.Model.FieldLabel(), c.Model.Year, score, c.Scores, c.Reward}
		if c.Recognised {
			r := append([]any(nil), row...)
			r[0] = len(list) + 1
			list = append(list, r)
		}
		r := append([]any(nil), row...)
		if c.Rank > 0 {
			r[0] = c.Rank
		}
		rank = append(rank, r)
	}
	title := fmt.Sprintf("DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO” ĐƯỢC CÔNG NHẬN NĂM %d (Quyết định %s)", rd.Year, rd.Decision)
	rankCols := append([]export.Column(nil), cols...)
	rankCols[0].Header = "Hạng"
	return []export.Sheet{
		{Name: "Được công nhận", Title: title, Columns: cols, Rows: list},
		{Name: "Xếp hạng", Title: fmt.Sprintf("KẾT QUẢ BÌNH XÉT — %s (bộ tiêu chí %s, thang %d–%d)", rd.Name, set.Name, set.ScaleMin, set.ScaleMax), Columns: rankCols, Rows: rank},
	}
}
