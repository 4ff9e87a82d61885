package org

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Position titles (chức vụ). Stored as codes; the list is open: unknown codes display as is.
var PositionTitles = []struct{ Code, Label string }{
	{"bi-thu", "Bí thư"},
	{"pho-bi-thu", "Phó Bí thư"},
	{"uy-vien-btv", "Ủy viên Ban Thường vụ"},
	{"cap-uy-vien", "Cấp ủy viên"},
	{"dang-vien", "Đảng viên"},
	{"thu-truong", "Thủ trưởng cơ quan"},
	{"pho-thu-truong", "Phó Thủ trưởng cơ quan"},
	{"chu-tich-cong-doan", "Chủ tịch Công đoàn"},
	{"pho-chu-tich-cong-doan", "Phó Chủ tịch Công đoàn"},
	{"bi-thu-doan", "Bí thư Đoàn Thanh niên"},
	{"chu-tich-hoi-ccb", "Chủ tịch Hội Cựu chiến binh"},
	{"truong-ban-nu-cong", "Trưởng Ban nữ công"},
	{"truong-ban-ttnd", "Trưởng ban Thanh tra nhân dân"},
	{"truong-ban-dan-van", "Trưởng ban Dân vận"},
	{"truong-ban-chi-dao", "Trưởng ban Chỉ đạo QCDC"},
	{"uy-vien", "Ủy viên"},
	{"chanh-van-phong", "Chánh Văn phòng"},
	{"ke-toan-truong", "Kế toán trưởng"},
	{"chuyen-vien", "Chuyên viên"},
	{"can-bo", "Cán bộ, công chức"},
	{"vien-chuc", "Viên chức"},
	{"nguoi-lao-dong", "Người lao động"},
}

// PositionLabel returns the Vietnamese title for a code.
func PositionLabel(code string) string {
	for _, t := range PositionTitles {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}

func validPositionTitle(code string) bool {
	for _, t := range PositionTitles {
		if t.Code == code {
			return true
		}
	}
	return false
}

// Person is somebody in the organisation.
type Person struct {
	ID          int64
	FullName    string
	Gender      string // "nam", "nu" or ""
	BirthYear   int
	Email       string
	Phone       string
	PartyMember bool
	UnitID      int64
	UnitPath    string
	UnitName    string
	CreatedAt   string
	UpdatedAt   string
	Positions   []Position
}

// GenderLabel is the gender in Vietnamese.
func (p Person) GenderLabel() string {
	switch p.Gender {
	case "nam":
		return "Nam"
	case "nu":
		return "Nữ"
	}
	return ""
}

// Position is a title held in a unit over a period.
type Position struct {
	ID        int64
	PersonID  int64
	UnitID    int64
	UnitName  string
	Title     string
	StartDate string
	EndDate   string
}

// TitleLabel is the title in Vietnamese.
func (p Position) TitleLabel() string { return PositionLabel(p.Title) }

// Current reports whether the position is held now.
func (p Position) Current() bool { return p.EndDate == "" }

// PersonInput is the form of a person.
type PersonInput struct {
	FullName    string
	Gender      string
	BirthYear   int
	Email       string
	Phone       string
	PartyMember bool
	UnitID      int64
	// Position, optional at creation: a title held in UnitID from PositionStart.
	PositionTitle string
	PositionStart string
}

// ValidatePerson cleans in and collects field messages into v. It checks no rights and
// reads nothing, so the import can check every row before writing any.
func ValidatePerson(in *PersonInput, v *apperr.Validation, now time.Time) {
	in.FullName = strings.Join(strings.Fields(search.Clean(in.FullName)), " ")
	in.Email = strings.ToLower(search.Clean(in.Email))
	in.Phone = strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' {
			return -1
		}
		return r
	}, search.Clean(in.Phone))
	in.Gender = strings.ToLower(search.Clean(in.Gender))
	in.PositionTitle = search.Clean(in.PositionTitle)
	switch n := utf8.RuneCountInString(in.FullName); {
	case n == 0:
		v.Add("full_name", "Vui lòng nhập họ và tên.")
	case n > 120:
		v.Add("full_name", "Họ và tên dài quá 120 ký tự.")
	case strings.ContainsAny(in.FullName, "<>{}[]$#@*=/\\|"):
		v.Add("full_name", "Họ và tên chỉ gồm chữ cái và dấu cách.")
	}
	switch in.Gender {
	case "", "nam", "nu":
	case "nữ":
		in.Gender = "nu"
	default:
		v.Add("gender", "Giới tính là Nam hoặc Nữ.")
	}
	if in.BirthYear != 0 && (in.BirthYear < 1900 || in.BirthYear > now.Year()-14) {
		v.Add("birth_year", fmt.Sprintf("Năm sinh phải từ 1900 đến %d.", now.Year()-14))
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 200 {
			v.Add("email", "Địa chỉ thư điện tử không hợp lệ.")
		}
	}
	if in.Phone != "" {
		ok := len(in.Phone) >= 9 && len(in.Phone) <= 15
		for i, r := range in.Phone {
			if !(r >= '0' && r <= '9') && !(i == 0 && r == '+') {
				ok = false
			}
		}
		if !ok {
			v.Add("phone", "Số điện thoại chỉ gồm 9–15 chữ số.")
		}
	}
	if in.UnitID == 0 {
		v.Add("unit_id", "Vui lòng chọn đơn vị.")
	}
	if in.PositionTitle != "" && !validPositionTitle(in.PositionTitle) {
		v.Add("position_title", "Chức vụ không có trong danh mục.")
	}
	if in.PositionStart != "" && !ValidDate(in.PositionStart) {
		v.Add("position_start", "Ngày bắt đầu giữ chức vụ không hợp lệ.")
	}
}

const personCols = `p.id, p.full_name, p.gender, p.birth_year, p.email, p.phone, p.party_member, p.unit_id, p.unit_path, u.name, p.created_at, p.updated_at`

func scanPerson(s interface{ Scan(...any) error }, x *Person) error {
	return s.Scan(&x.ID, &x.FullName, &x.Gender, &x.BirthYear, &x.Email, &x.Phone, &x.PartyMember, &x.UnitID, &x.UnitPath, &x.UnitName, &x.CreatedAt, &x.UpdatedAt)
}

// GetPerson reads a person with positions, without a rights check.
func GetPerson(ctx context.Context, q sqldb.Querier, id int64) (Person, error) {
	var x Person
	err := scanPerson(q.QueryRowContext(ctx, `SELECT `+personCols+` FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = ?`, id), &x)
	if err != nil {
		return Person{}, notFoundOr("org.GetPerson", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT ps.id, ps.person_id, ps.unit_id, u.name, ps.title, ps.start_date, ps.end_date
		FROM positions ps JOIN units u ON u.id = ps.unit_id WHERE ps.person_id = ? ORDER BY ps.end_date = '' DESC, ps.start_date DESC, ps.id`, id)
	if err != nil {
		return Person{}, apperr.Wrap("org.GetPerson", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ps Position
		if err := rows.Scan(&ps.ID, &ps.PersonID, &ps.UnitID, &ps.UnitName, &ps.Title, &ps.StartDate, &ps.EndDate); err != nil {
			return Person{}, apperr.Wrap("org.GetPerson", err)
		}
		x.Positions = append(x.Positions, ps)
	}
	return x, apperr.Wrap("org.GetPerson", rows.Err())
}

// PersonByID returns a person the principal may view. Errors: NotFound.
func (s *Service) PersonByID(ctx context.Context, p *Principal, id int64) (Person, error) {
	x, err := GetPerson(ctx, s.DB, id)
	if err != nil {
		return Person{}, err
	}
	if !p.CanPath(ViewPerson, x.UnitPath) {
		// Someone whose home unit is above my reach but who holds a position in a unit
		// within it (the agency's deputy head acting as secretary of my chi bộ) is one of
		// "my" people: the unit page lists them, so their page must open too.
		ok, err := s.holdsPositionInReach(ctx, p, id)
		if err != nil {
			return Person{}, err
		}
		if !ok {
			return Person{}, apperr.New(apperr.NotFound, "org.PersonByID", "Không tìm thấy người này.")
		}
	}
	return x, nil
}

// holdsPositionInReach reports whether the person holds a current position in a unit
// where p may view people.
func (s *Service) holdsPositionInReach(ctx context.Context, p *Principal, personID int64) (bool, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT u.path FROM positions po JOIN units u ON u.id = po.unit_id
		WHERE po.person_id = ? AND po.end_date = ''`, personID)
	if err != nil {
		return false, apperr.Wrap("org.PersonByID", err)
	}
	defer rows.Close()
	for rows.Next() {
		var path string
		if err := rows.Scan(&path); err != nil {
			return false, apperr.Wrap("org.PersonByID", err)
		}
		if p.CanPath(ViewPerson, path) {
			return true, nil
		}
	}
	return false, apperr.Wrap("org.PersonByID", rows.Err())
}

// PeopleFilter selects people. Results are in Vietnamese name order, keyset-paginated.
type PeopleFilter struct {
	UnitID      int64  // subtree; 0 for everything in reach
	Query       string // name, without diacritics is fine
	Title       string // position code held now in the subtree
	PartyMember *bool
	After       string // opaque cursor from the previous page
	Limit       int
}

// PeoplePage is one page of people.
type PeoplePage struct {
	People []Person
	Next   string // cursor for "Trang sau", "" on the last page
}

// FindPeople lists people in the principal's reach.
func (s *Service) FindPeople(ctx context.Context, p *Principal, f PeopleFilter) (PeoplePage, error) {
	const op = "org.FindPeople"
	scope := p.Scope(ViewPerson)
	if f.UnitID != 0 {
		path, err := UnitPath(ctx, s.DB, f.UnitID)
		if err != nil || !scope.Contains(path) {
			return PeoplePage{}, apperr.New(apperr.NotFound, op, "Không tìm thấy đơn vị.")
		}
		scope = Scope{Paths: []string{path}}
	}
	// The conditions every plan applies; plans differ only in the indexes they read.
	scopeCond, scopeArgs := scope.SQL("p.unit_path")
	where, args := []string{scopeCond}, scopeArgs
	pat := search.LikePattern(f.Query)
	likeAt := -1 // index of the name condition in where
	if pat != "" {
		likeAt = len(where)
		where = append(where, `p.name_fold LIKE ? ESCAPE '\'`)
		args = append(args, pat)
	}
	if f.Title != "" {
		where = append(where, `EXISTS (SELECT 1 FROM positions ps WHERE ps.person_id = p.id AND ps.title = ? AND ps.end_date = '')`)
		args = append(args, f.Title)
	}
	if f.PartyMember != nil {
		where = append(where, `p.party_member = ?`)
		args = append(args, *f.PartyMember)
	}
	var cursorCond string
	var cursorArgs []any
	if f.After != "" {
		key, id, ok := decodeCursor(f.After)
		if !ok {
			return PeoplePage{}, apperr.New(apperr.Invalid, op, "Đường dẫn trang không hợp lệ.")
		}
		cursorCond, cursorArgs = `(p.name_key > ? OR (p.name_key = ? AND p.id > ?))`, []any{key, key, id}
		where = append(where, cursorCond)
		args = append(args, cursorArgs...)
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	run := func(from string, extra string, extraArgs []any) (PeoplePage, error) {
		w, a := where, args
		if extra != "" {
			w, a = append(slices.Clone(where), extra), append(slices.Clone(args), extraArgs...)
		}
		return s.peoplePage(ctx, from, w, a, limit)
	}

	plan := s.plan()
	sqlite := s.DB.Dialect() == sqldb.SQLite
	// byName reads people through people_name_key_path: SQLite's planner would otherwise
	// start from another index; on PostgreSQL the queries below are shaped so that the
	// index is its natural choice.
	byName := "people p" + s.DB.IndexedBy("people_name_key_path")
	switch {
	case pat == "" && sqlite && s.scopeHolds(ctx, scope, plan.WideScope):
		// SQLite: walk people in name order, filtering by path inside the index (0003).
		return run(byName, "", nil)
	case pat != "" && s.scopeHolds(ctx, scope, plan.ScanScope):
		// A name in a wide scope. First the next WalkFirst people of the scope in name
		// order, tested inside people_name_key_path (0006): a common name fills the page
		// from them in a few milliseconds. The page is right whenever it is full, because
		// those people come first in the order anyway. The name is tested on the index's
		// copy (w.name_fold) and the page cut there, so only the page's people read their
		// rows.
		inner := `SELECT p.id, p.name_key, p.name_fold FROM ` + byName + ` WHERE ` + scopeCond
		innerArgs := slices.Clone(scopeArgs)
		if cursorCond != "" {
			inner += " AND " + cursorCond
			innerArgs = append(innerArgs, cursorArgs...)
		}
		from := fmt.Sprintf(`(SELECT w.id FROM (%s ORDER BY p.name_key, p.id LIMIT %d) w WHERE w.name_fold LIKE ? ESCAPE '\' ORDER BY w.name_key, w.id LIMIT %d) m JOIN people p ON p.id = m.id`,
			inner, plan.WalkFirst, limit+1)
		innerArgs = append(innerArgs, pat)
		page, err := s.peoplePage(ctx, from, where, append(innerArgs, args...), limit)
		if err != nil || page.Next != "" {
			return page, err
		}
		// Not full: a rarer name. On SQLite, the trigram index's matches when there are
		// few, else the whole walk in name order; PostgreSQL weighs its pg_trgm index
		// with statistics and finds a rare name through it unaided.
		if !sqlite {
			return run("people p", "", nil)
		}
		narrow, nargs, err := s.nameIndex(ctx, f.Query, plan.RareName)
		if err != nil {
			return PeoplePage{}, apperr.Wrap(op, err)
		}
		if narrow != "" {
			return run("people p", narrow, nargs)
		}
		return run(byName, "", nil)
	case pat != "" && !sqlite:
		// A name in a small scope on PostgreSQL: test every name of the subtree inside
		// people_unit_path (an index-only range scan, a few milliseconds for 16.000
		// people). Left to itself the planner intersects the trigram and path indexes,
		// which costs 100 ms and more for a common name; "|| ''" keeps the trigram index
		// out. Every condition is applied inside, so the page cut there is the page.
		inWhere := slices.Clone(where)
		inWhere[likeAt] = `(p.name_fold || '') LIKE ? ESCAPE '\'`
		from := fmt.Sprintf(`(SELECT p.id FROM people p WHERE %s ORDER BY p.name_key, p.id LIMIT %d) m JOIN people p ON p.id = m.id`, strings.Join(inWhere, " AND "), limit+1)
		return s.peoplePage(ctx, from, where, append(slices.Clone(args), args...), limit)
	}
	// A name in a small scope on SQLite needs no hint: the subtree's range of
	// people_unit_path holds the folded name, so the test runs inside the index.
	return run("people p", "", nil)
}

// peoplePage runs one plan of the people list: from (the tables, with index hints) and
// the conditions, in name order, limit rows and the cursor of the next page.
func (s *Service) peoplePage(ctx context.Context, from string, where []string, args []any, limit int) (PeoplePage, error) {
	const op = "org.FindPeople"
	rows, err := s.DB.QueryPlanned(ctx, `SELECT `+personCols+`, p.name_key FROM `+from+` JOIN units u ON u.id = p.unit_id WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY p.name_key, p.id LIMIT %d`, limit+1), args...)
	if err != nil {
		return PeoplePage{}, apperr.Wrap(op, err)
	}
	defer rows.Close()
	var page PeoplePage
	var keys [][]byte
	for rows.Next() {
		var x Person
		var key []byte
		if err := rows.Scan(&x.ID, &x.FullName, &x.Gender, &x.BirthYear, &x.Email, &x.Phone, &x.PartyMember, &x.UnitID, &x.UnitPath, &x.UnitName, &x.CreatedAt, &x.UpdatedAt, &key); err != nil {
			return PeoplePage{}, apperr.Wrap(op, err)
		}
		page.People = append(page.People, x)
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return PeoplePage{}, apperr.Wrap(op, err)
	}
	if len(page.People) > limit {
		page.People = page.People[:limit]
		last := page.People[limit-1]
		page.Next = encodeCursor(keys[limit-1], last.ID)
	}
	if err := s.loadPositions(ctx, page.People); err != nil {
		return PeoplePage{}, err
	}
	return page, nil
}

// wideScopeLimit is where a subtree stops counting as small for the people list on
// SQLite. Below it, the list reads the subtree through people_unit_path and sorts it
// (a few thousand rows at most); at or above it, sorting the whole subtree costs tens of
// milliseconds at national scale (16.000 people under a provincial bloc), so the list walks
// people_name_key_path in name order instead, filtering by path inside the index, and
// stops after a page.
const wideScopeLimit = 3000

// SearchPlan holds the thresholds that choose how the people list reads SQLite; a zero
// field takes its default (wideScopeLimit, scanScopeLimit, rareNameLimit). Whatever the
// plan, the results are the same: only the indexes read differ.
type SearchPlan struct {
	WideScope int // people in a scope from which an unfiltered list walks name order
	ScanScope int // people in a scope from which a name search stops testing every name
	RareName  int // trigram matches from which a name counts as common
	WalkFirst int // people of a wide scope tested in name order before the trigram index
}

func (s *Service) plan() SearchPlan {
	pl := s.Search
	if pl.WideScope <= 0 {
		pl.WideScope = wideScopeLimit
	}
	if pl.ScanScope <= 0 {
		pl.ScanScope = scanScopeLimit
	}
	if pl.RareName <= 0 {
		pl.RareName = rareNameLimit
	}
	if pl.WalkFirst <= 0 {
		pl.WalkFirst = walkFirstLimit
	}
	return pl
}

// scanScopeLimit is where a subtree stops counting as small for a name search on SQLite.
// Below it, testing every folded name of the subtree inside people_unit_path (0006) costs
// a few milliseconds (16.000 names: about 3 ms) and is cheaper than the trigram index,
// whose matches for a common name run into the tens of thousands nationally.
const scanScopeLimit = 40000

// scopeHolds reports whether the scope holds at least n people (a bounded count through
// the path index: well under a millisecond for n = 3.000, about 2 ms for 40.000).
func (s *Service) scopeHolds(ctx context.Context, scope Scope, n int) bool {
	if scope.Empty() {
		return false
	}
	cond, args := scope.SQL("unit_path")
	got, err := s.DB.CountUpTo(ctx, n, "people WHERE "+cond, args...)
	return err == nil && got >= n
}

// walkFirstLimit is how many people of a wide scope a name search tests in name order
// before turning to the trigram index: about 5 ms on SQLite at 1.000.000 people, enough for
// a name held by one person in 400 ("nguyen van an") to fill a page of 50.
const walkFirstLimit = 20000

// rareNameLimit is where a name query stops counting as rare: below it the people list
// starts from the trigram index's matches and sorts them; at or above it, from the
// name-ordered index, which meets 50 matches of a common name within a few hundred rows.
const rareNameLimit = 2000

// nameIndex returns an extra condition that makes SQLite answer a name query from the
// trigram index (migration 0002) when the query is rare enough, or "" to leave the plan
// alone. The trigram index answers LIKE only when the pattern has a run of three
// characters; the LIKE on p.name_fold stays, so the results are the same either way.
// PostgreSQL needs no hint: its planner weighs the pg_trgm GIN index with statistics.
func (s *Service) nameIndex(ctx context.Context, query string, rare int) (string, []any, error) {
	if s.DB.Dialect() != sqldb.SQLite {
		return "", nil, nil
	}
	q := search.Fold(query)
	if strings.ContainsAny(q, `%_\`) {
		return "", nil, nil
	}
	long := false
	for _, w := range strings.Fields(q) {
		if utf8.RuneCountInString(w) >= 3 {
			long = true
		}
	}
	if !long {
		return "", nil, nil
	}
	pat := "%" + strings.ReplaceAll(q, " ", "%") + "%"
	// One pass over the trigram index: read the matching ids (up to the limit) and hand
	// them to the list query, rather than counting first and searching again.
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf(`SELECT rowid FROM people_fts WHERE name_fold LIKE ? LIMIT %d`, rare), pat)
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	ids := make([]string, 0, 64)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return "", nil, err
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	if err := rows.Err(); err != nil || len(ids) >= rare {
		return "", nil, err
	}
	if len(ids) == 0 {
		return "1 = 0", nil, nil
	}
	return "p.id IN (" + strings.Join(ids, ",") + ")", nil, nil // integers read from the database, not input
}

// loadPositions fills the current positions of a page of people with one query.
func (s *Service) loadPositions(ctx context.Context, people []Person) error {
	if len(people) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, len(people))
	for i, x := range people {
		idx[x.ID] = i
		args[i] = x.ID
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT ps.id, ps.person_id, ps.unit_id, u.name, ps.title, ps.start_date, ps.end_date
		FROM positions ps JOIN units u ON u.id = ps.unit_id WHERE ps.end_date = '' AND ps.person_id IN (`+sqldb.Placeholders(len(args))+`) ORDER BY ps.id`, args...)
	if err != nil {
		return apperr.Wrap("org.loadPositions", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ps Position
		if err := rows.Scan(&ps.ID, &ps.PersonID, &ps.UnitID, &ps.UnitName, &ps.Title, &ps.StartDate, &ps.EndDate); err != nil {
			return apperr.Wrap("org.loadPositions", err)
		}
		i := idx[ps.PersonID]
		people[i].Positions = append(people[i].Positions, ps)
	}
	return apperr.Wrap("org.loadPositions", rows.Err())
}

// CreatePerson adds a person to a unit in the principal's reach, with an optional first
// position. Errors: Invalid, NotFound, Forbidden.
func (s *Service) CreatePerson(ctx context.Context, p *Principal, in PersonInput) (Person, error) {
	const op = "org.CreatePerson"
	v := apperr.Validation{Op: op}
	ValidatePerson(&in, &v, s.DB.Now())
	if err := v.Err(); err != nil {
		return Person{}, err
	}
	var out Person
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		unit, err := GetUnit(ctx, tx, in.UnitID)
		if err != nil || !p.CanPath(ViewUnit, unit.Path) {
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Đơn vị không hợp lệ.", Fields: map[string]string{"unit_id": "Không tìm thấy đơn vị trong phạm vi của bạn."}}
		}
		if !p.CanPath(ManagePerson, unit.Path) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền thêm người vào đơn vị này.")
		}
		id, err := InsertPerson(ctx, tx, in, unit)
		if err != nil {
			return err
		}
		out, err = GetPerson(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: unit.ID, Entity: "person", EntityID: id, Action: "create",
			Summary: "Thêm người " + out.FullName + " vào " + unit.Name, After: out})
	})
	return out, err
}

// InsertPerson writes a validated person (and the optional position) without rights
// checks or audit; callers do both.
func InsertPerson(ctx context.Context, tx *sqldb.Tx, in PersonInput, unit Unit) (int64, error) {
	now := sqldb.FormatTime(tx.Now())
	id, err := tx.InsertID(ctx, `INSERT INTO people (full_name, name_key, name_fold, gender, birth_year, email, phone, party_member, unit_id, unit_path, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.FullName, NameKey(in.FullName), search.Fold(in.FullName), in.Gender, in.BirthYear, in.Email, in.Phone, in.PartyMember, unit.ID, unit.Path, now, now)
	if err != nil {
		return 0, apperr.Wrap("org.InsertPerson", err)
	}
	if in.PositionTitle != "" {
		if err := InsertPosition(ctx, tx, id, unit.ID, in.PositionTitle, in.PositionStart); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// InsertPosition writes a validated position without rights checks or audit; callers do both.
func InsertPosition(ctx context.Context, tx *sqldb.Tx, personID, unitID int64, title, start string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO positions (person_id, unit_id, title, start_date) VALUES (?, ?, ?, ?)`, personID, unitID, title, start)
	return apperr.Wrap("org.InsertPosition", err)
}

// UpdatePerson changes a person's details and home unit. Errors: Invalid, NotFound, Forbidden.
func (s *Service) UpdatePerson(ctx context.Context, p *Principal, id int64, in PersonInput) (Person, error) {
	const op = "org.UpdatePerson"
	in.PositionTitle = ""
	var out Person
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		before, err := GetPerson(ctx, tx, id)
		if err != nil || !p.CanPath(ViewPerson, before.UnitPath) {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy người này.")
		}
		if !p.CanPath(ManagePerson, before.UnitPath) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền sửa thông tin người này.")
		}
		// The form is checked after the rights, so whoever may not edit learns nothing
		// of its rules (the role matrix test).
		v := apperr.Validation{Op: op}
		ValidatePerson(&in, &v, tx.Now())
		if err := v.Err(); err != nil {
			return err
		}
		unit, err := GetUnit(ctx, tx, in.UnitID)
		if err != nil || !p.CanPath(ManagePerson, unit.Path) {
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Đơn vị không hợp lệ.", Fields: map[string]string{"unit_id": "Không tìm thấy đơn vị trong phạm vi của bạn."}}
		}
		_, err = tx.ExecContext(ctx, `UPDATE people SET full_name = ?, name_key = ?, name_fold = ?, gender = ?, birth_year = ?, email = ?, phone = ?, party_member = ?, unit_id = ?, unit_path = ?, updated_at = ? WHERE id = ?`,
			in.FullName, NameKey(in.FullName), search.Fold(in.FullName), in.Gender, in.BirthYear, in.Email, in.Phone, in.PartyMember, unit.ID, unit.Path, sqldb.FormatTime(tx.Now()), id)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		out, err = GetPerson(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: unit.ID, Entity: "person", EntityID: id, Action: "update",
			Summary: "Sửa thông tin " + out.FullName, Before: before, After: out})
	})
	return out, err
}

// AddPosition gives a person a title in a unit. Errors: Invalid, NotFound, Forbidden.
func (s *Service) AddPosition(ctx context.Context, p *Principal, personID, unitID int64, title, start string) (Position, error) {
	const op = "org.AddPosition"
	title = search.Clean(title)
	var out Position
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		person, err := GetPerson(ctx, tx, personID)
		if err != nil || !p.CanPath(ViewPerson, person.UnitPath) {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy người này.")
		}
		if !p.CanPath(ManagePerson, person.UnitPath) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền giao chức vụ cho người này.")
		}
		v := apperr.Validation{Op: op}
		if !validPositionTitle(title) {
			v.Add("title", "Vui lòng chọn chức vụ trong danh mục.")
		}
		if start != "" && !ValidDate(start) {
			v.Add("start_date", "Ngày bắt đầu không hợp lệ.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		unit, err := GetUnit(ctx, tx, unitID)
		if err != nil || !p.CanPath(ManagePerson, unit.Path) {
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Đơn vị không hợp lệ.", Fields: map[string]string{"unit_id": "Không tìm thấy đơn vị trong phạm vi của bạn."}}
		}
		id, err := tx.InsertID(ctx, `INSERT INTO positions (person_id, unit_id, title, start_date) VALUES (?, ?, ?, ?) RETURNING id`, personID, unitID, title, start)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		out = Position{ID: id, PersonID: personID, UnitID: unitID, UnitName: unit.Name, Title: title, StartDate: start}
		return audit.Record(ctx, tx, audit.Entry{UnitID: unitID, Entity: "person", EntityID: personID, Action: "add_position",
			Summary: fmt.Sprintf("Giao chức vụ %s tại %s cho %s", PositionLabel(title), unit.Name, person.FullName), After: out})
	})
	return out, err
}

// EndPosition closes a position on a date. Errors: Invalid, NotFound, Forbidden, Conflict.
func (s *Service) EndPosition(ctx context.Context, p *Principal, positionID int64, end string) error {
	const op = "org.EndPosition"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var ps Position
		var unitPath string
		err := tx.QueryRowContext(ctx, `SELECT ps.id, ps.person_id, ps.unit_id, u.name, ps.title, ps.start_date, ps.end_date, u.path FROM positions ps JOIN units u ON u.id = ps.unit_id WHERE ps.id = ?`, positionID).
			Scan(&ps.ID, &ps.PersonID, &ps.UnitID, &ps.UnitName, &ps.Title, &ps.StartDate, &ps.EndDate, &unitPath)
		if err != nil || !p.CanPath(ViewPerson, unitPath) {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy chức vụ.")
		}
		if !p.CanPath(ManagePerson, unitPath) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền sửa chức vụ này.")
		}
		// The date is checked after the reach, so a stranger's bad form says nothing.
		if !ValidDate(end) {
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Ngày thôi giữ chức vụ không hợp lệ (dd/mm/yyyy).", Fields: map[string]string{"end_date": "Vui lòng nhập ngày hợp lệ."}}
		}
		if !ps.Current() {
			return apperr.New(apperr.Conflict, op, "Chức vụ này đã kết thúc.")
		}
		if ps.StartDate != "" && end < ps.StartDate {
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Ngày thôi giữ chức vụ trước ngày bắt đầu.", Fields: map[string]string{"end_date": "Ngày thôi giữ chức vụ phải sau ngày bắt đầu."}}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE positions SET end_date = ? WHERE id = ?`, end, positionID); err != nil {
			return apperr.Wrap(op, err)
		}
		before := ps
		ps.EndDate = end
		return audit.Record(ctx, tx, audit.Entry{UnitID: ps.UnitID, Entity: "person", EntityID: ps.PersonID, Action: "end_position",
			Summary: fmt.Sprintf("Kết thúc chức vụ %s tại %s", PositionLabel(ps.Title), ps.UnitName), Before: before, After: ps})
	})
}

// UnitPeople returns the people holding current positions in a unit (not its subtree),
// for the unit page, ordered by title then name.
func (s *Service) UnitPeople(ctx context.Context, unitID int64, limit int) ([]Position, []Person, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT ps.id, ps.person_id, ps.unit_id, '', ps.title, ps.start_date, ps.end_date, p.full_name
		FROM positions ps JOIN people p ON p.id = ps.person_id WHERE ps.unit_id = ? AND ps.end_date = '' ORDER BY ps.title, p.name_key LIMIT ?`, unitID, limit)
	if err != nil {
		return nil, nil, apperr.Wrap("org.UnitPeople", err)
	}
	defer rows.Close()
	var ps []Position
	var people []Person
	for rows.Next() {
		var x Position
		var name string
		if err := rows.Scan(&x.ID, &x.PersonID, &x.UnitID, &x.UnitName, &x.Title, &x.StartDate, &x.EndDate, &name); err != nil {
			return nil, nil, apperr.Wrap("org.UnitPeople", err)
		}
		ps = append(ps, x)
		people = append(people, Person{ID: x.PersonID, FullName: name})
	}
	return ps, people, apperr.Wrap("org.UnitPeople", rows.Err())
}
