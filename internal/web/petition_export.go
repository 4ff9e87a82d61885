package web

import (
	"net/http"

	"danvan/internal/calendar"
	"danvan/internal/export"
	"danvan/internal/petition"
)

// maxExportRows bounds one export of the petition list.
const maxExportRows = 100000

// petitionExport sends the filtered list as .xlsx, read page by page (keyset) so a large
// export is never held in memory. Identities of denouncers are masked as in the list.
func (s *Server) petitionExport(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	f, err := petitionFilter(r.URL.Query())
	if err != nil {
		return err
	}
	f.After, f.Limit = "", 500
	first, err := s.Petitions.Find(r.Context(), p, f)
	if err != nil {
		return err
	}
	row := func(pt petition.Petition) []any {
		var due any
		if d, err := calendar.ParseDate(pt.DueOn); err == nil {
			due = d
		}
		received, _ := calendar.ParseDate(pt.ReceivedOn)
		return []any{pt.DisplayCode(), pt.Kind.Label(), pt.Channel.Label(), received, pt.Subject, pt.Sender.Name, pt.Sender.Phone, pt.UnitName, pt.LeadName,
			pt.State.Label(), due, pt.Badge.Label, pt.ResultLabel()}
	}
	sheet := export.Sheet{Name: "Đơn thư", Title: "Danh sách đơn thư",
		Columns: []export.Column{{Header: "Mã tra cứu", Width: 16}, {Header: "Loại đơn", Width: 16}, {Header: "Nguồn đơn", Width: 22}, {Header: "Ngày nhận", Width: 12},
			{Header: "Trích yếu", Width: 50}, {Header: "Người gửi", Width: 28}, {Header: "Điện thoại", Width: 14}, {Header: "Cơ quan giải quyết", Width: 28},
			{Header: "Người chủ trì", Width: 24}, {Header: "Trạng thái", Width: 22}, {Header: "Hạn gần nhất", Width: 12}, {Header: "Tình trạng thời hạn", Width: 22}, {Header: "Kết quả", Width: 14}}}
	for _, pt := range first.Petitions {
		sheet.Rows = append(sheet.Rows, row(pt))
	}
	next := first.Next
	var pageErr error // a page that failed ends the export with an error, not a short file
	sheet.Err = func() error { return pageErr }
	sheet.More = func(yield func([]any) bool) {
		n := len(first.Petitions)
		for next != "" && n < maxExportRows {
			f.After = next
			pg, err := s.Petitions.Find(r.Context(), p, f)
			if err != nil {
				pageErr = err
				return
			}
			for _, pt := range pg.Petitions {
				n++
				if !yield(row(pt)) {
					return
				}
			}
			next = pg.Next
		}
	}
	return s.sendSheets(w, r, "Danh sách đơn thư", sheet)
}
