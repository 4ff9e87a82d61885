package export

import (
	"fmt"
	"time"

	"danvan/internal/calendar"
)

// sampleParty is a Party plan with a task table, the shape most exports take.
func sampleParty() Document {
	return Document{
		Family:    Party,
		UpperBody: "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH",
		Issuer:    "ĐẢNG ỦY SỞ TƯ PHÁP",
		Number:    "12-KH/ĐU",
		Place:     "Hà Nội",
		Date:      calendar.NewDate(2026, time.December, 1),
		Title:     "KẾ HOẠCH",
		Subtitle:  "Thực hiện công tác dân vận năm 2027",
		Blocks: []Block{
			Text("Thực hiện Chương trình số 16-CTr/ĐUK ngày 15/01/2026 của Ban Thường vụ Đảng ủy Khối về công tác dân vận năm 2027, Đảng ủy Sở Tư pháp xây dựng Kế hoạch thực hiện như sau:"),
			Heading(1, "I. MỤC ĐÍCH, YÊU CẦU"),
			Heading(2, "1. Mục đích"),
			Text("Nâng cao nhận thức, trách nhiệm của cấp ủy, chi bộ, cán bộ, đảng viên về công tác dân vận; thực hiện tốt phương châm “rõ người, rõ việc, rõ trách nhiệm”."),
			Heading(2, "2. Yêu cầu"),
			Bullet(R("Bám sát chủ trương của cấp trên, phù hợp với tình hình thực tế của cơ quan.")),
			Bullet(B("Chủ trì: "), R("Ban Dân vận; "), I("phối hợp: Công đoàn cơ sở.")),
			Heading(1, "II. NHIỆM VỤ CỤ THỂ"),
			TableBlock([]Column{
				{Header: "STT", Width: 0.7, Center: true},
				{Header: "Nội dung nhiệm vụ", Width: 4},
				{Header: "Chủ trì", Width: 1.8},
				{Header: "Phối hợp", Width: 1.8},
				{Header: "Thời hạn", Width: 1.4, Center: true},
			}, [][]string{
				{"1", "Tổ chức hội nghị quán triệt Kết luận số 114-KL/TW về công tác dân vận", "Ban Dân vận", "Các chi bộ", "15/01/2027"},
				{"2", "Đăng ký mô hình “Dân vận khéo” năm 2027", "Công đoàn cơ sở", "Đoàn Thanh niên", "28/02/2027"},
				{"3", "Hội nghị cán bộ, công chức, viên chức, người lao động", "Giám đốc Sở", "Công đoàn cơ sở", "31/03/2027"},
			}),
			Heading(1, "III. TỔ CHỨC THỰC HIỆN"),
			Text("Các chi bộ căn cứ Kế hoạch này xây dựng kế hoạch của chi bộ, báo cáo kết quả về Đảng ủy trước ngày 15/12/2027."),
		},
		Signature:  Signature{On: "T/M ĐẢNG ỦY", Title: "BÍ THƯ", Name: "Nguyễn Thị Hương"},
		Recipients: []string{"Ban Dân vận Đảng ủy Khối,", "Các chi bộ trực thuộc,", "Lưu VP."},
	}
}

// sampleState is a report of the agency.
func sampleState() Document {
	return Document{
		Family:    State,
		UpperBody: "UBND TỈNH BẮC NINH",
		Issuer:    "SỞ TƯ PHÁP",
		Number:    "Số: 12/BC-STP",
		Place:     "Bắc Ninh",
		Date:      calendar.NewDate(2027, time.February, 5),
		Title:     "BÁO CÁO",
		Subtitle:  "Kết quả thực hiện Quy chế dân chủ ở cơ sở năm 2026",
		Blocks: []Block{
			Heading(1, "I. KẾT QUẢ ĐẠT ĐƯỢC"),
			Paragraph(R("Công khai "), B("12"), R(" nội dung theo Luật Thực hiện dân chủ ở cơ sở; tỷ lệ 87,5% & đúng hạn <100%>.")),
			Heading(3, "a) Về hội nghị cán bộ, công chức"),
			TableBlock(nil, [][]string{{"Nội dung", "Kết quả"}, {"Số đại biểu dự", "1.234"}}),
		},
		Signature:  Signature{On: "KT. GIÁM ĐỐC", Title: "PHÓ GIÁM ĐỐC", Name: "Trần Văn Bình"},
		Recipients: []string{"UBND tỉnh (để b/c);", "Lưu: VT, VP."},
	}
}

// longDocument has the given number of sections of text and a table; 31 make 20 A4 pages.
func longDocument(sections int) Document {
	d := sampleParty()
	d.Blocks = nil
	for i := 1; i <= sections; i++ {
		d.Blocks = append(d.Blocks, Heading(1, fmt.Sprintf("%d. Nội dung thứ %d", i, i)))
		for range 5 {
			d.Blocks = append(d.Blocks, Text("Đảng ủy lãnh đạo – Thủ trưởng cơ quan tổ chức thực hiện – Ban chấp hành các đoàn thể làm tham mưu và nòng cốt; mỗi nhiệm vụ rõ người, rõ việc, rõ trách nhiệm, rõ thời hạn, rõ kết quả. Các chi bộ đăng ký mô hình dân vận khéo gắn với nhiệm vụ chuyên môn."))
		}
		d.Blocks = append(d.Blocks, TableBlock([]Column{{Header: "STT", Width: 1}, {Header: "Nhiệm vụ", Width: 6}, {Header: "Thời hạn", Width: 2}},
			[][]string{{"1", "Tổ chức hội nghị quán triệt", "15/01/2027"}, {"2", "Sơ kết 6 tháng", "30/6/2027"}}))
	}
	return d
}

// sampleLetter is a công văn: no title, its subject ("V/v …") under the number.
func sampleLetter() Document {
	return Document{
		Family:    State,
		UpperBody: "UBND TỈNH BẮC NINH",
		Issuer:    "SỞ TƯ PHÁP",
		Number:    "45/STP-VP",
		About:     "chuyển đơn của công dân",
		Place:     "Bắc Ninh",
		Date:      calendar.NewDate(2027, time.March, 9),
		Blocks: []Block{
			Paragraph(R("Kính gửi: "), B("Ủy ban nhân dân thành phố Bắc Ninh")),
			Text("Ngày 02/3/2027, Sở Tư pháp nhận được đơn của bà Nguyễn Thị Ánh, trú tại phường Suối Hoa, kiến nghị về việc cấp giấy chứng nhận quyền sử dụng đất. Nội dung đơn không thuộc thẩm quyền giải quyết của Sở; Sở Tư pháp chuyển đơn đến Quý cơ quan để xem xét, giải quyết theo quy định."),
		},
		Signature:  Signature{On: "KT. GIÁM ĐỐC", Title: "PHÓ GIÁM ĐỐC", Name: "Trần Văn Bình"},
		Recipients: []string{"Như trên;", "Bà Nguyễn Thị Ánh (để biết);", "Lưu: VT, VP."},
	}
}
