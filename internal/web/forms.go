package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/auth"
	"danvan/internal/sqldb"
)

// MaxFormBytes bounds an ordinary form; uploads use MaxUploadBytes.
const (
	MaxFormBytes   = 2 << 20
	MaxUploadBytes = 32 << 20
)

const (
	sessionUserKey  = auth.SessionUserKey
	sessionFlashKey = "flashes"
)

func newNonce() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var errFormTooLarge = apperr.New(apperr.Invalid, "web.parseForm", "Dữ liệu gửi lên quá lớn.")

// parseForm reads a bounded urlencoded or multipart form, rejects malformed UTF-8 and
// returns a context carrying the form's one-time nonce: the first transaction made with
// that context claims it, so a double submit makes one change.
func parseForm(w http.ResponseWriter, r *http.Request) (context.Context, error) {
	limit := int64(MaxFormBytes)
	multipart := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
	if multipart {
		limit = MaxUploadBytes
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var err error
	if multipart {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errFormTooLarge
		}
		return nil, apperr.New(apperr.Invalid, "web.parseForm", "Không đọc được dữ liệu biểu mẫu.")
	}
	// PostgreSQL refuses NUL and invalid UTF-8 in text; r.Form holds copies of the values.
	for _, form := range []url.Values{r.PostForm, r.Form} {
		for _, vs := range form {
			for i, v := range vs {
				vs[i] = cleanText(v)
			}
		}
	}
	return sqldb.WithFormNonce(r.Context(), r.PostForm.Get("form_nonce")), nil
}

// formInt reads an integer field; 0 when empty or malformed.
func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	return n
}

// pathID reads a numeric path parameter; a bad id is a 404.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, errNotFound
	}
	return n, nil
}

// ParseDateVN reads a date typed as dd/mm/yyyy (or yyyy-mm-dd from a date input) and
// returns it as YYYY-MM-DD; ok is false when it is not a real date.
func ParseDateVN(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	var d, m, y int
	if strings.Contains(s, "/") {
		parts := strings.Split(s, "/")
		if len(parts) != 3 {
			return "", false
		}
		var err1, err2, err3 error
		d, err1 = strconv.Atoi(parts[0])
		m, err2 = strconv.Atoi(parts[1])
		y, err3 = strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil || err3 != nil {
			return "", false
		}
	} else {
		parts := strings.Split(s, "-")
		if len(parts) != 3 {
			return "", false
		}
		var err1, err2, err3 error
		y, err1 = strconv.Atoi(parts[0])
		m, err2 = strconv.Atoi(parts[1])
		d, err3 = strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil || err3 != nil {
			return "", false
		}
	}
	out := strconv.Itoa(y) + "-" + pad2(m) + "-" + pad2(d)
	if y < 1900 || y > 2200 || !validYMD(out) {
		return "", false
	}
	return out, true
}

func pad2(n int) string {
	if n < 10 && n >= 0 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// flash stores a one-time message for the next page.
func (s *Server) flash(r *http.Request, kind, msg string) {
	list, _ := s.sessions.Get(r.Context(), sessionFlashKey).([]string)
	s.sessions.Put(r.Context(), sessionFlashKey, append(list, kind+"|"+msg))
}

func (s *Server) popFlashes(r *http.Request) []Flash {
	if !s.sessions.Exists(r.Context(), sessionFlashKey) {
		return nil
	}
	list, _ := s.sessions.Pop(r.Context(), sessionFlashKey).([]string)
	out := make([]Flash, 0, len(list))
	for _, f := range list {
		k, m, _ := strings.Cut(f, "|")
		out = append(out, Flash{Kind: k, Message: m})
	}
	return out
}

// uploads reads the files of a multipart field (shared by every domain's forms). A file
// over the attachment limit is refused here with its name and size under the field, before
// it is read into memory; the store checks the type by content.
func uploads(r *http.Request, field string) ([]attach.Upload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []attach.Upload
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		if fh.Size > attach.DefaultMaxSize {
			return nil, &apperr.Error{Kind: apperr.Invalid, Op: "web.uploads", Message: "Ảnh hoặc tệp quá lớn.",
				Fields: map[string]string{field: "Tệp \"" + fh.Filename + "\" nặng " + strconv.FormatInt(fh.Size>>20, 10) + " MB, vượt giới hạn 10 MB mỗi tệp. Hãy giảm kích thước rồi gửi lại."}}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, apperr.New(apperr.Invalid, "web.uploads", "Không đọc được tệp tải lên.")
		}
		b, err := io.ReadAll(io.LimitReader(f, attach.DefaultMaxSize+1))
		f.Close()
		if err != nil {
			return nil, apperr.New(apperr.Invalid, "web.uploads", "Không đọc được tệp tải lên.")
		}
		out = append(out, attach.Upload{Name: fh.Filename, Data: b})
	}
	return out, nil
}

// formPage gives the shared Page of any page struct that embeds it (the method is
// promoted to a pointer to the struct), so finishForm can put the messages on it.
func (p *Page) formPage() *Page { return p }

// finishForm ends a form POST the same way everywhere: an Invalid error re-renders view
// (the page rebuilt by rebuild) with a message under each field and status 422; any other
// error goes up to the error page; success redirects to `to` with the flash msg.
func finishForm[P any, PP interface {
	*P
	formPage() *Page
}](s *Server, w http.ResponseWriter, r *http.Request, err error, view string, rebuild func() (P, error), to, msg string) error {
	if apperr.KindOf(err) == apperr.Invalid {
		pg, perr := rebuild()
		if perr != nil {
			return perr
		}
		withFormError(PP(&pg).formPage(), r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, view, pg)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, to, "success", msg)
}

// builtPage is finishForm's rebuild for a handler that built its page before the change
// (to check access, or because the change needs what the page loaded): the same page.
func builtPage[P any](pg P) func() (P, error) { return func() (P, error) { return pg, nil } }
