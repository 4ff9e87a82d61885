package draft_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danvan/internal/dbtest"
	"danvan/internal/draft"
	"danvan/internal/export"
	"danvan/internal/sqldb"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// docxText opens a .docx and returns its document.xml and the text of its paragraphs,
// one line each (table cells are paragraphs too).
func docxText(t *testing.T, b []byte) (string, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var doc []byte
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			doc, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	for _, want := range []string{"[Content_Types].xml", "word/document.xml", "word/styles.xml"} {
		if !names[want] {
			t.Fatalf("docx lacks %s", want)
		}
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var lines []string
	var cur strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("document.xml: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			switch x.Name.Local {
			case "t":
				inText = true
			case "br":
				cur.WriteString("\n")
			}
		case xml.EndElement:
			switch x.Name.Local {
			case "t":
				inText = false
			case "p":
				lines = append(lines, cur.String())
				cur.Reset()
			}
		case xml.CharData:
			if inText {
				cur.Write(x)
			}
		}
	}
	return string(doc), lines
}

// demoReport is the report of the demo's closed round, with the clock-dependent fields
// fixed so the document is the same on every run and engine.
func demoReport(t *testing.T, f *fixture) draft.Report {
	t.Helper()
	p := f.who(t, "thutruong1")
	ds, err := f.svc.List(f.ctx, p, "", 0)
	if err != nil || len(ds) == 0 {
		t.Fatalf("demo drafts: %v", err)
	}
	rs, err := f.svc.Rounds(f.ctx, p, ds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.Report(f.ctx, p, rs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	rep.GeneratedAt = time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	rep.Round.OpensAt, rep.Round.ClosesAt = "2026-11-02T01:00:00Z", "2026-11-16T10:00:00Z"
	return rep
}

func TestReportDocxGoldenAndContent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		rep := demoReport(t, f)
		got := export.DocumentXML(rep.Document())
		path := filepath.Join("testdata", "demo-report.document.xml.golden")
		if *update && db.Dialect() == sqldb.SQLite {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/draft/ -run Golden -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("document.xml differs from %s; run with -update and review the diff", path)
		}

		var buf bytes.Buffer
		if err := export.WriteDOCX(&buf, rep.Document()); err != nil {
			t.Fatal(err)
		}
		_, lines := docxText(t, buf.Bytes())
		text := strings.Join(lines, "\n")
		// The state format (the drafting unit is an agency), the title, the counts.
		for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ TƯ PHÁP", "BÁO CÁO",
			"Tổng hợp, tiếp thu, giải trình ý kiến góp ý đối với dự thảo Quy chế thực hiện dân chủ trong hoạt động của Sở Tư pháp",
			"Từ ngày 02/11/2026 đến ngày 16/11/2026", "Số đơn vị, cá nhân được mời: 4; số đã có ý kiến: 2.",
			"Tổng số ý kiến: 4; tiếp thu: 2; tiếp thu một phần: 1; giải trình: 1; chưa trả lời: 0.",
			"a) Theo đơn vị, cá nhân góp ý", "b) Theo điều của dự thảo", "Ban nữ công Sở Tư pháp", "Chưa có ý kiến"} {
			if !strings.Contains(text, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		// Per unit: Công đoàn 2, Đoàn Thanh niên 2.
		for _, c := range rep.ByUnit {
			if !hasRow(lines, c.Label, itoa(int64(c.N))) {
				t.Errorf("no count row %s = %d", c.Label, c.N)
			}
		}
		// Per article, every comment with who made it and the answer, in document order.
		prev := -1
		for _, a := range rep.Articles {
			i := index(lines, a.Ref+". "+a.Heading)
			if i < 0 || i < prev {
				t.Fatalf("article %s missing or out of order", a.Ref)
			}
			prev = i
			for _, c := range a.Comments {
				after := strings.Join(lines[i:], "\n")
				for _, want := range []string{c.PartRef, c.UnitName, "(" + c.AuthorName + " ký)", c.Body, c.AnswerLabel(), c.AnswerText} {
					if !strings.Contains(after, want) {
						t.Errorf("%s: comment %d lacks %q", a.Ref, c.ID, want)
					}
				}
			}
		}
		if i := index(lines, "Góp ý chung đối với toàn bộ dự thảo"); i < 0 || !strings.Contains(strings.Join(lines[i:], "\n"), "Dự thảo rõ ràng, đồng tình với bố cục 5 chương.") {
			t.Error("the comment on the whole draft is missing")
		}
		// Signed by the accountable head.
		if !strings.Contains(text, rep.Draft.HeadName) || !strings.Contains(text, "Nơi nhận:") {
			t.Error("no signature block")
		}
	})
}

func TestReportPartyFormat(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		a := f.o.Agencies[0]
		sec := f.who(t, "bithu1")
		d, err := f.svc.Create(f.ctx, sec, draft.Input{Title: "Nghị quyết về công tác dân vận năm 2027", Kind: "Nghị quyết", UnitID: a.Committee.ID,
			DrafterID: a.Secretary, HeadID: a.Secretary, Body: "Điều 1. Mục tiêu\nĐiều 2. Giải pháp"})
		if err != nil {
			t.Fatal(err)
		}
		now := db.Now()
		r, err := f.svc.OpenRound(f.ctx, sec, d.ID, draft.RoundInput{OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour), UnitIDs: []int64{a.TradeUnion.ID}})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.svc.Report(f.ctx, sec, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Format != "party" {
			t.Fatalf("format %s for a party committee", rep.Format)
		}
		var buf bytes.Buffer
		if err := export.WriteDOCX(&buf, rep.Document()); err != nil {
			t.Fatal(err)
		}
		_, lines := docxText(t, buf.Bytes())
		text := strings.Join(lines, "\n")
		for _, want := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "T/M ĐẢNG ỦY", "Không có ý kiến góp ý.", "Số đơn vị, cá nhân được mời: 1; số đã có ý kiến: 0."} {
			if !strings.Contains(text, want) {
				t.Errorf("party report lacks %q", want)
			}
		}
		if strings.Contains(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA") {
			t.Error("party report carries the state header")
		}
	})
}

func index(lines []string, s string) int {
	for i, l := range lines {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

// hasRow reports whether two consecutive paragraphs (table cells) are a and b.
func hasRow(lines []string, a, b string) bool {
	for i := 0; i+1 < len(lines); i++ {
		if lines[i] == a && lines[i+1] == b {
			return true
		}
	}
	return false
}
