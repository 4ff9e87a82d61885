package export

import (
	"mime"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestContentDisposition(t *testing.T) {
	cases := []struct{ name, ascii, full string }{
		{"Kế hoạch 12-KH/ĐU.docx", "ke hoach 12-kh-du.docx", "Kế hoạch 12-KH-ĐU.docx"},
		{`Báo cáo "quý 4"; x=1.pdf`, "bao cao _quy 4__ x=1.pdf", `Báo cáo "quý 4"; x=1.pdf`},
		{"Danh sách đơn thư 100%.xlsx", "danh sach don thu 100_.xlsx", "Danh sách đơn thư 100%.xlsx"},
		{"\x00\r\n", "tai-lieu", "tai-lieu"},
	}
	for _, c := range cases {
		h := ContentDisposition(c.name)
		if strings.ContainsAny(h, "\r\n\x00") {
			t.Fatalf("header %q has control characters", h)
		}
		if !strings.Contains(h, `filename="`+c.ascii+`"`) {
			t.Errorf("%q: ASCII fallback in %q, want %q", c.name, h, c.ascii)
		}
		// Go's parser decodes filename* (RFC 2231/5987) and prefers it, as browsers do.
		kind, params, err := mime.ParseMediaType(h)
		if err != nil {
			t.Fatalf("%q does not parse: %v", h, err)
		}
		if kind != "attachment" || params["filename"] != c.full || len(params) != 1 {
			t.Errorf("%q parsed as %s %q, want filename %q", h, kind, params, c.full)
		}
	}
	if h := InlineDisposition("a.pdf"); !strings.HasPrefix(h, "inline; ") {
		t.Errorf("inline: %q", h)
	}
}

func TestAttach(t *testing.T) {
	rec := httptest.NewRecorder()
	Attach(rec, ContentTypeXLSX, "Nhiệm vụ.xlsx")
	h := rec.Header()
	if h.Get("Content-Type") != ContentTypeXLSX || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''Nhi%E1%BB%87m%20v%E1%BB%A5.xlsx") {
		t.Errorf("headers %v", h)
	}
}
