package web

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"danvan/internal/emulation"
)

func decisionFixture() (emulation.Round, emulation.CriteriaSet, []emulation.Candidate) {
	rd := emulation.Round{ID: 1, Year: 2026, Level: "cap-tren", UnitName: "Đảng bộ Khối các cơ quan tỉnh", SetName: "Tiêu chí Dân vận khéo", Name: "Bình xét năm 2026",
		State: "decided", Decision: "125-QĐ/ĐUK", DecidedAt: "2026-12-01T03:00:00Z"}
	set := emulation.CriteriaSet{Name: rd.SetName, ScaleMin: 0, ScaleMax: 10}
	m1 := emulation.Model{Name: "Bữa cơm nghĩa tình", Kind: emulation.KindModel, UnitName: "Công đoàn Sở Y tế", Field: "van-hoa-xa-hoi", Year: 2026}
	m2 := emulation.Model{Name: "Đảng viên trẻ tiêu biểu", Holder: "Lê Minh Khoa", Kind: emulation.KindExemplar, UnitName: "Đoàn Thanh niên Sở Tài chính", Field: "xay-dung-htct", Year: 2026}
	m3 := emulation.Model{Name: "Tủ sách pháp luật", Kind: emulation.KindModel, UnitName: "Hội Cựu chiến binh Sở Nội vụ", Field: "van-hoa-xa-hoi", Year: 2026}
	return rd, set, []emulation.Candidate{
		{ID: 1, Model: m1, Result: 8.75, Scores: 2, Recognised: true, Reward: "Bằng khen", Rank: 1},
		{ID: 2, Model: m2, Result: 8.5, Scores: 2, Recognised: true, Reward: "Giấy khen", Rank: 2},
		{ID: 3, Model: m3, Result: 6.25, Scores: 1, Rank: 3},
	}
}

func TestRoundDecisionDOCXListsTheRecognised(t *testing.T) {
	rd, _, cs := decisionFixture()
	rec := httptest.NewRecorder()
	if err := sendDocument(rec, httptest.NewRequest("GET", "/x", nil), nil, nil, "docx", "Quyết định", roundDecisionDocument(rd, "Tỉnh ủy", cs)); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.Bytes()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a .docx: %v", err)
	}
	var xml string
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			xml = string(b)
		}
	}
	for _, want := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "Số 125-QĐ/ĐUK", "QUYẾT ĐỊNH", "Bữa cơm nghĩa tình", "Lê Minh Khoa", "8,75", "Bằng khen", "T/M ĐẢNG ỦY", "gày 01 tháng 12 năm 2026"} {
		if !strings.Contains(xml, want) {
			t.Errorf("decision lacks %q", want)
		}
	}
	if strings.Contains(xml, "Tủ sách pháp luật") {
		t.Error("a candidate not recognised is in the decision")
	}
}

func TestRoundDecisionXLSX(t *testing.T) {
	rd, set, cs := decisionFixture()
	rec := httptest.NewRecorder()
	if err := sendSheets(rec, nil, "Bình xét", roundSheets(rd, set, cs)...); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("not an .xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Được công nhận")
	if err != nil {
		t.Fatal(err)
	}
	// Title, header, two recognised models.
	if len(rows) != 4 || rows[2][1] != "Bữa cơm nghĩa tình" || rows[3][8] != "Giấy khen" {
		t.Fatalf("recognised sheet: %q", rows)
	}
	rank, err := f.GetRows("Xếp hạng")
	if err != nil || len(rank) != 5 || rank[4][1] != "Tủ sách pháp luật" {
		t.Fatalf("ranking sheet: %q %v", rank, err)
	}
}
