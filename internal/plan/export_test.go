package plan_test

import (
	"archive/zip"
	"bytes"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"danvan/internal/export"
	"danvan/internal/org"
	"danvan/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func samplePlan() (plan.Plan, []plan.Task, org.Unit) {
	actual := 85.0
	pl := plan.Plan{ID: 7, Year: 2026, Kind: plan.KindPlan, Number: "05-KH/ĐU", Title: "Thực hiện Nghị quyết số 04-NQ/ĐUK năm 2026", Place: "Hà Nội", IssuedOn: "2026-01-12",
		SignerName: "Trần Minh Xuân",
		Documents:  []plan.DocRef{{ID: 6, Notation: "04-NQ/ĐUK", Kind: "Nghị quyết", Title: "Về nâng cao hiệu quả công tác dân vận của đảng bộ các cơ quan nhà nước", IssuedOn: "2017-01-25"}},
		Targets:    []plan.Target{{Seq: 1, Indicator: "Đảng viên được quán triệt", Value: 100, Measure: "%", Actual: &actual}, {Seq: 2, Indicator: "Mô hình \"Dân vận khéo\" đăng ký mới", Value: 1234.5, Measure: "mô hình"}}}
	tasks := []plan.Task{
		{Title: "Quán triệt Nghị quyết 04-NQ/ĐUK tại chi bộ", UnitName: "Đảng bộ Sở Tư pháp", LeadName: "Trần Minh Xuân", LeaderName: "Trần Minh Xuân", DueOn: "2026-03-31", Children: 5},
		{Title: "Rà soát Quy chế dân chủ ở cơ sở <của cơ quan> & công khai", UnitName: "Sở Tư pháp", LeadName: "Đặng Thanh Hùng", DueOn: "2026-06-30"},
	}
	return pl, tasks, org.Unit{Name: "Đảng bộ Sở Tư pháp", Kind: org.KindBaseCommittee}
}

// TestPlanDocumentGolden pins the Word XML of a plan in the Party format.
func TestPlanDocumentGolden(t *testing.T) {
	pl, tasks, u := samplePlan()
	d := plan.PlanDocument(pl, tasks, u, "Đảng bộ Khối các cơ quan tỉnh")
	got := export.DocumentXML(d)
	path := filepath.Join("testdata", "plan.document.xml.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/plan/ -run Golden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("document.xml differs from %s; run with -update and review the diff", path)
	}
	for _, s := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG ỦY SỞ TƯ PHÁP", "Số 05-KH/ĐU", "Hà Nội, ngày 12 tháng 01 năm 2026", "KẾ HOẠCH", "T/M ĐẢNG ỦY", "Trần Minh Xuân",
		"Căn cứ Nghị quyết số 04-NQ/ĐUK ngày 25/01/2017", "1.234,5", "&lt;của cơ quan&gt; &amp; công khai", "Times New Roman"} {
		if !strings.Contains(string(got), s) && !strings.Contains(docxStyles(t, d), s) {
			t.Errorf("plan document lacks %q", s)
		}
	}
}

// docxStyles returns the styles and settings parts of the .docx (fonts, page size).
func docxStyles(t *testing.T, d export.Document) string {
	t.Helper()
	var buf bytes.Buffer
	if err := export.WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("the .docx is not a zip: %v", err)
	}
	var all strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		all.Write(b)
	}
	return all.String()
}

func TestPlanDOCXIsA4TimesNewRoman(t *testing.T) {
	pl, tasks, u := samplePlan()
	all := docxStyles(t, plan.PlanDocument(pl, tasks, u, "Đảng bộ Khối"))
	if !strings.Contains(all, `w:w="11906"`) || !strings.Contains(all, "Times New Roman") {
		t.Error("the .docx is not A4 in Times New Roman")
	}
}

// The default Printer writes the PDF in Go: no browser needed.
func TestPlanPDF(t *testing.T) {
	var p export.Printer
	defer p.Close()
	pl, tasks, u := samplePlan()
	var buf bytes.Buffer
	if err := p.PDF(t.Context(), &buf, plan.PlanDocument(pl, tasks, u, "Đảng bộ Khối")); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || buf.Len() < 5000 {
		t.Fatalf("not a PDF (%d bytes)", buf.Len())
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		cmd := exec.Command("pdftotext", "-layout", "-", "-")
		cmd.Stdin = bytes.NewReader(buf.Bytes())
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "Số 05-KH/ĐU", "T/M ĐẢNG ỦY", "Quán triệt Nghị quyết"} {
			if !strings.Contains(string(out), s) {
				t.Errorf("PDF text lacks %q", s)
			}
		}
	}
}

func TestTaskAndTrainingSheets(t *testing.T) {
	_, tasks, _ := samplePlan()
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, plan.TaskSheet(tasks), plan.TrainingSheet([]plan.UnitStat{{UnitName: "Đảng bộ Sở Tư pháp", Sessions: 2, Invited: 40, Reached: 30, Present: 35}}, 2026)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Nhiệm vụ")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[2][1] != "Quán triệt Nghị quyết 04-NQ/ĐUK tại chi bộ" || rows[3][3] != "Đặng Thanh Hùng" {
		t.Errorf("task sheet rows %q", rows)
	}
	stats, err := f.GetRows("Quán triệt, tập huấn")
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 3 || stats[2][0] != "Đảng bộ Sở Tư pháp" || !strings.HasPrefix(stats[2][5], "87.5") {
		t.Errorf("training sheet rows %q", stats)
	}
}
