// Package export writes official documents and tables for every domain: Word (.docx),
// print-ready HTML, PDF (through headless Chromium) and Excel (.xlsx).
//
// A domain builds a Document — the header of its template family (Party or State), a
// title, the body as Blocks, the signature and the recipients — and a handler writes it:
//
//	d := export.Document{
//		Family:    export.Party,
//		UpperBody: "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH",
//		Issuer:    "ĐẢNG ỦY SỞ TƯ PHÁP",
//		Number:    "12-KH/ĐU",                                  // shown "Số 12-KH/ĐU"
//		Place:     "Hà Nội",
//		Date:      calendar.NewDate(2026, time.December, 1),   // "Hà Nội, ngày 01 tháng 12 năm 2026"
//		Title:     "KẾ HOẠCH",
//		Subtitle:  "Thực hiện công tác dân vận năm 2027",
//		Blocks: []export.Block{
//			export.Heading(1, "I. MỤC ĐÍCH, YÊU CẦU"),
//			export.Text("Nâng cao nhận thức của cán bộ, đảng viên …"),
//			export.Bullet(export.B("Chủ trì: "), export.R("Ban Dân vận")),
//			export.TableBlock([]export.Column{{Header: "STT", Width: 1, Center: true}, {Header: "Nội dung", Width: 6}},
//				[][]string{{"1", "Tổ chức hội nghị quán triệt"}}),
//		},
//		Signature:  export.Signature{On: "T/M ĐẢNG ỦY", Title: "BÍ THƯ", Name: "Nguyễn Thị Hương"},
//		Recipients: []string{"Ban Dân vận Đảng ủy Khối,", "Lưu VP."},
//	}
//	export.Attach(w, export.ContentTypeDOCX, "Kế hoạch 12-KH-ĐU.docx")
//	err := export.WriteDOCX(w, d)
//
// A công văn (official letter) has no Title: its subject goes in About and is printed
// under the number ("V/v chuyển đơn của công dân"); "Kính gửi: …" is its first paragraph.
//
// For a PDF, the application keeps one Printer (one Chromium for the whole process) and
// falls back to the print-ready page when the server has no browser:
//
//	var pdf bytes.Buffer
//	err := printer.PDF(r.Context(), &pdf, d)
//	if errors.Is(err, export.ErrNoBrowser) {
//		w.Header().Set("Content-Type", export.ContentTypeHTML)
//		return export.WriteHTML(w, d) // the browser prints it: "In" → "Lưu thành PDF"
//	}
//
// Tables go to Excel with WriteXLSX; large exports pass their rows through Sheet.More so
// that they are streamed rather than held in memory (and report a failing source through
// Sheet.Err, so that a query error fails the export instead of cutting it short):
//
//	export.WriteXLSX(w, export.Sheet{Name: "Nhiệm vụ", Title: "DANH SÁCH NHIỆM VỤ",
//		Columns: []export.Column{{Header: "Nhiệm vụ", Width: 50}, {Header: "Hạn", Width: 12}},
//		Rows:    [][]any{{"Tổ chức hội nghị", calendar.NewDate(2026, 12, 15)}}})
//
// Layout (DOMAIN.md section 6): A4, margins top and bottom 20 mm, left 30 mm, right 15 mm,
// Times New Roman 14 pt body; sizes of the header follow Hướng dẫn 36-HD/VPTW (Party) and
// Nghị định 30/2020/NĐ-CP (State). Page numbers are centred at the bottom from page 2.
// Every text is cleaned (valid UTF-8, NFC, no control characters), so no input can make
// a corrupt file.
//
// Terms: Document = văn bản, Issuer = cơ quan ban hành, UpperBody = cơ quan cấp trên,
// Number = số, ký hiệu, Title = tên loại, Subtitle = trích yếu, Signature = thể thức ký
// (On = quyền hạn ký "T/M", "KT."), Recipients = nơi nhận, Sheet = trang tính.
//
// The .docx is our own: an embedded skeleton (skeleton/) plus word/document.xml written
// here, zipped with archive/zip. The Go .docx libraries are thin or unmaintained, and the
// official layouts need full control of the header table and the signature block.
package export
