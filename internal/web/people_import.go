package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/org/peopleimport"
	"danvan/internal/sqldb"
)

// The import of people from .xlsx: GET shows the form and the template link; POST stores
// the upload as a run and redirects to the run's page, which shows the progress
// (reloading itself every second while the run works, without JavaScript) and then the
// bad rows with their reasons, or the summary. The run works in the background of this
// instance; its progress lives in the database (see peopleimport's runs.go for why).

type importPage struct {
	Page
}

type importRunPage struct {
	Page
	Run  peopleimport.Run
	Auto bool // the page reloads itself while the run works
}

func (s *Server) peopleImportRoutes() {
	s.handle("GET /people/import", s.peopleImportForm)
	s.handle("GET /people/import/template.xlsx", s.peopleImportTemplate)
	s.handle("POST /people/import", s.peopleImport)
	// Not /people/import/{id}: that would clash with /people/{id}/edit in the mux.
	s.handle("GET /people/import/runs/{id}", s.peopleImportRun)
}

func (s *Server) importPageFor(r *http.Request) importPage {
	return importPage{Page: s.page(r, "Nhập danh sách từ Excel", "org", Crumb{Label: "Tổ chức", Href: "/units"},
		Crumb{Label: "Cán bộ, đảng viên", Href: "/people"}, Crumb{Label: "Nhập từ Excel"})}
}

func (s *Server) peopleImportForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(org.ManagePerson) {
		return apperr.New(apperr.Forbidden, "web.peopleImportForm", "Bạn không có quyền thêm người vào đơn vị nào.")
	}
	return s.render(w, r, http.StatusOK, "org/people_import", s.importPageFor(r))
}

func (s *Server) peopleImportTemplate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	units, err := s.Imports.TemplateUnits(r.Context(), p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := peopleimport.Template(&buf, units); err != nil {
		return apperr.Wrap("web.peopleImportTemplate", err)
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="mau-nhap-can-bo.xlsx"`)
	_, err = w.Write(buf.Bytes())
	return err
}

func (s *Server) peopleImport(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(org.ManagePerson) {
		return apperr.New(apperr.Forbidden, "web.peopleImport", "Bạn không có quyền thêm người vào đơn vị nào.")
	}
	pg := s.importPageFor(r)
	fail := func(err error) error {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		withFormError(&pg.Page, r, err)
		pg.Errors = map[string]string{"file": apperr.MessageOf(err)}
		return s.render(w, r, http.StatusUnprocessableEntity, "org/people_import", pg)
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return fail(err)
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return fail(apperr.New(apperr.Invalid, "web.peopleImport", "Vui lòng chọn tệp Excel (.xlsx) để nhập."))
	}
	defer f.Close()
	if hdr.Size > peopleimport.MaxFileBytes {
		return fail(apperr.New(apperr.Invalid, "web.peopleImport", "Tệp quá lớn (tối đa 5 MB)."))
	}
	data, err := io.ReadAll(io.LimitReader(f, peopleimport.MaxFileBytes+1))
	if err != nil {
		return fail(apperr.New(apperr.Invalid, "web.peopleImport", "Không đọc được tệp tải lên."))
	}
	nonce := r.PostForm.Get("form_nonce")
	id, err := s.Imports.Create(ctx, p, hdr.Filename, data, nonce)
	if errors.Is(err, sqldb.ErrDuplicateSubmit) {
		// The same form sent twice: show the run the first submit started.
		if first, ferr := s.Imports.RunByNonce(r.Context(), p, nonce); ferr == nil {
			id, err = first, nil
		}
	} else if err == nil {
		s.Imports.Start(p, id)
	}
	if err != nil {
		return fail(err)
	}
	http.Redirect(w, r, "/people/import/runs/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) peopleImportRun(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	run, err := s.Imports.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := importRunPage{Page: s.page(r, "Nhập danh sách từ Excel", "org", Crumb{Label: "Tổ chức", Href: "/units"},
		Crumb{Label: "Cán bộ, đảng viên", Href: "/people"}, Crumb{Label: "Nhập từ Excel", Href: "/people/import"}, Crumb{Label: run.FileName}), Run: run,
		Auto: r.URL.Query().Get("tu-dong") != "0"}
	if run.Live() {
		w.Header().Set("Cache-Control", "no-store")
		// The page reloads itself every second while the run works, without JavaScript:
		// the Refresh header does what <meta http-equiv="refresh"> does in every browser.
		// A page that changes on its own is a hurdle for screen-reader users (WCAG 2.2.1,
		// axe-core's meta-refresh rule), so the page offers to stop it (?tu-dong=0: a
		// stable page with a "Cập nhật ngay" link); a run lasts seconds in any case.
		if pg.Auto {
			w.Header().Set("Refresh", "1")
		}
	}
	return s.render(w, r, http.StatusOK, "org/people_import_run", pg)
}
