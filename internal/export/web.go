package export

import (
	"net/http"
	"strings"

	"danvan/internal/search"
)

// Content types of the files this package writes.
const (
	ContentTypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	ContentTypePDF  = "application/pdf"
	ContentTypeHTML = "text/html; charset=utf-8"
)

// ContentDisposition returns a Content-Disposition header value that makes the browser
// save the file under filename (RFC 6266): an ASCII fallback without marks for old
// clients ("ke hoach 12-kh-du.docx") and the Vietnamese name in filename* (RFC 5987).
func ContentDisposition(filename string) string {
	return disposition("attachment", filename)
}

// InlineDisposition is ContentDisposition for a file the browser shows itself (a PDF).
func InlineDisposition(filename string) string {
	return disposition("inline", filename)
}

func disposition(kind, filename string) string {
	name := strings.TrimSpace(clean(filename))
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == '\n' || r == '\t' {
			return '-'
		}
		return r
	}, name)
	if name == "" {
		name = "tai-lieu"
	}
	return kind + `; filename="` + asciiName(name) + `"; filename*=UTF-8''` + attrEncode(name)
}

// attrEncode percent-encodes s for an RFC 5987 ext-value: every byte but attr-char.
func attrEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// asciiName folds the marks away (search.Fold) and keeps only characters that are safe
// inside a quoted header value.
func asciiName(name string) string {
	var b strings.Builder
	for _, r := range search.Fold(name) {
		switch {
		case r == '"' || r == '\\' || r == '%' || r == ';':
			b.WriteByte('_')
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Attach sets the headers of a download: type, disposition, no sniffing, no shared caching.
// Call it before writing the body.
func Attach(w http.ResponseWriter, contentType, filename string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", ContentDisposition(filename))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
}
