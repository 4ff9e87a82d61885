// Package demo loads a realistic sample organisation in Vietnamese — an upper party
// committee of state agencies, six agencies each with its grassroots committee, five chi
// bộ, its mass organisations and boards, about 300 made-up people with positions — and
// the sign-in accounts named in the README. Each domain adds its own sample data in a
// file of this package, keyed so that loading twice duplicates nothing.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/auth"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Result says whether anything was created.
type Result struct {
	Created bool
}

// Org is the sample organisation, for the domains' sample data.
type Org struct {
	Root        org.Unit
	Mobilise    org.Unit // Ban Dân vận of the upper committee
	Agencies    []Agency
	Users       map[string]int64 // username -> user id
	People      map[string]int64 // username -> person id
	Password    string
	Rand        *rand.Rand
	Today       string // YYYY-MM-DD of the load
	CurrentYear int
}

// Agency is one state agency with its committee, cells and mass organisations.
type Agency struct {
	Node        org.Unit // the agency node holding everything below
	Committee   org.Unit // Đảng bộ cơ sở
	Cells       []org.Unit
	TradeUnion  org.Unit
	Youth       org.Unit
	Veterans    org.Unit
	Women       org.Unit
	Inspection  org.Unit // Ban Thanh tra nhân dân
	Democracy   org.Unit // Ban chỉ đạo quy chế dân chủ
	Departments []org.Unit
	People      []int64 // every person of the agency
	Secretary   int64   // person id of the committee's bí thư
	Head        int64   // thủ trưởng
	UnionChair  int64
	YouthLead   int64
	VeteranLead int64
	WomenLead   int64
	CellLeads   []int64 // bí thư chi bộ, one per cell
}

// Loader adds one domain's sample data; it must be idempotent.
type Loader func(ctx context.Context, db *sqldb.DB, o *Org) error

const orgKey = "demo.org"

// Load creates the sample organisation and accounts with the given password, then runs
// every domain loader. Running it twice creates nothing new.
func Load(ctx context.Context, db *sqldb.DB, password string, loaders ...Loader) (Result, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Name: "Dữ liệu mẫu"})
	var res Result
	// Two instances started together with --demo would both find the sample data
	// missing and the second would fail on the first one's accounts: the load runs
	// under a database-wide lock, and the second finds it done.
	err := db.WithLock(ctx, demoLockKey, func() error {
		o, created, err := loadOrg(ctx, db, password)
		if err != nil {
			return err
		}
		res.Created = created
		for _, l := range loaders {
			if err := l(ctx, db, o); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// demoLockKey names the sample-data load's lock (an arbitrary constant of danvan's).
const demoLockKey = 734502

// Done reports whether a sample-data key was already loaded; Mark records it in tx.
func Done(ctx context.Context, q sqldb.Querier, key string) (bool, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM app_settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Mark records that a sample-data key is loaded.
func Mark(ctx context.Context, tx *sqldb.Tx, key string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO app_settings (key, value) VALUES (?, ?)`, key, sqldb.FormatTime(tx.Now()))
	return err
}

var agencyNames = []struct{ Name, Code string }{
	{"Sở Tư pháp", "STP"},
	{"Sở Tài chính", "STC"},
	{"Sở Nội vụ", "SNV"},
	{"Sở Giáo dục và Đào tạo", "SGDDT"},
	{"Sở Y tế", "SYT"},
	{"Sở Nông nghiệp và Môi trường", "SNNMT"},
}

var departmentNames = []string{"Văn phòng", "Thanh tra", "Phòng Kế hoạch – Tài chính", "Phòng Tổ chức cán bộ", "Phòng Nghiệp vụ"}

var (
	surnames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Lương"}
	middleM  = []string{"Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Công", "Mạnh", "Tiến"}
	middleF  = []string{"Thị", "Thu", "Ngọc", "Thanh", "Minh", "Kim", "Hồng", "Phương", "Thúy", "Bích"}
	givenM   = []string{"An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hải", "Hùng", "Huy", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Vinh"}
	givenF   = []string{"Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Vân", "Xuân", "Yến"}
)

func randomName(r *rand.Rand) (string, string) {
	if r.IntN(2) == 0 {
		return surnames[r.IntN(len(surnames))] + " " + middleM[r.IntN(len(middleM))] + " " + givenM[r.IntN(len(givenM))], "nam"
	}
	return surnames[r.IntN(len(surnames))] + " " + middleF[r.IntN(len(middleF))] + " " + givenF[r.IntN(len(givenF))], "nu"
}

// loadOrg creates the organisation once; on later runs it reads it back.
func loadOrg(ctx context.Context, db *sqldb.DB, password string) (*Org, bool, error) {
	o := &Org{Users: map[string]int64{}, People: map[string]int64{}, Password: password, Rand: rand.New(rand.NewPCG(2026, 11)),
		Today: db.Now().Format("2006-01-02"), CurrentYear: db.Now().Year()}
	done, err := Done(ctx, db, orgKey)
	if err != nil {
		return nil, false, apperr.Wrap("demo.loadOrg", err)
	}
	if done {
		return o, false, readOrg(ctx, db, o)
	}
	err = db.Tx(ctx, func(tx *sqldb.Tx) error {
		root, err := org.EnsureRoot(ctx, tx, "Đảng bộ Khối các cơ quan tỉnh")
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE units SET code = 'DUK', valid_from = '2020-10-15' WHERE id = ? AND code = ''`, root.ID); err != nil {
			return err
		}
		o.Root = root
		add := func(parent org.Unit, kind org.UnitKind, name, code string) (org.Unit, error) {
			return org.InsertUnit(ctx, tx, parent, org.UnitInput{Kind: kind, Name: name, Code: code, ValidFrom: "2020-10-15"})
		}
		if o.Mobilise, err = add(root, org.KindMobilisation, "Ban Dân vận Đảng ủy Khối", "DUK-BDV"); err != nil {
			return err
		}
		person := func(unit org.Unit, title string, party bool) (int64, error) {
			name, gender := randomName(o.Rand)
			in := org.PersonInput{FullName: name, Gender: gender, BirthYear: 1965 + o.Rand.IntN(35), PartyMember: party, UnitID: unit.ID,
				PositionTitle: title, PositionStart: fmt.Sprintf("%d-%02d-01", 2019+o.Rand.IntN(6), 1+o.Rand.IntN(12))}
			in.Phone = fmt.Sprintf("09%08d", o.Rand.IntN(100000000))
			return org.InsertPerson(ctx, tx, in, unit)
		}
		position := func(personID int64, unit org.Unit, title string) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO positions (person_id, unit_id, title, start_date) VALUES (?, ?, ?, ?)`, personID, unit.ID, title, "2020-10-15")
			return err
		}
		// Staff of the upper committee.
		canbo, err := person(o.Mobilise, "chuyen-vien", true)
		if err != nil {
			return err
		}
		o.People["canbo"] = canbo
		if _, err := person(o.Mobilise, "truong-ban-dan-van", true); err != nil {
			return err
		}
		for i, an := range agencyNames {
			var a Agency
			n := fmt.Sprint(i + 1)
			if a.Node, err = add(root, org.KindAgency, an.Name, an.Code); err != nil {
				return err
			}
			if a.Committee, err = add(a.Node, org.KindBaseCommittee, "Đảng bộ "+an.Name, an.Code+"-DB"); err != nil {
				return err
			}
			for j, dn := range departmentNames {
				dep, err := add(a.Node, org.KindDepartment, dn, fmt.Sprintf("%s-P%d", an.Code, j+1))
				if err != nil {
					return err
				}
				a.Departments = append(a.Departments, dep)
				cell, err := add(a.Committee, org.KindCell, "Chi bộ "+dn, fmt.Sprintf("%s-CB%d", an.Code, j+1))
				if err != nil {
					return err
				}
				a.Cells = append(a.Cells, cell)
			}
			kinds := []struct {
				dst  *org.Unit
				kind org.UnitKind
				name string
				code string
			}{
				{&a.TradeUnion, org.KindTradeUnion, "Công đoàn " + an.Name, an.Code + "-CD"},
				{&a.Youth, org.KindYouthUnion, "Đoàn Thanh niên " + an.Name, an.Code + "-DTN"},
				{&a.Veterans, org.KindVeterans, "Hội Cựu chiến binh " + an.Name, an.Code + "-CCB"},
				{&a.Women, org.KindWomen, "Ban nữ công " + an.Name, an.Code + "-BNC"},
				{&a.Inspection, org.KindInspection, "Ban Thanh tra nhân dân " + an.Name, an.Code + "-TTND"},
				{&a.Democracy, org.KindDemocracy, "Ban chỉ đạo thực hiện quy chế dân chủ " + an.Name, an.Code + "-QCDC"},
			}
			for _, k := range kinds {
				if *k.dst, err = add(a.Node, k.kind, k.name, k.code); err != nil {
					return err
				}
			}
			// Leaders.
			if a.Secretary, err = person(a.Committee, "bi-thu", true); err != nil {
				return err
			}
			if a.Head, err = person(a.Node, "thu-truong", true); err != nil {
				return err
			}
			if err := position(a.Head, a.Committee, "pho-bi-thu"); err != nil {
				return err
			}
			if a.UnionChair, err = person(a.TradeUnion, "chu-tich-cong-doan", true); err != nil {
				return err
			}
			if a.YouthLead, err = person(a.Youth, "bi-thu-doan", true); err != nil {
				return err
			}
			if a.VeteranLead, err = person(a.Veterans, "chu-tich-hoi-ccb", true); err != nil {
				return err
			}
			if a.WomenLead, err = person(a.Women, "truong-ban-nu-cong", true); err != nil {
				return err
			}
			if _, err := person(a.Inspection, "truong-ban-ttnd", false); err != nil {
				return err
			}
			a.People = append(a.People, a.Secretary, a.Head, a.UnionChair, a.YouthLead, a.VeteranLead, a.WomenLead)
			// Each cell: a secretary and about eight members, managed in their department.
			for j, cell := range a.Cells {
				lead, err := person(cell, "bi-thu", true)
				if err != nil {
					return err
				}
				a.CellLeads = append(a.CellLeads, lead)
				a.People = append(a.People, lead)
				for k := 0; k < 7+o.Rand.IntN(3); k++ {
					party := o.Rand.IntN(10) < 7
					title := "chuyen-vien"
					if k == 0 {
						title = "chanh-van-phong"
					}
					pid, err := person(a.Departments[j], title, party)
					if err != nil {
						return err
					}
					if party {
						if err := position(pid, cell, "dang-vien"); err != nil {
							return err
						}
					}
					a.People = append(a.People, pid)
				}
			}
			_ = n
			o.Agencies = append(o.Agencies, a)
		}
		// Accounts.
		a1 := o.Agencies[0]
		accounts := []struct {
			user, name string
			person     int64
			unit       org.Unit
			role       org.Role
		}{
			{"admin", "Quản trị hệ thống", 0, root, org.RoleAdmin},
			{"canbo", "", canbo, root, org.RoleStaff},
			{"bithu1", "", a1.Secretary, a1.Node, org.RoleManager},
			{"thutruong1", "", a1.Head, a1.Node, org.RoleManager},
			{"congdoan1", "", a1.UnionChair, a1.TradeUnion, org.RoleMassOrg},
			{"dangvien1", "", a1.People[len(a1.People)-1], a1.Node, org.RoleMember},
		}
		for j, lead := range a1.CellLeads {
			accounts = append(accounts, struct {
				user, name string
				person     int64
				unit       org.Unit
				role       org.Role
			}{fmt.Sprintf("bithucb%d", j+1), "", lead, a1.Cells[j], org.RoleManager})
		}
		for _, acc := range accounts {
			name := acc.name
			if acc.person != 0 {
				if err := tx.QueryRowContext(ctx, `SELECT full_name FROM people WHERE id = ?`, acc.person).Scan(&name); err != nil {
					return err
				}
			}
			u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: acc.user, Password: password, DisplayName: name, PersonID: acc.person,
				UnitID: acc.unit.ID, Email: acc.user + "@danvan.local"})
			if err != nil {
				return err
			}
			if err := org.InsertGrant(ctx, tx, u.ID, acc.unit, acc.role); err != nil {
				return err
			}
			o.Users[acc.user] = u.ID
			o.People[acc.user] = acc.person
		}
		// The agencies' own members see their agency (everyone in the tree is a member somewhere).
		if err := audit.Record(ctx, tx, audit.Entry{UnitID: root.ID, Entity: "unit", EntityID: root.ID, Action: "demo",
			Summary: "Nạp dữ liệu mẫu: tổ chức, người và tài khoản"}); err != nil {
			return err
		}
		return Mark(ctx, tx, orgKey)
	})
	if err != nil {
		return nil, false, err
	}
	return o, true, nil
}

// readOrg rebuilds Org from the database on a second run, for domain loaders that were
// added after the first run.
func readOrg(ctx context.Context, db *sqldb.DB, o *Org) error {
	var rootID int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&rootID); err != nil {
		return err
	}
	var err error
	if o.Root, err = org.GetUnit(ctx, db, rootID); err != nil {
		return err
	}
	byCode := func(code string) (org.Unit, error) {
		var id int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM units WHERE code = ?`, code).Scan(&id); err != nil {
			return org.Unit{}, fmt.Errorf("demo: unit %s: %w", code, err)
		}
		return org.GetUnit(ctx, db, id)
	}
	if o.Mobilise, err = byCode("DUK-BDV"); err != nil {
		return err
	}
	leadOf := func(unit org.Unit, title string) int64 {
		var id int64
		_ = db.QueryRowContext(ctx, `SELECT person_id FROM positions WHERE unit_id = ? AND title = ? ORDER BY id LIMIT 1`, unit.ID, title).Scan(&id)
		return id
	}
	for _, an := range agencyNames {
		var a Agency
		if a.Node, err = byCode(an.Code); err != nil {
			return err
		}
		if a.Committee, err = byCode(an.Code + "-DB"); err != nil {
			return err
		}
		for j := range departmentNames {
			dep, err := byCode(fmt.Sprintf("%s-P%d", an.Code, j+1))
			if err != nil {
				return err
			}
			a.Departments = append(a.Departments, dep)
			cell, err := byCode(fmt.Sprintf("%s-CB%d", an.Code, j+1))
			if err != nil {
				return err
			}
			a.Cells = append(a.Cells, cell)
			a.CellLeads = append(a.CellLeads, leadOf(cell, "bi-thu"))
		}
		for _, k := range []struct {
			dst  *org.Unit
			code string
		}{{&a.TradeUnion, "-CD"}, {&a.Youth, "-DTN"}, {&a.Veterans, "-CCB"}, {&a.Women, "-BNC"}, {&a.Inspection, "-TTND"}, {&a.Democracy, "-QCDC"}} {
			if *k.dst, err = byCode(an.Code + k.code); err != nil {
				return err
			}
		}
		a.Secretary = leadOf(a.Committee, "bi-thu")
		a.Head = leadOf(a.Node, "thu-truong")
		a.UnionChair = leadOf(a.TradeUnion, "chu-tich-cong-doan")
		a.YouthLead = leadOf(a.Youth, "bi-thu-doan")
		a.VeteranLead = leadOf(a.Veterans, "chu-tich-hoi-ccb")
		a.WomenLead = leadOf(a.Women, "truong-ban-nu-cong")
		rows, err := db.QueryContext(ctx, `SELECT id FROM people WHERE unit_path >= ? AND unit_path < ? ORDER BY id`, a.Node.Path, sqldb.PathEnd(a.Node.Path))
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			a.People = append(a.People, id)
		}
		rows.Close()
		o.Agencies = append(o.Agencies, a)
	}
	rows, err := db.QueryContext(ctx, `SELECT id, username, COALESCE(person_id, 0) FROM users`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, person int64
		var name string
		if err := rows.Scan(&id, &name, &person); err != nil {
			return err
		}
		o.Users[name] = id
		o.People[name] = person
	}
	return rows.Err()
}
