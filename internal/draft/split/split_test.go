package split

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

const sample = `QUY CHẾ
Thực hiện dân chủ trong hoạt động của cơ quan
Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15;
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định việc thực hiện dân chủ trong cơ quan.
Điều 2: Đối tượng áp dụng
1. Cán bộ, công chức, viên chức.
2. Người lao động làm việc theo hợp đồng, gồm:
a) Hợp đồng có thời hạn;
đ) Hợp đồng theo vụ việc.
Mức hỗ trợ 1.5 triệu đồng không phải một khoản.
CHƯƠNG II - NỘI DUNG
Mục 1. CÔNG KHAI THÔNG TIN
Điều 3. Những nội dung phải công khai
Theo Điều 11 của Luật, thủ trưởng công khai:
1. Kế hoạch công tác năm.
Điều 3a. Hình thức công khai
Niêm yết tại trụ sở.`

func TestSplitVietnameseSample(t *testing.T) {
	res, err := Split(sample)
	if err != nil {
		t.Fatal(err)
	}
	if res.Articles != 4 {
		t.Fatalf("articles = %d, want 4", res.Articles)
	}
	if !strings.HasPrefix(res.Preamble, "QUY CHẾ") || !strings.Contains(res.Preamble, "10/2022/QH15") {
		t.Errorf("preamble = %q", res.Preamble)
	}
	var got []string
	for _, p := range res.Parts {
		got = append(got, p.Key+"|"+p.Heading+"|"+p.Text)
	}
	want := []string{
		"cI|NHỮNG QUY ĐỊNH CHUNG|",
		"d1|Phạm vi điều chỉnh|Quy chế này quy định việc thực hiện dân chủ trong cơ quan.",
		"d2|Đối tượng áp dụng|",
		"d2.1||Cán bộ, công chức, viên chức.",
		"d2.2||Người lao động làm việc theo hợp đồng, gồm:",
		"d2.2.a||Hợp đồng có thời hạn;",
		"d2.2.đ||Hợp đồng theo vụ việc.\nMức hỗ trợ 1.5 triệu đồng không phải một khoản.",
		"cII|NỘI DUNG|",
		"cII.m1|CÔNG KHAI THÔNG TIN|",
		"d3|Những nội dung phải công khai|Theo Điều 11 của Luật, thủ trưởng công khai:",
		"d3.1||Kế hoạch công tác năm.",
		"d3a|Hình thức công khai|Niêm yết tại trụ sở.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("parts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r := res.Parts[5].Ref(); r != "Điểm a khoản 2 Điều 2" {
		t.Errorf("ref = %q", r)
	}
	if r := res.Parts[3].Ref(); r != "Khoản 1 Điều 2" {
		t.Errorf("ref = %q", r)
	}
}

func TestSplitNoArticles(t *testing.T) {
	for _, s := range []string{"", "Kính gửi các đồng chí,\n1. Một\n2. Hai", "Điều kiện để được khen thưởng là…", "Chương trình hành động số 16-CTr/ĐUK"} {
		if _, err := Split(s); !errors.Is(err, ErrNoArticles) {
			t.Errorf("Split(%q) err = %v, want ErrNoArticles", s, err)
		}
	}
}

func TestSplitDuplicateNumbersStayDistinct(t *testing.T) {
	res, err := Split("Điều 1. A\nĐiều 1. B\nĐiều 2. C")
	if err != nil {
		t.Fatal(err)
	}
	if res.Parts[0].Key == res.Parts[1].Key {
		t.Fatalf("duplicate keys %q", res.Parts[0].Key)
	}
}

func TestSplitWindowsLineEndingsAndSpaces(t *testing.T) {
	res, err := Split("Điều\u00a01.\tTên\r\n1.\u00a0Nội dung\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Parts) != 2 || res.Parts[0].Heading != "Tên" || res.Parts[1].Text != "Nội dung" {
		t.Fatalf("%+v", res.Parts)
	}
}

func FuzzSplit(f *testing.F) {
	f.Add(sample)
	f.Add("Điều 1.\n1.\na)")
	f.Add("Chương\nMục 1\nĐiều 99999. x")
	f.Fuzz(func(t *testing.T, s string) {
		res, err := Split(s)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		arts := 0
		for _, p := range res.Parts {
			if seen[p.Key] {
				t.Fatalf("duplicate key %q", p.Key)
			}
			seen[p.Key] = true
			if p.Level == Article {
				arts++
			}
			if !utf8.ValidString(p.Text) || !utf8.ValidString(p.Heading) {
				t.Fatalf("invalid UTF-8 in %+v", p)
			}
			_ = p.Ref()
		}
		if arts != res.Articles || arts == 0 {
			t.Fatalf("articles %d counted %d", arts, res.Articles)
		}
	})
}
