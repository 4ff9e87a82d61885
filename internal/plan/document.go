package plan

import (
	"context"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/plan/notation"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// DocKinds are the usual types of governing documents; the list is open.
var DocKinds = []string{"Nghị quyết", "Quy định", "Quyết định", "Chỉ thị", "Kết luận", "Chương trình hành động", "Kế hoạch",
	"Hướng dẫn", "Quy chế", "Thông báo", "Luật", "Nghị định", "Thông tư", "Công văn"}

// kindOfType is the usual type name of a type code, to prefill the form.
var kindOfType = map[string]string{"NQ": "Nghị quyết", "QĐi": "Quy định", "QĐ": "Quyết định", "CT": "Chỉ thị", "KL": "Kết luận",
	"CTr": "Chương trình hành động", "KH": "Kế hoạch", "HD": "Hướng dẫn", "QC": "Quy chế", "TB": "Thông báo", "NĐ": "Nghị định", "TT": "Thông tư"}

// KindOfType returns the usual document type for a type code, "" when unknown.
func KindOfType(code string) string { return kindOfType[code] }

// Link kinds between documents: from_id <kind> to_id.
const (
	LinkConcretises = "concretises" // cụ thể hóa
	LinkReplaces    = "replaces"    // thay thế
	LinkGuides      = "guides"      // hướng dẫn thực hiện
)

// LinkKinds lists the link kinds in display order.
var LinkKinds = []string{LinkConcretises, LinkReplaces, LinkGuides}

// LinkLabel is the link in words, from the linking document's side ("cụ thể hóa") or
// the linked one's ("được cụ thể hóa bởi").
func LinkLabel(kind string, incoming bool) string {
	switch kind {
	case LinkConcretises:
		if incoming {
			return "Được cụ thể hóa bởi"
		}
		return "Cụ thể hóa"
	case LinkReplaces:
		if incoming {
			return "Bị thay thế bởi"
		}
		return "Thay thế"
	case LinkGuides:
		if incoming {
			return "Được hướng dẫn bởi"
		}
		return "Hướng dẫn thực hiện"
	}
	return kind
}

// Document is a governing document.
type Document struct {
	ID          int64
	Notation    string // "04-NQ/ĐUK"
	Display     string // "Số 04-NQ/ĐUK"
	Form        notation.Form
	TypeCode    string
	Kind        string
	Issuer      string
	IssuedOn    string
	Title       string
	Summary     string
	InForce     bool
	ReplacedBy  int64
	UnitID      int64
	UnitPath    string
	UnitName    string
	CreatedAt   string
	UpdatedAt   string
	Links       []Link // filled by Document
	ReplacedRef *DocRef
}

// DocRef names a document briefly.
type DocRef struct {
	ID       int64
	Notation string
	Kind     string
	Title    string
	IssuedOn string
	InForce  bool
}

// Label is "Nghị quyết 04-NQ/ĐUK".
func (d DocRef) Label() string { return d.Kind + " " + d.Notation }

// Label is "Nghị quyết 04-NQ/ĐUK".
func (d Document) Label() string { return d.Kind + " " + d.Notation }

// Ref returns the brief reference of d.
func (d Document) Ref() DocRef {
	return DocRef{ID: d.ID, Notation: d.Notation, Kind: d.Kind, Title: d.Title, IssuedOn: d.IssuedOn, InForce: d.InForce}
}

// Link is a link seen from one document.
type Link struct {
	ID       int64
	Kind     string
	Incoming bool // the other document links to this one
	Other    DocRef
}

// Label is the link in words from this document's side.
func (l Link) Label() string { return LinkLabel(l.Kind, l.Incoming) }

// DocumentInput is the form of a document.
type DocumentInput struct {
	Notation string
	Kind     string
	Issuer   string
	IssuedOn string // YYYY-MM-DD
	Title    string
	Summary  string
	InForce  bool
	UnitID   int64 // keeping unit
}

// NotationMessage explains in Vietnamese why a notation was refused.
func NotationMessage(err error) string {
	switch err {
	case notation.ErrEmpty:
		return "Hãy nhập số, ký hiệu văn bản, ví dụ 04-NQ/ĐUK hoặc 12/QĐ-UBND."
	case notation.ErrNoNumber:
		return "Số, ký hiệu phải bắt đầu bằng số văn bản, ví dụ 04-NQ/ĐUK hoặc 12/QĐ-UBND."
	case notation.ErrNoIssuer:
		return "Thiếu cơ quan ban hành trong số, ký hiệu: văn bản của Đảng viết 04-NQ/ĐUK, văn bản nhà nước viết 12/QĐ-UBND."
	case notation.ErrBadChar:
		return "Số, ký hiệu chỉ gồm chữ, số và các dấu - / . (ví dụ 04-NQ/ĐUK)."
	case notation.ErrTooLong:
		return "Số, ký hiệu quá dài (tối đa 80 ký tự)."
	}
	return "Không đọc được số, ký hiệu văn bản."
}

func (s *Service) validateDocument(ctx context.Context, q sqldb.Querier, p *org.Principal, in *DocumentInput, v *apperr.Validation) (notation.Notation, org.Unit) {
	n, err := notation.Parse(in.Notation)
	if err != nil {
		v.Add("notation", NotationMessage(err))
	}
	in.Kind = search.Clean(in.Kind)
	in.Issuer = search.Clean(in.Issuer)
	in.Title = search.Clean(in.Title)
	in.Summary = search.Clean(in.Summary)
	if in.Kind == "" && err == nil {
		in.Kind = KindOfType(n.Type)
	}
	if in.Kind == "" {
		v.Add("kind", "Hãy chọn loại văn bản.")
	} else if utf8.RuneCountInString(in.Kind) > 80 {
		v.Add("kind", "Loại văn bản tối đa 80 ký tự.")
	}
	if in.Issuer == "" {
		v.Add("issuer", "Hãy nhập cơ quan ban hành, ví dụ Ban Chấp hành Trung ương.")
	} else if utf8.RuneCountInString(in.Issuer) > 200 {
		v.Add("issuer", "Cơ quan ban hành tối đa 200 ký tự.")
	}
	if in.IssuedOn == "" {
		v.Add("issued_on", "Hãy nhập ngày ban hành (dd/mm/yyyy).")
	} else if !validDate(in.IssuedOn) {
		v.Add("issued_on", "Ngày ban hành không hợp lệ; nhập theo dạng dd/mm/yyyy.")
	} else if n.Year != 0 && in.IssuedOn[:4] != itoa(int64(n.Year)) {
		v.Add("issued_on", "Năm ban hành khác với năm trong số, ký hiệu ("+itoa(int64(n.Year))+").")
	}
	if in.Title == "" {
		v.Add("title", "Hãy nhập trích yếu (tên) văn bản.")
	} else if utf8.RuneCountInString(in.Title) > 500 {
		v.Add("title", "Trích yếu tối đa 500 ký tự.")
	}
	if utf8.RuneCountInString(in.Summary) > 20000 {
		v.Add("summary", "Tóm tắt tối đa 20.000 ký tự.")
	}
	var u org.Unit
	if in.UnitID == 0 {
		v.Add("unit_id", "Hãy chọn đơn vị quản lý văn bản.")
	} else {
		u, err = org.GetUnit(ctx, q, in.UnitID)
		if err != nil || !p.CanPath(org.ManagePlan, u.Path) {
			v.Add("unit_id", "Bạn không có quyền quản lý văn bản của đơn vị này.")
		}
	}
	return n, u
}

func docSearchText(n notation.Notation, in DocumentInput) string {
	return search.Fold(in.Kind + " " + n.String() + " " + n.Key() + " " + in.Title + " " + in.Issuer + " " + in.Summary)
}

// CreateDocument registers a document. Errors: Invalid (per field; a notation already
// registered for that year is refused on "notation").
func (s *Service) CreateDocument(ctx context.Context, p *org.Principal, in DocumentInput) (Document, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var v apperr.Validation
		n, u := s.validateDocument(ctx, tx, p, &in, &v)
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.checkUniqueNotation(ctx, tx, n, in.IssuedOn, 0); err != nil {
			return err
		}
		now := sqldb.FormatTime(tx.Now())
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO gov_documents (notation, notation_key, form, type_code, kind, issuer, issued_on, issued_year, title, summary, in_force, search_fold, unit_id, unit_path, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			n.String(), n.Key(), string(n.Form), n.Type, in.Kind, in.Issuer, in.IssuedOn, yearOf(in.IssuedOn), in.Title, in.Summary, in.InForce,
			docSearchText(n, in), u.ID, u.Path, nullID(p.UserID), now, now)
		if err != nil {
			return apperr.Wrap("plan.CreateDocument", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "document", EntityID: id, Action: "create",
			Summary: "Đăng ký văn bản " + in.Kind + " " + n.String(), After: in})
	})
	if err != nil {
		return Document{}, err
	}
	return s.Document(ctx, p, id)
}

func yearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y := 0
	for _, c := range date[:4] {
		y = y*10 + int(c-'0')
	}
	return y
}

func (s *Service) checkUniqueNotation(ctx context.Context, q sqldb.Querier, n notation.Notation, issuedOn string, except int64) error {
	var other int64
	err := q.QueryRowContext(ctx, `SELECT id FROM gov_documents WHERE notation_key = ? AND issued_year = ? AND id <> ?`, n.Key(), yearOf(issuedOn), except).Scan(&other)
	if err == nil {
		return &apperr.Error{Kind: apperr.Invalid, Op: "plan.document", Message: "Dữ liệu chưa hợp lệ.",
			Fields: map[string]string{"notation": "Văn bản số " + n.String() + " năm " + issuedOn[:4] + " đã có trong danh mục."}}
	}
	return nil
}

// UpdateDocument changes a document. Errors: NotFound, Invalid.
func (s *Service) UpdateDocument(ctx context.Context, p *org.Principal, id int64, in DocumentInput) (Document, error) {
	before, err := s.Document(ctx, p, id)
	if err != nil {
		return Document{}, err
	}
	if !p.CanPath(org.ManagePlan, before.UnitPath) {
		return Document{}, apperr.New(apperr.Forbidden, "plan.UpdateDocument", "Bạn không có quyền sửa văn bản này.")
	}
	err = s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var v apperr.Validation
		n, u := s.validateDocument(ctx, tx, p, &in, &v)
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.checkUniqueNotation(ctx, tx, n, in.IssuedOn, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE gov_documents SET notation = ?, notation_key = ?, form = ?, type_code = ?, kind = ?, issuer = ?, issued_on = ?, issued_year = ?, title = ?, summary = ?, in_force = ?, search_fold = ?, unit_id = ?, unit_path = ?, updated_at = ? WHERE id = ?`,
			n.String(), n.Key(), string(n.Form), n.Type, in.Kind, in.Issuer, in.IssuedOn, yearOf(in.IssuedOn), in.Title, in.Summary, in.InForce, docSearchText(n, in), u.ID, u.Path, sqldb.FormatTime(tx.Now()), id)
		if err != nil {
			return apperr.Wrap("plan.UpdateDocument", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "document", EntityID: id, Action: "update",
			Summary: "Sửa văn bản " + in.Kind + " " + n.String(), Before: before.Ref(), After: in})
	})
	if err != nil {
		return Document{}, err
	}
	return s.Document(ctx, p, id)
}

const docCols = `d.id, d.notation, d.form, d.type_code, d.kind, d.issuer, d.issued_on, d.title, d.summary, d.in_force, COALESCE(d.replaced_by, 0), d.unit_id, d.unit_path, un.name, d.created_at, d.updated_at`

func scanDoc(sc interface{ Scan(...any) error }, d *Document) error {
	err := sc.Scan(&d.ID, &d.Notation, &d.Form, &d.TypeCode, &d.Kind, &d.Issuer, &d.IssuedOn, &d.Title, &d.Summary, &d.InForce, &d.ReplacedBy, &d.UnitID, &d.UnitPath, &d.UnitName, &d.CreatedAt, &d.UpdatedAt)
	if err == nil {
		if n, perr := notation.Parse(d.Notation); perr == nil {
			d.Display = n.Display()
		} else {
			d.Display = d.Notation
		}
	}
	return err
}

// Document returns a document with its links both ways. Any signed-in user may read it.
// Errors: NotFound.
func (s *Service) Document(ctx context.Context, p *org.Principal, id int64) (Document, error) {
	if p.IsZero() {
		return Document{}, notFound("plan.Document")
	}
	var d Document
	err := scanDoc(s.DB.QueryRowContext(ctx, `SELECT `+docCols+` FROM gov_documents d JOIN units un ON un.id = d.unit_id WHERE d.id = ?`, id), &d)
	if err != nil {
		return Document{}, wrapNF("plan.Document", err)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT l.id, l.kind, 0, o.id, o.notation, o.kind, o.title, o.issued_on, o.in_force FROM gov_document_links l JOIN gov_documents o ON o.id = l.to_id WHERE l.from_id = ?
		UNION ALL SELECT l.id, l.kind, 1, o.id, o.notation, o.kind, o.title, o.issued_on, o.in_force FROM gov_document_links l JOIN gov_documents o ON o.id = l.from_id WHERE l.to_id = ?
		ORDER BY 3, 2, 8`, id, id)
	if err != nil {
		return Document{}, apperr.Wrap("plan.Document", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l Link
		var in int
		if err := rows.Scan(&l.ID, &l.Kind, &in, &l.Other.ID, &l.Other.Notation, &l.Other.Kind, &l.Other.Title, &l.Other.IssuedOn, &l.Other.InForce); err != nil {
			return Document{}, apperr.Wrap("plan.Document", err)
		}
		l.Incoming = in == 1
		d.Links = append(d.Links, l)
		if l.Incoming && l.Kind == LinkReplaces && d.ReplacedRef == nil {
			o := l.Other
			d.ReplacedRef = &o
		}
	}
	return d, apperr.Wrap("plan.Document", rows.Err())
}

// DocFilter selects documents.
type DocFilter struct {
	Query   string // words or a notation, with or without diacritics
	Kind    string
	Year    int
	InForce string // "1" in force, "0" no longer, "" all
	After   string // cursor "issued_on|id" of the last row of the previous page
	Limit   int
}

// DocPage is one page of documents.
type DocPage struct {
	Docs []Document
	Next string // cursor of the next page, "" at the end
}

// FindDocuments lists documents, newest first. "04-NQ/DUK", "4-nq/đuk" and "nghi quyet 25"
// find what they mean. Any signed-in user may search.
func (s *Service) FindDocuments(ctx context.Context, p *org.Principal, f DocFilter) (DocPage, error) {
	if p.IsZero() {
		return DocPage{}, nil
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var where []string
	var args []any
	if q := strings.TrimSpace(f.Query); q != "" {
		cond := []string{}
		if key := notation.KeyOf(q); key != "" {
			cond = append(cond, "d.notation_key = ?")
			args = append(args, key)
		}
		if pat := search.LikePattern(q); pat != "" {
			cond = append(cond, `d.search_fold LIKE ? ESCAPE '\'`)
			args = append(args, pat)
		}
		if len(cond) > 0 {
			where = append(where, "("+strings.Join(cond, " OR ")+")")
		}
	}
	if f.Kind != "" {
		where = append(where, "d.kind = ?")
		args = append(args, f.Kind)
	}
	if f.Year > 0 {
		where = append(where, "d.issued_year = ?")
		args = append(args, f.Year)
	}
	switch f.InForce {
	case "1":
		where = append(where, "d.in_force = TRUE")
	case "0":
		where = append(where, "d.in_force = FALSE")
	}
	if date, ids, ok := strings.Cut(f.After, "|"); ok && validDate(date) {
		if id := idList([]string{ids}); len(id) == 1 {
			where = append(where, "(d.issued_on < ? OR (d.issued_on = ? AND d.id < ?))")
			args = append(args, date, date, id[0])
		}
	}
	q := `SELECT ` + docCols + ` FROM gov_documents d JOIN units un ON un.id = d.unit_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY d.issued_on DESC, d.id DESC LIMIT " + itoa(int64(f.Limit+1))
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return DocPage{}, apperr.Wrap("plan.FindDocuments", err)
	}
	defer rows.Close()
	var out DocPage
	for rows.Next() {
		var d Document
		if err := scanDoc(rows, &d); err != nil {
			return DocPage{}, apperr.Wrap("plan.FindDocuments", err)
		}
		out.Docs = append(out.Docs, d)
	}
	if len(out.Docs) > f.Limit {
		out.Docs = out.Docs[:f.Limit]
		last := out.Docs[len(out.Docs)-1]
		out.Next = last.IssuedOn + "|" + itoa(last.ID)
	}
	return out, apperr.Wrap("plan.FindDocuments", rows.Err())
}

// AllDocuments returns brief references of every document (for pickers), newest first.
func (s *Service) AllDocuments(ctx context.Context, p *org.Principal, limit int) ([]DocRef, error) {
	if p.IsZero() {
		return nil, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, notation, kind, title, issued_on, in_force FROM gov_documents ORDER BY issued_on DESC, id DESC LIMIT `+itoa(int64(limit)))
	if err != nil {
		return nil, apperr.Wrap("plan.AllDocuments", err)
	}
	defer rows.Close()
	var out []DocRef
	for rows.Next() {
		var d DocRef
		if err := rows.Scan(&d.ID, &d.Notation, &d.Kind, &d.Title, &d.IssuedOn, &d.InForce); err != nil {
			return nil, apperr.Wrap("plan.AllDocuments", err)
		}
		out = append(out, d)
	}
	return out, apperr.Wrap("plan.AllDocuments", rows.Err())
}

// AddLink records that document from <kind> document to. A "replaces" link also marks the
// replaced document as no longer in force. Errors: NotFound, Forbidden, Invalid.
func (s *Service) AddLink(ctx context.Context, p *org.Principal, from, to int64, kind string) error {
	src, err := s.Document(ctx, p, from)
	if err != nil {
		return err
	}
	if !p.CanPath(org.ManagePlan, src.UnitPath) {
		return apperr.New(apperr.Forbidden, "plan.AddLink", "Bạn không có quyền sửa văn bản này.")
	}
	var v apperr.Validation
	known := false
	for _, k := range LinkKinds {
		known = known || k == kind
	}
	if !known {
		v.Add("kind", "Hãy chọn loại liên kết.")
	}
	dst, err := s.Document(ctx, p, to)
	if err != nil {
		v.Add("to_id", "Hãy chọn văn bản được liên kết.")
	} else if to == from {
		v.Add("to_id", "Một văn bản không thể liên kết với chính nó.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO gov_document_links (from_id, to_id, kind, created_at) VALUES (?, ?, ?, ?)`, from, to, kind, sqldb.FormatTime(tx.Now()))
		if sqldb.IsUniqueViolation(err) {
			return &apperr.Error{Kind: apperr.Invalid, Op: "plan.AddLink", Message: "Liên kết này đã có.", Fields: map[string]string{"to_id": "Liên kết này đã có."}}
		}
		if err != nil {
			return apperr.Wrap("plan.AddLink", err)
		}
		if kind == LinkReplaces {
			if _, err := tx.ExecContext(ctx, `UPDATE gov_documents SET in_force = FALSE, replaced_by = ?, updated_at = ? WHERE id = ?`, from, sqldb.FormatTime(tx.Now()), to); err != nil {
				return apperr.Wrap("plan.AddLink", err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: src.UnitID, Entity: "document", EntityID: from, Action: "link",
			Summary: src.Label() + " " + strings.ToLower(LinkLabel(kind, false)) + " " + dst.Label(), After: map[string]any{"to": to, "kind": kind}})
	})
}

// RemoveLink deletes a link made from a document the principal keeps. Errors: NotFound, Forbidden.
func (s *Service) RemoveLink(ctx context.Context, p *org.Principal, linkID int64) error {
	var from, to int64
	var kind string
	if err := s.DB.QueryRowContext(ctx, `SELECT from_id, to_id, kind FROM gov_document_links WHERE id = ?`, linkID).Scan(&from, &to, &kind); err != nil {
		return wrapNF("plan.RemoveLink", err)
	}
	src, err := s.Document(ctx, p, from)
	if err != nil {
		return err
	}
	if !p.CanPath(org.ManagePlan, src.UnitPath) {
		return apperr.New(apperr.Forbidden, "plan.RemoveLink", "Bạn không có quyền sửa văn bản này.")
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM gov_document_links WHERE id = ?`, linkID); err != nil {
			return apperr.Wrap("plan.RemoveLink", err)
		}
		if kind == LinkReplaces {
			if _, err := tx.ExecContext(ctx, `UPDATE gov_documents SET replaced_by = NULL, in_force = TRUE, updated_at = ? WHERE id = ? AND replaced_by = ?`, sqldb.FormatTime(tx.Now()), to, from); err != nil {
				return apperr.Wrap("plan.RemoveLink", err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: src.UnitID, Entity: "document", EntityID: from, Action: "unlink",
			Summary: "Bỏ liên kết " + strings.ToLower(LinkLabel(kind, false)) + " của " + src.Label(), Before: map[string]any{"to": to, "kind": kind}})
	})
}

// CanEditDocument reports whether p keeps the document.
func CanEditDocument(p *org.Principal, d Document) bool { return p.CanPath(org.ManagePlan, d.UnitPath) }

// AttachDocumentFiles stores files (the text of the document) on a document kept by p.
// Errors: Forbidden, Invalid.
func (s *Service) AttachDocumentFiles(ctx context.Context, p *org.Principal, d Document, files []attach.Upload, store *attach.Store) error {
	if !CanEditDocument(p, d) {
		return apperr.New(apperr.Forbidden, "plan.AttachDocumentFiles", "Bạn không có quyền sửa văn bản này.")
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var names []string
		for _, f := range files {
			saved, err := store.Save(ctx, tx, "document", d.ID, f, attach.Office)
			if err != nil {
				return err
			}
			names = append(names, saved.Name)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "document", EntityID: d.ID, Action: "file",
			Summary: "Đính kèm tệp vào " + d.Label() + ": " + strings.Join(names, ", "), After: names})
	})
}
