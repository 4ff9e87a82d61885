package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestKeptPageGzip holds the spliced gzip of a kept page (its parts' own deflate
// segments with the nonce as stored blocks between them) to what a strict reader makes of
// it: exactly the page with the nonce in every place, CRC and length checked, for pages
// with no form, one, and several, and to the plain answer when gzip is not taken.
func TestKeptPageGzip(t *testing.T) {
	big := strings.Repeat("<tr><td>Đơn vị hành chính số 12</td><td>Sở Nội vụ</td></tr>\n", 900)
	for _, body := range []string{
		"",
		"<p>Không có biểu mẫu</p>" + big,
		`<form><input name="form_nonce" value="` + placeholderNonce + `"></form>` + big,
		placeholderNonce + big + placeholderNonce + "giữa" + placeholderNonce,
	} {
		p := keepAs("t", []byte(body), "text/html; charset=utf-8")
		nonce := newNonce()
		want := strings.ReplaceAll(body, placeholderNonce, nonce)
		for _, enc := range []string{"gzip, deflate, br", "identity", "gzip;q=0"} {
			r := httptest.NewRequest("GET", "/gui-don", nil)
			r.Header.Set("Accept-Encoding", enc)
			w := httptest.NewRecorder()
			if err := p.write(w, r, nonce); err != nil {
				t.Fatal(err)
			}
			got := w.Body.Bytes()
			if n := w.Header().Get("Content-Length"); n != strconv.Itoa(len(got)) {
				t.Fatalf("%q: Content-Length %s for %d bytes", enc, n, len(got))
			}
			zipped := w.Header().Get("Content-Encoding") == "gzip"
			if zipped != (enc == "gzip, deflate, br") {
				t.Fatalf("%q: Content-Encoding %q", enc, w.Header().Get("Content-Encoding"))
			}
			if zipped {
				zr, err := gzip.NewReader(bytes.NewReader(got))
				if err != nil {
					t.Fatal(err)
				}
				zr.Multistream(false)
				if got, err = io.ReadAll(zr); err != nil {
					t.Fatalf("gunzip: %v", err)
				}
				if len(body) > 10000 && w.Body.Len()*4 > len(want) {
					t.Errorf("compressed %d bytes to %d", len(want), w.Body.Len())
				}
			}
			if string(got) != want {
				t.Fatalf("%q: the answer differs from the page (%d bytes, want %d)", enc, len(got), len(want))
			}
			if !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") || w.Code != http.StatusOK {
				t.Fatalf("%q: %d, Vary %q", enc, w.Code, w.Header().Get("Vary"))
			}
		}
	}
}

// TestKeptPagesStayBounded: a crawler walking every page of the honour board keeps at
// most maxCachedBytes of them.
func TestKeptPagesStayBounded(t *testing.T) {
	var c publicPages
	page := keepAs("t", bytes.Repeat([]byte("<li>Mô hình “Dân vận khéo” số 12</li>\n"), 1500), "text/html; charset=utf-8")
	for i := 0; i < 2000; i++ {
		c.put("/vinh-danh?before="+strconv.Itoa(i), page)
		c.put("/vinh-danh?before="+strconv.Itoa(i), page) // the same address again counts once
		if c.bytes > maxCachedBytes {
			t.Fatalf("after %d pages: %d bytes kept", i+1, c.bytes)
		}
	}
	if _, ok := c.get("/vinh-danh?before=1999", "t"); !ok {
		t.Fatal("the newest page is not kept")
	}
	if len(c.pages) >= 2000 {
		t.Fatalf("%d pages kept: the byte bound never applied", len(c.pages))
	}
}
