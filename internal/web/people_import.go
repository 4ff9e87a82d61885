package web

import (
	"bytes"
	"io"
	"net/http"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/org/peopleimport"
)

// The import of people from .xlsx: GET shows the form and the template link, POST checks
// every row and writes all of them or none. A 1,000-row file takes well under a second
// (measured in peopleimport's tests), so the import runs inside the request; the result
// page shows how many rows were checked and written, with a meter, and every bad row with
// its reason.

type importPage struct {
	Page
	Done      bool
	Rows      int
	Created   int
	Positions int
	Problems  []peopleimport.Problem
}

func (s *Server) peopleImportRoutes() {
	s.handle("GET /people/import", s.peopleImportForm)
	s.handle("GET /people/import/template.xlsx", s.peopleImportTemplate)
	s.handle("POST /people/import", s.peopleImport)
}

func (s *Server) importPageFor(r *http.Request) importPage {
	return importPage{Page: s.page(r, "Nhập danh sách từ Excel", "org", Crumb{Label: "Tổ chức", Href: "/units"},
		Crumb{Label: "Cán bộ, đảng viên", Href: "/people"}, Crumb{Label: "Nhập từ Excel"})}
}

func (s *Server) importer() *peopleimport.Service { return &peopleimport.Service{DB: s.DB} }

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
	units, err := s.importer().TemplateUnits(r.Context(), p)
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
	res, err := s.importer().Import(ctx, p, data, hdr.Filename)
	if err != nil {
		return fail(err)
	}
	pg.Done, pg.Rows, pg.Created, pg.Positions, pg.Problems = true, res.Rows, res.Created, res.Positions, res.Problems
	status := http.StatusOK
	if len(res.Problems) > 0 {
		status = http.StatusUnprocessableEntity
		pg.ErrorMsg = "Tệp có dòng chưa hợp lệ; chưa nhập dòng nào. Sửa các dòng dưới đây rồi tải lên lại."
	}
	return s.render(w, r, status, "org/people_import", pg)
}
