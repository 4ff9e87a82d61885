// Package emulation holds mass-mobilisation models (mô hình) and exemplars (điển hình) of
// the "Dân vận khéo" movement: registration, progress reports, requests for support,
// mid-year review, assessment in a yearly round, recognition, replication.
//
// Vocabulary: Model = mô hình (collective) or điển hình (Kind exemplar: a person or a
// group, named in Holder); Field = lĩnh vực (kinh tế; văn hóa – xã hội; quốc phòng – an
// ninh; xây dựng hệ thống chính trị); Report = báo cáo tiến độ, or sơ kết (KindReview);
// Support = đề nghị hỗ trợ, routed to the upper unit (the parent of the model's unit) and
// answered there; CriteriaSet = bộ tiêu chí (per year and level, weights summing to
// 100%, a scoring scale); Round = đợt bình xét held by a committee; Candidate = mô hình đề
// nghị bình xét; Score = phiếu chấm điểm of one assessor (người chấm); Level = cấp công
// nhận (cơ sở, cấp trên, tỉnh/trung ương, toàn quốc); Reward = hình thức khen thưởng
// (giấy khen, bằng khen…); Replica = mô hình nhân rộng (ReplicaOf links to the original).
//
// Life: draft → registered → approved → implementing → reviewed (sơ kết) → assessed →
// recognised → replicated, or stopped (with the reason) from any state. Transitions are
// checked here; every change is audited in its transaction.
//
// Rights along the tree: ViewModel on the model's unit to see it; RegisterModel to draft,
// register, report and ask for support; ApproveModel to approve, stop, answer support
// requests routed to one's unit, and decide rounds; AssessModel to score — never one's
// own model. Administrators (ManageSystem) define criteria sets.
//
// Discovery reads model_rollup: counts per (ancestor unit, field, state), updated in the
// same transaction as each change, so a page for the whole tree reads a few rows per unit.
package emulation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Service holds the model rules and SQL.
type Service struct {
	DB     *sqldb.DB
	Files  *attach.Store
	honour honourCache
}

// NewService returns the models service.
func NewService(db *sqldb.DB) *Service { return &Service{DB: db} }

// Kinds of record.
const (
	KindModel    = "model"    // mô hình
	KindExemplar = "exemplar" // điển hình
)

// KindLabel is the Vietnamese name of a kind.
func KindLabel(k string) string {
	if k == KindExemplar {
		return "Điển hình"
	}
	return "Mô hình"
}

// Field is a lĩnh vực.
type Field struct{ Key, Label string }

// Fields are the four fields of the movement.
var Fields = []Field{
	{"kinh-te", "Kinh tế"},
	{"van-hoa-xa-hoi", "Văn hóa – xã hội"},
	{"quoc-phong-an-ninh", "Quốc phòng – an ninh"},
	{"xay-dung-htct", "Xây dựng hệ thống chính trị"},
}

// FieldLabel names a field.
func FieldLabel(k string) string {
	for _, f := range Fields {
		if f.Key == k {
			return f.Label
		}
	}
	return k
}

func validField(k string) bool {
	for _, f := range Fields {
		if f.Key == k {
			return true
		}
	}
	return false
}

// State of a model.
type State string

const (
	Draft        State = "draft"
	Registered   State = "registered"
	Approved     State = "approved"
	Implementing State = "implementing"
	Reviewed     State = "reviewed"
	Assessed     State = "assessed"
	Recognised   State = "recognised"
	Replicated   State = "replicated"
	Stopped      State = "stopped"
)

// States in the order of the life of a model.
var States = []State{Draft, Registered, Approved, Implementing, Reviewed, Assessed, Recognised, Replicated, Stopped}

// Label is the state's Vietnamese name.
func (s State) Label() string {
	switch s {
	case Draft:
		return "Bản nháp"
	case Registered:
		return "Đã đăng ký, chờ duyệt"
	case Approved:
		return "Đã duyệt"
	case Implementing:
		return "Đang thực hiện"
	case Reviewed:
		return "Đã sơ kết"
	case Assessed:
		return "Đã chấm điểm"
	case Recognised:
		return "Được công nhận"
	case Replicated:
		return "Đã nhân rộng"
	case Stopped:
		return "Dừng thực hiện"
	}
	return string(s)
}

// Badge is the CSS state of the badge of a model state.
func (s State) Badge() string {
	switch s {
	case Recognised, Replicated:
		return "on-time"
	case Stopped:
		return "closed"
	case Registered, Assessed:
		return "due-soon"
	}
	return "none"
}

// inProgress are the states watched for reports (a model stuck 90 days is flagged).
func (s State) inProgress() bool {
	return s == Approved || s == Implementing || s == Reviewed || s == Assessed
}

// Honoured reports whether the state puts the model on the public honour board.
func (s State) Honoured() bool { return s == Recognised || s == Replicated }

// Level is a level of recognition.
type Level struct{ Key, Label string }

// Levels of recognition, lowest first.
var Levels = []Level{
	{"co-so", "Cấp cơ sở"},
	{"cap-tren", "Đảng ủy cấp trên"},
	{"tinh", "Cấp tỉnh / Trung ương"},
	{"quoc-gia", "Toàn quốc"},
}

// LevelLabel names a level.
func LevelLabel(k string) string {
	for _, l := range Levels {
		if l.Key == k {
			return l.Label
		}
	}
	return k
}

func validLevel(k string) bool {
	for _, l := range Levels {
		if l.Key == k {
			return true
		}
	}
	return false
}

// Rewards are the usual forms of reward; the list is open.
var Rewards = []string{"Giấy khen", "Bằng khen", "Giấy chứng nhận", "Cờ thi đua"}

// Model is a mô hình or điển hình.
type Model struct {
	ID             int64
	Kind           string
	UnitID         int64
	UnitPath       string
	UnitName       string
	Name           string
	Holder         string
	Field          string
	Year           int
	Problem        string
	Goals          string
	Criteria       string
	Methods        string
	Area           string
	Beneficiaries  string
	LeadForce      string
	Partners       string
	Resources      string
	StartsOn       string
	EndsOn         string
	Outputs        string
	Story          string
	State          State
	ReplicaOf      int64
	StopReason     string
	Level          string
	Reward         string
	Decision       string
	RecognisedYear int
	RecognisedAt   string
	PhotoID        int64
	LastReportAt   string
	WatchAt        string
	OwnerPerson    int64
	CreatedBy      int64
	CreatedAt      string
	UpdatedAt      string
}

// KindLabel, FieldLabel, LevelLabel for templates.
func (m Model) KindLabel() string  { return KindLabel(m.Kind) }
func (m Model) FieldLabel() string { return FieldLabel(m.Field) }
func (m Model) LevelLabel() string { return LevelLabel(m.Level) }

const modelCols = `m.id, m.kind, m.unit_id, m.unit_path, un.name, m.name, m.holder, m.field, m.year, m.problem, m.goals, m.criteria, m.methods, m.area,
 m.beneficiaries, m.lead_force, m.partners, m.resources, m.starts_on, m.ends_on, m.outputs, m.story, m.state, COALESCE(m.replica_of, 0), m.stop_reason,
 m.level, m.reward, m.decision, m.recognised_year, m.recognised_at, COALESCE(m.photo_id, 0), m.last_report_at, m.watch_at, COALESCE(m.owner_person, 0),
 COALESCE(m.created_by, 0), m.created_at, m.updated_at`
const modelFrom = ` FROM models m JOIN units un ON un.id = m.unit_id`

func scanModel(sc interface{ Scan(...any) error }, m *Model) error {
	return sc.Scan(&m.ID, &m.Kind, &m.UnitID, &m.UnitPath, &m.UnitName, &m.Name, &m.Holder, &m.Field, &m.Year, &m.Problem, &m.Goals, &m.Criteria, &m.Methods, &m.Area,
		&m.Beneficiaries, &m.LeadForce, &m.Partners, &m.Resources, &m.StartsOn, &m.EndsOn, &m.Outputs, &m.Story, &m.State, &m.ReplicaOf, &m.StopReason,
		&m.Level, &m.Reward, &m.Decision, &m.RecognisedYear, &m.RecognisedAt, &m.PhotoID, &m.LastReportAt, &m.WatchAt, &m.OwnerPerson,
		&m.CreatedBy, &m.CreatedAt, &m.UpdatedAt)
}

// Input is the registration form of a model.
type Input struct {
	Kind          string
	Name          string
	Holder        string
	Field         string
	UnitID        int64
	Year          int
	Problem       string
	Goals         string
	Criteria      string
	Methods       string
	Area          string
	Beneficiaries string
	LeadForce     string
	Partners      string
	Resources     string
	StartsOn      string // YYYY-MM-DD
	EndsOn        string
	Outputs       string
	Story         string
	ReplicaOf     int64
	// Register submits the model at once (draft → registered); the registration fields
	// are then all required.
	Register bool
	Photos   []attach.Upload
	Files    []attach.Upload
}

// Limits.
const (
	MaxName = 300
	MaxText = 20000
)

func notFound(op string) error {
	return apperr.New(apperr.NotFound, op, "Không tìm thấy mô hình.")
}

func wrapNF(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(op)
	}
	return apperr.Wrap(op, err)
}

func conflict(op, msg string) error { return apperr.New(apperr.Conflict, op, msg) }

func forbidden(op, msg string) error { return apperr.New(apperr.Forbidden, op, msg) }

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// cleanText trims and bounds a long text field.
func cleanText(s string, field, label string, v *apperr.Validation) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if utf8.RuneCountInString(s) > MaxText {
		v.Add(field, label+" tối đa 20.000 ký tự.")
	}
	return s
}

func (s *Service) validate(ctx context.Context, tx *sqldb.Tx, p *org.Principal, in *Input, v *apperr.Validation) org.Unit {
	in.Name = search.Clean(in.Name)
	in.Holder = search.Clean(in.Holder)
	if in.Kind != KindExemplar {
		in.Kind = KindModel
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		v.Add("name", "Hãy nhập tên mô hình, điển hình.")
	case n > MaxName:
		v.Add("name", "Tên tối đa 300 ký tự.")
	}
	if in.Kind == KindExemplar && in.Holder == "" {
		v.Add("holder", "Điển hình cần ghi tên cá nhân hoặc tập thể được nêu gương.")
	}
	if !validField(in.Field) {
		v.Add("field", "Hãy chọn lĩnh vực.")
	}
	now := tx.Now()
	if in.Year < 2000 || in.Year > now.Year()+1 {
		v.Add("year", fmt.Sprintf("Năm đăng ký phải từ 2000 đến %d.", now.Year()+1))
	}
	var u org.Unit
	if in.UnitID == 0 {
		v.Add("unit_id", "Hãy chọn đơn vị thực hiện.")
	} else {
		var err error
		u, err = org.GetUnit(ctx, tx, in.UnitID)
		if err != nil || !p.CanPath(org.RegisterModel, u.Path) {
			v.Add("unit_id", "Bạn không có quyền đăng ký mô hình cho đơn vị này.")
		} else if !u.Active() {
			v.Add("unit_id", "Đơn vị này đã giải thể hoặc sáp nhập.")
		}
	}
	texts := []struct {
		dst          *string
		field, label string
		required     bool
	}{
		{&in.Problem, "problem", "Vấn đề cần giải quyết", true},
		{&in.Goals, "goals", "Mục tiêu", true},
		{&in.Criteria, "criteria", "Tiêu chí đo lường", true},
		{&in.Methods, "methods", "Cách làm, giải pháp", true},
		{&in.Area, "area", "Địa bàn, phạm vi", true},
		{&in.Beneficiaries, "beneficiaries", "Đối tượng thụ hưởng", true},
		{&in.LeadForce, "lead_force", "Lực lượng chủ trì", true},
		{&in.Partners, "partners", "Lực lượng phối hợp", false},
		{&in.Resources, "resources", "Nguồn lực", false},
		{&in.Outputs, "outputs", "Kết quả dự kiến", true},
		{&in.Story, "story", "Câu chuyện", false},
	}
	for _, t := range texts {
		*t.dst = cleanText(*t.dst, t.field, t.label, v)
		if in.Register && t.required && *t.dst == "" {
			v.Add(t.field, "Khi đăng ký cần ghi mục “"+t.label+"”.")
		}
	}
	for _, d := range []struct {
		dst   *string
		field string
	}{{&in.StartsOn, "starts_on"}, {&in.EndsOn, "ends_on"}} {
		*d.dst = strings.TrimSpace(*d.dst)
		if *d.dst != "" && !org.ValidDate(*d.dst) {
			v.Add(d.field, "Ngày không hợp lệ (dd/mm/yyyy).")
		}
	}
	if in.Register && (in.StartsOn == "" || in.EndsOn == "") {
		v.Add("starts_on", "Khi đăng ký cần ghi thời gian thực hiện (từ ngày, đến ngày).")
	}
	if in.StartsOn != "" && in.EndsOn != "" && in.EndsOn < in.StartsOn {
		v.Add("ends_on", "Ngày kết thúc phải sau ngày bắt đầu.")
	}
	if in.ReplicaOf != 0 {
		var st State
		var path string
		err := tx.QueryRowContext(ctx, `SELECT state, unit_path FROM models WHERE id = ?`, in.ReplicaOf).Scan(&st, &path)
		switch {
		case err != nil || (!st.Honoured() && !p.CanPath(org.ViewModel, path)):
			v.Add("replica_of", "Không tìm thấy mô hình được nhân rộng.")
		case !st.Honoured():
			v.Add("replica_of", "Chỉ nhân rộng mô hình đã được công nhận.")
		case u.Path != "" && u.Path == path:
			v.Add("replica_of", "Mô hình nhân rộng phải ở đơn vị khác với mô hình gốc.")
		}
	}
	if s.Files != nil {
		for _, ph := range in.Photos {
			if _, err := s.Files.Check(ph, attach.Images); err != nil {
				v.Add("photos", photoMessage(s.Files, ph))
			}
		}
		for _, f := range in.Files {
			if _, err := s.Files.Check(f, attach.Office); err != nil {
				v.Add("files", apperr.MessageOf(err))
			}
		}
	}
	return u
}

// photoMessage explains why a photo is refused, in the words of a photo.
func photoMessage(st *attach.Store, u attach.Upload) string {
	max := st.MaxSize
	if max <= 0 {
		max = attach.DefaultMaxSize
	}
	name := u.Name
	if int64(len(u.Data)) > max {
		return fmt.Sprintf("Ảnh \"%s\" nặng %s MB, vượt giới hạn %d MB mỗi ảnh. Hãy giảm kích thước ảnh rồi gửi lại.", name, mb(int64(len(u.Data))), max>>20)
	}
	if len(u.Data) == 0 {
		return fmt.Sprintf("Ảnh \"%s\" rỗng.", name)
	}
	return fmt.Sprintf("Tệp \"%s\" không phải là ảnh (chỉ nhận JPG, PNG, WEBP, GIF; nội dung tệp được kiểm tra, không dựa vào tên tệp).", name)
}

func mb(n int64) string {
	return strings.Replace(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".", ",", 1)
}

// Create saves a new model as a draft, or registered when in.Register. Errors: Invalid.
func (s *Service) Create(ctx context.Context, p *org.Principal, in Input) (Model, error) {
	if p.IsZero() {
		return Model{}, apperr.New(apperr.Unauthorized, "emulation.Create", "")
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var v apperr.Validation
		u := s.validate(ctx, tx, p, &in, &v)
		if err := v.Err(); err != nil {
			return err
		}
		now := sqldb.FormatTime(tx.Now())
		st := Draft
		if in.Register {
			st = Registered
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO models (kind, unit_id, unit_path, name, name_fold, holder, field, year, problem, goals, criteria, methods, area,
			beneficiaries, lead_force, partners, resources, starts_on, ends_on, outputs, story, state, replica_of, owner_person, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Kind, u.ID, u.Path, in.Name, search.Fold(in.Name+" "+in.Holder), in.Holder, in.Field, in.Year, in.Problem, in.Goals, in.Criteria, in.Methods, in.Area,
			in.Beneficiaries, in.LeadForce, in.Partners, in.Resources, in.StartsOn, in.EndsOn, in.Outputs, in.Story, string(st), nullID(in.ReplicaOf),
			nullID(p.PersonID), nullID(p.UserID), now, now)
		if err != nil {
			return apperr.Wrap("emulation.Create", err)
		}
		if err := bump(ctx, tx, u.Path, in.Year, in.Field, st, 1); err != nil {
			return err
		}
		if err := s.saveUploads(ctx, tx, id, in.Photos, in.Files); err != nil {
			return err
		}
		summary := "Tạo " + strings.ToLower(KindLabel(in.Kind)) + " " + in.Name
		if in.Register {
			summary = "Đăng ký " + strings.ToLower(KindLabel(in.Kind)) + " " + in.Name
		}
		if in.ReplicaOf != 0 {
			summary += " (nhân rộng từ mô hình số " + itoa(in.ReplicaOf) + ")"
			if err := s.markReplicated(ctx, tx, in.ReplicaOf, id, u); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "model", EntityID: id, Action: "create", Summary: summary,
			After: map[string]any{"name": in.Name, "kind": in.Kind, "field": in.Field, "year": in.Year, "state": st, "replica_of": in.ReplicaOf}})
	})
	if err != nil {
		return Model{}, err
	}
	if in.ReplicaOf != 0 {
		s.forgetHonour()
	}
	return s.Get(ctx, p, id)
}

// markReplicated moves a recognised original to "replicated" when a replica is made.
func (s *Service) markReplicated(ctx context.Context, tx *sqldb.Tx, originalID, replicaID int64, to org.Unit) error {
	orig, err := loadModel(ctx, tx, originalID)
	if err != nil {
		return err
	}
	if orig.State == Recognised {
		if err := setState(ctx, tx, orig, Replicated, ""); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, audit.Entry{UnitID: orig.UnitID, Entity: "model", EntityID: orig.ID, Action: "replicate",
		Summary: "Nhân rộng mô hình " + orig.Name + " sang " + to.Name, After: map[string]any{"replica_id": replicaID, "unit_id": to.ID}})
}

func (s *Service) saveUploads(ctx context.Context, tx *sqldb.Tx, modelID int64, photos, files []attach.Upload) error {
	if s.Files == nil {
		if len(photos)+len(files) > 0 {
			return apperr.New(apperr.Internal, "emulation.saveUploads", "Chưa cấu hình nơi lưu tệp.")
		}
		return nil
	}
	for _, ph := range photos {
		f, err := s.Files.Save(ctx, tx, OwnerPhoto, modelID, ph, attach.Images)
		if err != nil {
			return &apperr.Error{Kind: apperr.Invalid, Op: "emulation.photo", Message: "Ảnh chưa hợp lệ.", Fields: map[string]string{"photos": photoMessage(s.Files, ph)}}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE models SET photo_id = ? WHERE id = ? AND photo_id IS NULL`, f.ID, modelID); err != nil {
			return apperr.Wrap("emulation.saveUploads", err)
		}
	}
	for _, fl := range files {
		if _, err := s.Files.Save(ctx, tx, OwnerFile, modelID, fl, attach.Office); err != nil {
			return err
		}
	}
	return nil
}

// Owner types of attachments. Photos of models on the honour board are public; the
// other files are seen by those who may see the model.
const (
	OwnerPhoto  = "model_photo"
	OwnerFile   = "model_file"
	OwnerReport = "model_report"
)

// AddFiles attaches photos and files to a model. Errors: NotFound, Forbidden, Invalid.
func (s *Service) AddFiles(ctx context.Context, p *org.Principal, id int64, photos, files []attach.Upload) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		m, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !p.CanPath(org.RegisterModel, m.UnitPath) && !p.CanPath(org.ApproveModel, m.UnitPath) {
			return forbidden("emulation.AddFiles", "Bạn không có quyền thêm ảnh, tệp cho mô hình này.")
		}
		var v apperr.Validation
		if len(photos)+len(files) == 0 {
			v.Add("photos", "Hãy chọn ít nhất một ảnh hoặc tệp.")
		}
		for _, ph := range photos {
			if _, err := s.Files.Check(ph, attach.Images); err != nil {
				v.Add("photos", photoMessage(s.Files, ph))
			}
		}
		for _, f := range files {
			if _, err := s.Files.Check(f, attach.Office); err != nil {
				v.Add("files", apperr.MessageOf(err))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := s.saveUploads(ctx, tx, id, photos, files); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: m.UnitID, Entity: "model", EntityID: id, Action: "files",
			Summary: fmt.Sprintf("Thêm %d ảnh, %d tệp cho %s", len(photos), len(files), m.Name)})
	})
}

// Update changes the registration of a model still in draft or registered.
// Errors: NotFound, Forbidden, Conflict (past registration), Invalid.
func (s *Service) Update(ctx context.Context, p *org.Principal, id int64, in Input) (Model, error) {
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		m, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !p.CanPath(org.RegisterModel, m.UnitPath) {
			return forbidden("emulation.Update", "Bạn không có quyền sửa mô hình này.")
		}
		if m.State != Draft && m.State != Registered {
			return conflict("emulation.Update", "Chỉ sửa được mô hình khi còn là bản nháp hoặc đang chờ duyệt.")
		}
		in.Register = m.State == Registered
		in.ReplicaOf = m.ReplicaOf
		in.UnitID = m.UnitID
		var v apperr.Validation
		s.validateNoReplica(ctx, tx, p, &in, &v)
		if err := v.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE models SET kind = ?, name = ?, name_fold = ?, holder = ?, field = ?, year = ?, problem = ?, goals = ?, criteria = ?, methods = ?, area = ?,
			beneficiaries = ?, lead_force = ?, partners = ?, resources = ?, starts_on = ?, ends_on = ?, outputs = ?, story = ?, updated_at = ? WHERE id = ?`,
			in.Kind, in.Name, search.Fold(in.Name+" "+in.Holder), in.Holder, in.Field, in.Year, in.Problem, in.Goals, in.Criteria, in.Methods, in.Area,
			in.Beneficiaries, in.LeadForce, in.Partners, in.Resources, in.StartsOn, in.EndsOn, in.Outputs, in.Story, sqldb.FormatTime(tx.Now()), id)
		if err != nil {
			return apperr.Wrap("emulation.Update", err)
		}
		if in.Field != m.Field || in.Year != m.Year {
			if err := bump(ctx, tx, m.UnitPath, m.Year, m.Field, m.State, -1); err != nil {
				return err
			}
			if err := bump(ctx, tx, m.UnitPath, in.Year, in.Field, m.State, 1); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: m.UnitID, Entity: "model", EntityID: id, Action: "update", Summary: "Sửa thông tin " + in.Name,
			Before: map[string]any{"name": m.Name, "field": m.Field, "year": m.Year}, After: map[string]any{"name": in.Name, "field": in.Field, "year": in.Year}})
	})
	if err != nil {
		return Model{}, err
	}
	return s.Get(ctx, p, id)
}

func (s *Service) validateNoReplica(ctx context.Context, tx *sqldb.Tx, p *org.Principal, in *Input, v *apperr.Validation) {
	replica := in.ReplicaOf
	in.ReplicaOf = 0
	s.validate(ctx, tx, p, in, v)
	in.ReplicaOf = replica
}

// load reads a model the principal may see; NotFound otherwise (also outside their reach).
func (s *Service) load(ctx context.Context, q sqldb.Querier, p *org.Principal, id int64) (Model, error) {
	m, err := loadModel(ctx, q, id)
	if err != nil {
		return Model{}, err
	}
	if !p.CanPath(org.ViewModel, m.UnitPath) {
		return Model{}, notFound("emulation.load")
	}
	return m, nil
}

func loadModel(ctx context.Context, q sqldb.Querier, id int64) (Model, error) {
	var m Model
	if err := scanModel(q.QueryRowContext(ctx, `SELECT `+modelCols+modelFrom+` WHERE m.id = ?`, id), &m); err != nil {
		return Model{}, wrapNF("emulation.load", err)
	}
	return m, nil
}

// Get returns a model the principal may see. Errors: NotFound.
func (s *Service) Get(ctx context.Context, p *org.Principal, id int64) (Model, error) {
	return s.load(ctx, s.DB, p, id)
}

// Filter selects models in a list.
type Filter struct {
	Query    string
	Field    string
	State    State
	Year     int
	UnitPath string // narrower subtree
	BeforeID int64  // keyset: models with id < BeforeID
	Limit    int
}

// List returns the models the principal may see, newest first, and the cursor of the
// next page (0 when none).
func (s *Service) List(ctx context.Context, p *org.Principal, f Filter) ([]Model, int64, error) {
	if p.IsZero() {
		return nil, 0, nil
	}
	scope := p.Scope(org.ViewModel)
	col := "m.unit_path"
	if s.DB.Dialect() == sqldb.SQLite && f.UnitPath == "" && s.inScope(ctx, scope) > denseScope {
		// A large reach (an upper committee): walking the ids newest first and checking the
		// path finds a page after a few rows, where the path index would read and sort the
		// whole subtree. SQLite's unary + keeps the planner off the path index.
		col = "+m.unit_path"
	}
	cond, args := scope.SQL(col)
	where := []string{cond}
	if f.UnitPath != "" {
		where = append(where, "m.unit_path >= ? AND m.unit_path < ?")
		args = append(args, f.UnitPath, sqldb.PathEnd(f.UnitPath))
	}
	if q := search.LikePattern(f.Query); q != "" {
		where = append(where, `m.name_fold LIKE ? ESCAPE '\'`)
		args = append(args, q)
	}
	if f.Field != "" {
		where = append(where, "m.field = ?")
		args = append(args, f.Field)
	}
	if f.State != "" {
		where = append(where, "m.state = ?")
		args = append(args, string(f.State))
	}
	if f.Year != 0 {
		where = append(where, "m.year = ?")
		args = append(args, f.Year)
	}
	if f.BeforeID > 0 {
		where = append(where, "m.id < ?")
		args = append(args, f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+modelCols+modelFrom+` WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY m.id DESC LIMIT %d`, f.Limit+1), args...)
	if err != nil {
		return nil, 0, apperr.Wrap("emulation.List", err)
	}
	defer rows.Close()
	var out []Model
	for rows.Next() {
		var m Model
		if err := scanModel(rows, &m); err != nil {
			return nil, 0, apperr.Wrap("emulation.List", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, apperr.Wrap("emulation.List", err)
	}
	var next int64
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// denseScope is the number of models in a reach above which lists walk ids rather than paths.
const denseScope = 2000

// inScope counts the models of a reach from the rollup (one indexed read per top unit).
func (s *Service) inScope(ctx context.Context, sc org.Scope) int {
	total := 0
	for _, path := range sc.Paths {
		ids := org.PathIDs(path)
		if len(ids) == 0 {
			continue
		}
		var n int
		_ = s.DB.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM model_counts WHERE unit_id = ?`, ids[len(ids)-1]).Scan(&n)
		total += n
	}
	return total
}

// bump adds delta to the rollup counts of (year, field, state) for every unit on path.
func bump(ctx context.Context, tx *sqldb.Tx, path string, year int, field string, st State, delta int) error {
	ids := org.PathIDs(path)
	if len(ids) == 0 {
		return nil
	}
	var sb strings.Builder
	args := make([]any, 0, len(ids)*4)
	sb.WriteString(`INSERT INTO model_rollup (unit_id, year, field, state, n) VALUES `)
	for i, id := range ids {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, id, year, field, string(st), delta)
	}
	sb.WriteString(` ON CONFLICT (unit_id, year, field, state) DO UPDATE SET n = model_rollup.n + excluded.n`)
	if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
		return apperr.Wrap("emulation.bump", err)
	}
	sb.Reset()
	args = args[:0]
	sb.WriteString(`INSERT INTO model_counts (unit_id, field, state, n) VALUES `)
	for i, id := range ids {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?)")
		args = append(args, id, field, string(st), delta)
	}
	sb.WriteString(` ON CONFLICT (unit_id, field, state) DO UPDATE SET n = model_counts.n + excluded.n`)
	_, err := tx.ExecContext(ctx, sb.String(), args...)
	return apperr.Wrap("emulation.bump", err)
}

// setState moves a model to st, keeping the rollup and the watch time in step. extraSet
// is appended to the SET clause (already bound values only).
func setState(ctx context.Context, tx *sqldb.Tx, m Model, st State, extraSet string, extraArgs ...any) error {
	now := sqldb.FormatTime(tx.Now())
	path, was, err := lockWatch(ctx, tx, m.ID)
	if err != nil {
		return err
	}
	watch := ""
	if st.inProgress() {
		watch = was
		if watch == "" {
			watch = now
		}
	}
	q := `UPDATE models SET state = ?, watch_at = ?, honoured = ?, updated_at = ?` + extraSet + ` WHERE id = ? AND state = ?`
	args := append([]any{string(st), watch, st.Honoured(), now}, extraArgs...)
	args = append(args, m.ID, string(m.State))
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return apperr.Wrap("emulation.setState", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return conflict("emulation.setState", "Mô hình vừa được người khác cập nhật; hãy tải lại trang.")
	}
	if err := countWatch(ctx, tx, path, was, watch); err != nil {
		return err
	}
	if err := bump(ctx, tx, m.UnitPath, m.Year, m.Field, m.State, -1); err != nil {
		return err
	}
	return bump(ctx, tx, m.UnitPath, m.Year, m.Field, st, 1)
}

// Action is a step of the life of a model taken from its page.
type Action string

const (
	ActSubmit  Action = "submit"  // draft → registered
	ActApprove Action = "approve" // registered → approved
	ActReturn  Action = "return"  // registered → draft, with a note
	ActStart   Action = "start"   // approved → implementing
	ActStop    Action = "stop"    // any → stopped, with the reason
)

type transition struct {
	from  []State
	to    State
	right org.Action
	label string
}

var transitions = map[Action]transition{
	ActSubmit:  {[]State{Draft}, Registered, org.RegisterModel, "đăng ký"},
	ActApprove: {[]State{Registered}, Approved, org.ApproveModel, "duyệt"},
	ActReturn:  {[]State{Registered}, Draft, org.ApproveModel, "trả lại"},
	ActStart:   {[]State{Approved}, Implementing, org.RegisterModel, "bắt đầu thực hiện"},
	ActStop:    {[]State{Draft, Registered, Approved, Implementing, Reviewed, Assessed, Recognised, Replicated}, Stopped, org.ApproveModel, "dừng"},
}

// Can reports whether the principal may take the action on the model now.
func (s *Service) Can(p *org.Principal, m Model, a Action) bool {
	t, ok := transitions[a]
	if !ok || !p.CanPath(t.right, m.UnitPath) {
		return false
	}
	for _, f := range t.from {
		if f == m.State {
			return true
		}
	}
	return false
}

// Do takes a step of the life of a model. note is the reason of a stop or of a return
// (required for those). Errors: NotFound, Forbidden, Conflict (not from this state),
// Invalid (missing reason, incomplete registration).
func (s *Service) Do(ctx context.Context, p *org.Principal, id int64, a Action, note string) (Model, error) {
	t, ok := transitions[a]
	if !ok {
		return Model{}, apperr.New(apperr.Invalid, "emulation.Do", "Thao tác không hợp lệ.")
	}
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		m, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !p.CanPath(t.right, m.UnitPath) {
			return forbidden("emulation.Do", "Bạn không có quyền "+t.label+" mô hình này.")
		}
		allowed := false
		for _, f := range t.from {
			allowed = allowed || f == m.State
		}
		if !allowed {
			return conflict("emulation.Do", fmt.Sprintf("Không thể %s khi mô hình đang ở trạng thái “%s”.", t.label, m.State.Label()))
		}
		note = search.Clean(note)
		if (a == ActStop || a == ActReturn) && note == "" {
			field := "reason"
			return &apperr.Error{Kind: apperr.Invalid, Op: "emulation.Do", Message: "Cần ghi lý do.", Fields: map[string]string{field: "Hãy ghi lý do " + t.label + "."}}
		}
		if a == ActSubmit {
			in := inputOf(m)
			in.Register = true
			var v apperr.Validation
			s.validateNoReplica(ctx, tx, p, &in, &v)
			if err := v.Err(); err != nil {
				return &apperr.Error{Kind: apperr.Invalid, Op: "emulation.Do", Message: "Chưa đủ thông tin để đăng ký: " + firstMessage(err), Fields: apperr.FieldsOf(err)}
			}
		}
		extra, args := "", []any{}
		if a == ActStop {
			extra, args = ", stop_reason = ?", []any{note}
		}
		if err := setState(ctx, tx, m, t.to, extra, args...); err != nil {
			return err
		}
		summary := map[Action]string{ActSubmit: "Đăng ký", ActApprove: "Duyệt", ActReturn: "Trả lại để bổ sung", ActStart: "Bắt đầu thực hiện", ActStop: "Dừng thực hiện"}[a] + " " + strings.ToLower(m.KindLabel()) + " " + m.Name
		if note != "" {
			summary += ": " + note
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: m.UnitID, Entity: "model", EntityID: id, Action: string(a), Summary: summary,
			Before: map[string]any{"state": m.State}, After: map[string]any{"state": t.to, "note": note}})
	})
	if err != nil {
		return Model{}, err
	}
	return s.Get(ctx, p, id)
}

func firstMessage(err error) string {
	for _, v := range apperr.FieldsOf(err) {
		return v
	}
	return apperr.MessageOf(err)
}

func inputOf(m Model) Input {
	return Input{Kind: m.Kind, Name: m.Name, Holder: m.Holder, Field: m.Field, UnitID: m.UnitID, Year: m.Year, Problem: m.Problem, Goals: m.Goals,
		Criteria: m.Criteria, Methods: m.Methods, Area: m.Area, Beneficiaries: m.Beneficiaries, LeadForce: m.LeadForce, Partners: m.Partners,
		Resources: m.Resources, StartsOn: m.StartsOn, EndsOn: m.EndsOn, Outputs: m.Outputs, Story: m.Story, ReplicaOf: m.ReplicaOf}
}

// InputOf returns the form values of a model (for editing and for a replica's form).
func InputOf(m Model) Input { return inputOf(m) }

// Rights is what the principal may do on a model, for the pages.
type Rights struct {
	Edit, Submit, Approve, Return, Start, Stop, Report, Review, Files, Propose, Replicate bool
}

// RightsOn returns the principal's rights on a model.
func (s *Service) RightsOn(p *org.Principal, m Model) Rights {
	reg := p.CanPath(org.RegisterModel, m.UnitPath)
	r := Rights{
		Edit:    reg && (m.State == Draft || m.State == Registered),
		Submit:  s.Can(p, m, ActSubmit),
		Approve: s.Can(p, m, ActApprove),
		Return:  s.Can(p, m, ActReturn),
		Start:   s.Can(p, m, ActStart),
		Stop:    s.Can(p, m, ActStop),
		Report:  reg && (m.State == Approved || m.State.inProgress() || m.State.Honoured()),
		Review:  reg && m.State == Implementing,
		Files:   reg || p.CanPath(org.ApproveModel, m.UnitPath),
		Propose: (reg || p.CanPath(org.ApproveModel, m.UnitPath)) && (m.State == Reviewed || m.State == Assessed),
	}
	r.Replicate = m.State.Honoured() && p.CanAnywhere(org.RegisterModel)
	return r
}

// Files returns the photos and the other files of a model.
func (s *Service) Attachments(ctx context.Context, m Model) (photos, files []attach.File, err error) {
	if s.Files == nil {
		return nil, nil, nil
	}
	if photos, err = s.Files.List(ctx, s.DB, OwnerPhoto, m.ID); err != nil {
		return nil, nil, err
	}
	files, err = s.Files.List(ctx, s.DB, OwnerFile, m.ID)
	return photos, files, err
}

// CanSeeFile answers the download check of the web layer for an owner type: photos of a
// model on the honour board are public; everything else needs the right to see the model.
func (s *Service) CanSeeFile(ctx context.Context, p *org.Principal, ownerType string, ownerID int64) bool {
	modelID := ownerID
	if ownerType == OwnerReport {
		if err := s.DB.QueryRowContext(ctx, `SELECT model_id FROM model_reports WHERE id = ?`, ownerID).Scan(&modelID); err != nil {
			return false
		}
	}
	var path string
	var honoured bool
	if err := s.DB.QueryRowContext(ctx, `SELECT unit_path, honoured FROM models WHERE id = ?`, modelID).Scan(&path, &honoured); err != nil {
		return false
	}
	if ownerType == OwnerPhoto && honoured {
		return true
	}
	return p.CanPath(org.ViewModel, path)
}

// Replicas returns the tree of replicas of a model (the model first, then its replicas,
// their replicas…), at most 500 nodes. Everyone who sees the root sees the spread, with
// unit names (the honour board shows the same).
func (s *Service) Replicas(ctx context.Context, rootID int64) ([]Node, error) {
	var out []Node
	frontier := []int64{rootID}
	depth := 0
	seen := map[int64]bool{}
	for len(frontier) > 0 && len(out) < 500 && depth < 20 {
		args := make([]any, len(frontier))
		for i, id := range frontier {
			args[i] = id
		}
		col := "m.replica_of"
		if depth == 0 {
			col = "m.id"
		}
		rows, err := s.DB.QueryContext(ctx, `SELECT m.id, COALESCE(m.replica_of, 0), m.name, un.name, m.state, m.year`+modelFrom+` WHERE `+col+` IN (`+sqldb.Placeholders(len(args))+`) ORDER BY m.id LIMIT 500`, args...)
		if err != nil {
			return nil, apperr.Wrap("emulation.Replicas", err)
		}
		frontier = frontier[:0]
		for rows.Next() {
			var n Node
			if err := rows.Scan(&n.ID, &n.ParentID, &n.Name, &n.UnitName, &n.State, &n.Year); err != nil {
				rows.Close()
				return nil, apperr.Wrap("emulation.Replicas", err)
			}
			if seen[n.ID] {
				continue
			}
			seen[n.ID] = true
			n.Depth = depth
			if depth == 0 {
				n.ParentID = 0
			}
			out = append(out, n)
			frontier = append(frontier, n.ID)
		}
		rows.Close()
		depth++
	}
	return out, nil
}

// Node is a model in a replication tree.
type Node struct {
	ID       int64
	ParentID int64
	Name     string
	UnitName string
	State    State
	Year     int
	Depth    int
}

// Origin returns the first model of the replication chain of m (m itself when it copies
// nothing), following replica_of links.
func (s *Service) Origin(ctx context.Context, m Model) (int64, error) {
	id, parent := m.ID, m.ReplicaOf
	for i := 0; parent != 0 && i < 50; i++ {
		id = parent
		if err := s.DB.QueryRowContext(ctx, `SELECT COALESCE(replica_of, 0) FROM models WHERE id = ?`, id).Scan(&parent); err != nil {
			return 0, wrapNF("emulation.Origin", err)
		}
	}
	return id, nil
}

// Name returns the name and unit of a model, without rights (links to originals).
func (s *Service) Name(ctx context.Context, id int64) (name, unit string, honoured bool, err error) {
	err = s.DB.QueryRowContext(ctx, `SELECT m.name, un.name, m.honoured`+modelFrom+` WHERE m.id = ?`, id).Scan(&name, &unit, &honoured)
	return name, unit, honoured, wrapNF("emulation.Name", err)
}
