package org_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/auth"
	"danvan/internal/dbtest"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// tree builds root → A (→ A1 → A1x), B and returns the units and an admin principal.
type fixture struct {
	svc              *org.Service
	root, a, a1, a1x org.Unit
	b                org.Unit
	admin            *org.Principal
}

func setup(t *testing.T, db *sqldb.DB) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{svc: org.NewService(db)}
	err := db.Tx(ctx, func(tx *sqldb.Tx) error {
		var err error
		if f.root, err = org.EnsureRoot(ctx, tx, "Đảng bộ Khối"); err != nil {
			return err
		}
		add := func(p org.Unit, kind org.UnitKind, name string) org.Unit {
			u, e := org.InsertUnit(ctx, tx, p, org.UnitInput{Kind: kind, Name: name})
			if e != nil {
				err = e
			}
			return u
		}
		f.a = add(f.root, org.KindAgency, "Sở Tư pháp")
		f.b = add(f.root, org.KindAgency, "Sở Tài chính")
		f.a1 = add(f.a, org.KindBaseCommittee, "Đảng bộ Sở Tư pháp")
		f.a1x = add(f.a1, org.KindCell, "Chi bộ Văn phòng")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = &org.Principal{UserID: 1, Grants: []org.Grant{{UnitPath: f.root.Path, Role: org.RoleAdmin}}}
	return f
}

func principal(unit org.Unit, role org.Role) *org.Principal {
	return &org.Principal{UserID: 99, Name: "Người thử", Grants: []org.Grant{{UnitID: unit.ID, UnitPath: unit.Path, Role: role}}}
}

func TestRightsFollowTheTree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		mgr := principal(f.a, org.RoleManager)
		cases := []struct {
			unit org.Unit
			want bool
		}{{f.a, true}, {f.a1, true}, {f.a1x, true}, {f.root, false}, {f.b, false}}
		for _, c := range cases {
			if got := f.svc.Can(ctx, mgr, org.ViewUnit, c.unit.ID); got != c.want {
				t.Errorf("manager of A viewing %s: got %v want %v", c.unit.Name, got, c.want)
			}
		}
		// A sibling's id answers NotFound, not the data.
		if _, err := f.svc.UnitByID(ctx, mgr, f.b.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("sibling unit: %v", err)
		}
		// A member may view but not manage.
		mem := principal(f.a, org.RoleMember)
		if f.svc.Can(ctx, mem, org.ManagePerson, f.a1.ID) {
			t.Fatal("member may manage people")
		}
		if !f.svc.Can(ctx, mem, org.ViewUnit, f.a1x.ID) {
			t.Fatal("member cannot view own subtree")
		}
		// Unknown units answer false.
		if f.svc.Can(ctx, f.admin, org.ViewUnit, 999999) {
			t.Fatal("unknown unit allowed")
		}
	})
}

func TestScopeSQLSelectsSubtreeOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		// Ids 1 and 10 share a prefix as text; the path form "/1/" vs "/10/" must keep them apart.
		mgr := principal(f.a, org.RoleManager)
		cond, args := mgr.Scope(org.ViewUnit).SQL("path")
		rows, err := db.QueryContext(ctx, `SELECT name FROM units WHERE `+cond+` ORDER BY path`, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		got := strings.Join(names, "|")
		if got != "Sở Tư pháp|Đảng bộ Sở Tư pháp|Chi bộ Văn phòng" {
			t.Fatalf("scope selected %q", got)
		}
	})
}

func TestCreateUnitRightsAndAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := audit.WithActor(context.Background(), audit.Actor{UserID: 0, Name: "Trần Văn Kiểm", Address: "10.0.0.7"})
		staff := principal(f.a, org.RoleStaff)
		u, err := f.svc.CreateUnit(ctx, staff, org.UnitInput{ParentID: f.a1.ID, Kind: org.KindCell, Name: "  Chi bộ  Thanh tra ", Code: "stp-cb2"})
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != "Chi bộ  Thanh tra" && u.Name != "Chi bộ Thanh tra" {
			t.Fatalf("name not cleaned: %q", u.Name)
		}
		if u.Code != "STP-CB2" || !strings.HasPrefix(u.Path, f.a1.Path) || u.Depth != f.a1.Depth+1 {
			t.Fatalf("unit: %+v", u)
		}
		rows, err := audit.Find(ctx, db, audit.Filter{All: true, Entity: "unit", EntityID: u.ID})
		if err != nil || len(rows) != 1 || rows[0].ActorName != "Trần Văn Kiểm" || rows[0].Address != "10.0.0.7" || !strings.Contains(rows[0].After, "Thanh tra") {
			t.Fatalf("audit: %+v %v", rows, err)
		}
		// Outside the subtree: NotFound. Member: Forbidden. Duplicate code: a field message.
		if _, err := f.svc.CreateUnit(ctx, staff, org.UnitInput{ParentID: f.b.ID, Kind: org.KindCell, Name: "X"}); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("outside: %v", err)
		}
		if _, err := f.svc.CreateUnit(ctx, principal(f.a, org.RoleMember), org.UnitInput{ParentID: f.a1.ID, Kind: org.KindCell, Name: "X"}); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("member: %v", err)
		}
		_, err = f.svc.CreateUnit(ctx, staff, org.UnitInput{ParentID: f.a1.ID, Kind: org.KindCell, Name: "Y", Code: "STP-CB2"})
		if apperr.FieldsOf(err)["code"] == "" {
			t.Fatalf("duplicate code: %v", err)
		}
		// Bad input writes nothing.
		_, err = f.svc.CreateUnit(ctx, staff, org.UnitInput{ParentID: f.a1.ID, Kind: "bogus", Name: strings.Repeat("x", 400)})
		if fs := apperr.FieldsOf(err); fs["kind"] == "" || fs["name"] == "" {
			t.Fatalf("validation: %v", err)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE parent_id = ?`, f.a1.ID).Scan(&n)
		if n != 2 {
			t.Fatalf("children of a1: %d, want 2", n)
		}
	})
}

func TestMoveUnitRewritesSubtreeAndPeople(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		p, err := f.svc.CreatePerson(ctx, f.admin, org.PersonInput{FullName: "Lê Thị Hoa", UnitID: f.a1x.ID, PositionTitle: "dang-vien"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.MoveUnit(ctx, f.admin, f.a1.ID, f.b.ID); err != nil {
			t.Fatal(err)
		}
		cell, _ := org.GetUnit(ctx, db, f.a1x.ID)
		if !strings.HasPrefix(cell.Path, f.b.Path) || cell.Depth != 3 {
			t.Fatalf("grandchild not moved: %+v", cell)
		}
		moved, _ := org.GetPerson(ctx, db, p.ID)
		if moved.UnitPath != cell.Path {
			t.Fatalf("person path %s, unit path %s", moved.UnitPath, cell.Path)
		}
		// The old parent's manager lost sight of it; the new one sees it.
		if f.svc.Can(ctx, principal(f.a, org.RoleManager), org.ViewUnit, f.a1x.ID) {
			t.Fatal("old parent still reaches moved unit")
		}
		if !f.svc.Can(ctx, principal(f.b, org.RoleManager), org.ViewPerson, f.a1x.ID) {
			t.Fatal("new parent does not reach moved unit")
		}
		// Moving a unit under its own descendant is refused.
		if _, err := f.svc.MoveUnit(ctx, f.admin, f.b.ID, f.a1x.ID); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("cycle: %v", err)
		}
	})
}

func TestCloseUnitKeepsHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		if _, err := f.svc.CloseUnit(ctx, f.admin, f.a1.ID, "2025-07-01", 0); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("closing with open children: %v", err)
		}
		u, err := f.svc.CloseUnit(ctx, f.admin, f.a1x.ID, "2025-07-01", f.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Active() || u.SuccessorID != f.b.ID {
			t.Fatalf("closed unit: %+v", u)
		}
		if _, err := f.svc.CloseUnit(ctx, f.admin, f.a1x.ID, "2025-08-01", 0); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("closing twice: %v", err)
		}
		// Still readable, listed when closed units are asked for.
		kids, err := f.svc.Children(ctx, f.admin, f.a1.ID, true)
		if err != nil || len(kids) != 1 || kids[0].ValidTo != "2025-07-01" {
			t.Fatalf("history: %+v %v", kids, err)
		}
		if kids, _ := f.svc.Children(ctx, f.admin, f.a1.ID, false); len(kids) != 0 {
			t.Fatalf("closed unit listed as active: %+v", kids)
		}
	})
}

func TestPeopleSearchWithoutDiacriticsAndVietnameseOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		for _, n := range []string{"Nguyễn Văn An", "Đỗ Thị Bình", "Trần Văn Đạt", "Lê Văn Dũng", "Nguyễn Văn Ánh"} {
			if _, err := f.svc.CreatePerson(ctx, f.admin, org.PersonInput{FullName: n, UnitID: f.a1x.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.CreatePerson(ctx, f.admin, org.PersonInput{FullName: "Nguyễn Văn Bảo", UnitID: f.b.ID}); err != nil {
			t.Fatal(err)
		}
		page, err := f.svc.FindPeople(ctx, principal(f.a, org.RoleManager), org.PeopleFilter{Query: "nguyen van"})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range page.People {
			names = append(names, p.FullName)
		}
		if strings.Join(names, "|") != "Nguyễn Văn An|Nguyễn Văn Ánh" {
			t.Fatalf("search: %v", names)
		}
		// Vietnamese order by given name: An < Ánh < Bình < Dũng < Đạt.
		page, err = f.svc.FindPeople(ctx, f.admin, org.PeopleFilter{UnitID: f.a.ID, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.People) != 3 || page.People[0].FullName != "Nguyễn Văn An" || page.People[2].FullName != "Đỗ Thị Bình" || page.Next == "" {
			t.Fatalf("order/page 1: %+v", page)
		}
		page2, err := f.svc.FindPeople(ctx, f.admin, org.PeopleFilter{UnitID: f.a.ID, Limit: 3, After: page.Next})
		if err != nil {
			t.Fatal(err)
		}
		if len(page2.People) != 2 || page2.People[0].FullName != "Lê Văn Dũng" || page2.People[1].FullName != "Trần Văn Đạt" || page2.Next != "" {
			t.Fatalf("page 2: %+v", page2.People)
		}
		if _, err := f.svc.FindPeople(ctx, f.admin, org.PeopleFilter{After: "garbage"}); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

func TestPersonValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		_, err := f.svc.CreatePerson(ctx, f.admin, org.PersonInput{FullName: "<script>x</script>", UnitID: f.a.ID, Email: "not-an-email", Phone: "12ab", BirthYear: 1800, Gender: "x"})
		fs := apperr.FieldsOf(err)
		for _, k := range []string{"full_name", "email", "phone", "birth_year", "gender"} {
			if fs[k] == "" {
				t.Errorf("no message for %s: %v", k, err)
			}
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM people`).Scan(&n)
		if n != 0 {
			t.Fatalf("invalid person written")
		}
		// A manager of A cannot put someone into B.
		_, err = f.svc.CreatePerson(ctx, principal(f.a, org.RoleManager), org.PersonInput{FullName: "Phạm Văn Cường", UnitID: f.b.ID})
		if apperr.FieldsOf(err)["unit_id"] == "" {
			t.Fatalf("outside unit: %v", err)
		}
	})
}

func TestGrantsAndPrincipal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		var uid int64
		err := db.Tx(ctx, func(tx *sqldb.Tx) error {
			u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: "bithu", Password: "mat-khau-dai-du"})
			uid = u.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.GrantRole(ctx, principal(f.a, org.RoleManager), uid, f.a1.ID, org.RoleManager); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("non-admin granted: %v", err)
		}
		if err := f.svc.GrantRole(ctx, f.admin, uid, f.a1.ID, org.RoleManager); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.GrantRole(ctx, f.admin, uid, f.a1.ID, org.RoleManager); err != nil {
			t.Fatalf("granting twice: %v", err)
		}
		p, err := org.LoadPrincipal(ctx, db, uid)
		if err != nil || len(p.Grants) != 1 || !p.CanPath(org.AssignTask, f.a1x.Path) || p.CanPath(org.ViewUnit, f.a.Path) {
			t.Fatalf("principal: %+v %v", p, err)
		}
		if _, err := org.LoadPrincipal(ctx, db, 12345); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}
	})
}

// A subtree with more than a few thousand people takes the name-ordered plan on SQLite:
// the page must still hold only the subtree, in Vietnamese name order, and page on.
func TestPeopleOfAWideSubtree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		given := []string{"An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga", "Oanh", "Phúc", "Quân", "Sơn", "Thảo", "Uyên", "Vân", "Xuân", "Yến"}
		err := db.Tx(ctx, func(tx *sqldb.Tx) error {
			for i := range 4800 {
				u := f.a1x
				if i%3 == 0 {
					u = f.b // outside the subtree of A
				}
				name := fmt.Sprintf("Nguyễn Văn %s", given[i%len(given)])
				if _, err := org.InsertPerson(ctx, tx, org.PersonInput{FullName: name, BirthYear: 1970 + i%30}, u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		mgr := principal(f.a, org.RoleManager)
		var all []org.Person
		after := ""
		for range 100 {
			page, err := f.svc.FindPeople(ctx, mgr, org.PeopleFilter{After: after, Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page.People...)
			if page.Next == "" {
				break
			}
			after = page.Next
		}
		if len(all) != 3200 {
			t.Fatalf("%d people in the subtree, want 3200", len(all))
		}
		for i, p := range all {
			if p.UnitID != f.a1x.ID {
				t.Fatalf("person outside the subtree: %+v", p)
			}
			if i > 0 && bytes.Compare(org.NameKey(all[i-1].FullName), org.NameKey(p.FullName)) > 0 {
				t.Fatalf("not in name order at %d: %s before %s", i, all[i-1].FullName, p.FullName)
			}
		}
		if all[0].FullName != "Nguyễn Văn An" || !strings.HasSuffix(all[len(all)-1].FullName, "Yến") {
			t.Fatalf("first %s, last %s", all[0].FullName, all[len(all)-1].FullName)
		}
	})
}

// A person whose home unit is the agency but who holds a position in a chi bộ is shown on
// the chi bộ's page, so the chi bộ's secretary may open their record; once the position
// ends, the record is out of reach again. Another agency never sees them.
func TestPersonVisibleThroughAPositionInReach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		x, err := f.svc.CreatePerson(ctx, f.admin, org.PersonInput{FullName: "Phạm Thị Hoa", UnitID: f.a.ID})
		if err != nil {
			t.Fatal(err)
		}
		cell := principal(f.a1x, org.RoleManager)
		if _, err := f.svc.PersonByID(ctx, cell, x.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("before the position: %v", err)
		}
		pos, err := f.svc.AddPosition(ctx, f.admin, x.ID, f.a1x.ID, "bi-thu", "2026-01-05")
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.PersonByID(ctx, cell, x.ID)
		if err != nil || got.FullName != "Phạm Thị Hoa" {
			t.Fatalf("with a position in the chi bộ: %+v %v", got, err)
		}
		if _, err := f.svc.PersonByID(ctx, principal(f.b, org.RoleManager), x.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("another agency: %v", err)
		}
		if err := f.svc.EndPosition(ctx, f.admin, pos.ID, "2026-06-30"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.PersonByID(ctx, cell, x.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("after the position ended: %v", err)
		}
	})
}

// The people list reads SQLite in one of several ways (a scan of the subtree's names, the
// trigram index for a rare name, a walk in name order for a common one), chosen by counts.
// Whatever the plan, a search returns exactly the people of the scope whose folded name
// matches, in Vietnamese order, page after page. The plans are forced with small limits.
func TestPeopleSearchSameResultsWhateverThePlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"}
		middle := []string{"Văn", "Thị", "Đức", "Minh"}
		given := []string{"An", "Ánh", "Bình", "Mai", "Hà", "Khang", "Thành", "Yến", "Đạt"}
		type rec struct {
			name, unit string
			member     bool
		}
		var all []rec
		err := db.Tx(ctx, func(tx *sqldb.Tx) error {
			for i := range 600 {
				u := f.a1x
				if i%4 == 0 {
					u = f.b // outside the subtree of A
				}
				name := family[i%len(family)] + " " + middle[(i/5)%len(middle)] + " " + given[(i/7)%len(given)]
				if _, err := org.InsertPerson(ctx, tx, org.PersonInput{FullName: name, BirthYear: 1970 + i%30, PartyMember: i%3 == 1}, u); err != nil {
					return err
				}
				all = append(all, rec{name, u.Path, i%3 == 1})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		mgr := principal(f.a, org.RoleManager)
		list := func(svc *org.Service, q string, member *bool) []string {
			var out []string
			after := ""
			for range 100 {
				page, err := svc.FindPeople(ctx, mgr, org.PeopleFilter{Query: q, After: after, Limit: 20, PartyMember: member})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range page.People {
					out = append(out, p.FullName)
				}
				if page.Next == "" {
					return out
				}
				after = page.Next
			}
			t.Fatal("more than 100 pages")
			return nil
		}
		plans := map[string]org.SearchPlan{
			"scan the subtree":               {},
			"first people in order":          {WideScope: 5, ScanScope: 5, WalkFirst: 100000},
			"then trigram for rare names":    {WideScope: 5, ScanScope: 5, WalkFirst: 1, RareName: 1000},
			"then the whole name order walk": {WideScope: 5, ScanScope: 5, WalkFirst: 1, RareName: 1},
		}
		yes := true
		for _, member := range []*bool{nil, &yes} {
			for _, q := range []string{"nguyen van", "tran thi mai", "le duc dat", "a", "yen", "Nguyễn Văn", "zzz khong co"} {
				var want []string
				fq := strings.Fields(search.Fold(q))
				for _, r := range all {
					if strings.HasPrefix(r.unit, f.a.Path) && matchesInOrder(search.Fold(r.name), fq) && (member == nil || r.member) {
						want = append(want, r.name)
					}
				}
				sortByNameKey(want)
				for name, pl := range plans {
					svc := org.NewService(db)
					svc.Search = pl
					got := list(svc, q, member)
					if strings.Join(got, "|") != strings.Join(want, "|") {
						t.Fatalf("%s, %q, party members only %v: %d results, want %d\n got %v\nwant %v", name, q, member != nil, len(got), len(want), got, want)
					}
				}
			}
		}
	})
}

// matchesInOrder is the search rule written plainly: every word of the query appears in
// the name, in order (the LIKE '%w1%w2%' of search.LikePattern).
func matchesInOrder(name string, words []string) bool {
	for _, w := range words {
		i := strings.Index(name, w)
		if i < 0 {
			return false
		}
		name = name[i+len(w):]
	}
	return true
}

func sortByNameKey(names []string) {
	sort.SliceStable(names, func(i, j int) bool {
		return bytes.Compare(org.NameKey(names[i]), org.NameKey(names[j])) < 0
	})
}

// TestScopeOutsideSQL: the condition selects, among the units, exactly those the scope
// does not contain, for scopes of nothing, the root, one unit, two units side by side and
// a unit with another inside it — on both engines, whose path comparisons differ unless
// the column says how.
func TestScopeOutsideSQL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		var all []string
		rows, err := db.QueryContext(ctx, `SELECT path FROM units ORDER BY path`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				t.Fatal(err)
			}
			all = append(all, p)
		}
		rows.Close()
		scopes := map[string]org.Scope{
			"nothing": {}, "root": {Paths: []string{f.root.Path}}, "A1": {Paths: []string{f.a1.Path}},
			"B and A":   (&org.Principal{Grants: []org.Grant{{UnitPath: f.b.Path, Role: org.RoleManager}, {UnitPath: f.a.Path, Role: org.RoleManager}}}).Scope(org.ViewInspection),
			"A and A1x": (&org.Principal{Grants: []org.Grant{{UnitPath: f.a1x.Path, Role: org.RoleManager}, {UnitPath: f.a.Path, Role: org.RoleManager}}}).Scope(org.ViewInspection),
		}
		for name, sc := range scopes {
			if sc.Empty() != (name == "nothing") {
				t.Fatalf("%s: scope %v", name, sc.Paths)
			}
			cond, args := sc.OutsideSQL("path")
			rows, err := db.QueryContext(ctx, `SELECT path FROM units WHERE `+cond+` ORDER BY path`, args...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var p string
				if err := rows.Scan(&p); err != nil {
					t.Fatal(err)
				}
				got = append(got, p)
			}
			rows.Close()
			var want []string
			for _, p := range all {
				if !sc.Contains(p) {
					want = append(want, p)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: outside %v, want %v", name, got, want)
			}
		}
	})
}
