package web

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/auth"
	"danvan/internal/calendar"
	"danvan/internal/democracy"
	"danvan/internal/emulation"
	"danvan/internal/figures"
	"danvan/internal/inspection"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/org/peopleimport"
	"danvan/internal/petition"
	"danvan/internal/report"
	"danvan/internal/work"
)

// foundationAreas are the template folders of the foundation: every template there must
// have a sample below. Domain folders are rendered when a sample is listed (add yours).
var foundationAreas = []string{"admin/", "auth/", "errors/", "home/", "org/", "public/"}

// samplePages gives each page template typed data, filled enough that its loops and
// conditions run. The script in names checks escaping on every page.
func samplePages() map[string]any {
	user := &org.Principal{UserID: 1, Name: "Nguyễn Văn <b>Bí thư</b>", Username: "bithu1",
		Grants: []org.Grant{{UnitID: 2, UnitPath: "/1/2/", UnitName: "Đảng bộ Sở Tư pháp", Role: org.RoleManager}}}
	page := func(title string) Page {
		return Page{Title: title, User: user, Unread: 3, OrgName: "Đảng bộ Khối", FormNonce: "n0nce",
			Crumbs:  []Crumb{{Label: "Tổ chức", Href: "/units"}, {Label: title}},
			Flashes: []Flash{{Kind: "success", Message: "Đã lưu."}},
			Errors:  map[string]string{"full_name": "Vui lòng nhập họ và tên."}, ErrorMsg: "Dữ liệu chưa hợp lệ.",
			Form: url.Values{"full_name": {"<script>alert(1)</script>"}}, RequestPath: "/x"}
	}
	unit := org.Unit{ID: 2, ParentID: 1, Path: "/1/2/", Depth: 1, Kind: org.KindAgency, Name: "Sở Tư pháp <script>alert(1)</script>", Code: "STP", ValidFrom: "2020-10-15", ChildCount: 2}
	pos := org.Position{ID: 1, PersonID: 1, UnitID: 2, UnitName: unit.Name, Title: "bi-thu", StartDate: "2021-03-01"}
	person := org.Person{ID: 1, FullName: "Trần Thị <i>Bình</i>", Gender: "nu", BirthYear: 1985, Email: "b@example.vn", Phone: "0912345678", PartyMember: true, UnitID: 2, UnitName: unit.Name, Positions: []org.Position{pos}}
	row := audit.Row{ID: 1, At: "2026-11-25T02:12:00Z", ActorID: 1, ActorName: "Nguyễn Văn A", Address: "127.0.0.1", UnitID: 2, Entity: "person", EntityID: 1, Action: "create", Summary: "Thêm người <script>", After: `{"a":1}`}
	acct := auth.Account{User: auth.User{ID: 3, Username: "binh.tt", DisplayName: person.FullName, PersonID: 1, UnitID: 2, CreatedAt: "2026-11-25T02:12:00Z"},
		PersonName: person.FullName, UnitName: unit.Name, UnitPath: unit.Path, LastLoginAt: "2026-11-26T02:12:00Z", LockedUntil: "2026-11-26T02:30:00Z", Failures: 10,
		Grants: []org.Grant{{ID: 1, UserID: 3, UnitID: 2, UnitPath: "/1/2/", UnitName: unit.Name, Role: org.RoleMember}}}
	out := map[string]any{
		"admin/index":        adminPage{Page: page("Quản trị"), CanAudit: true},
		"admin/audit":        auditPage{Page: page("Nhật ký"), Rows: []audit.Row{row}, Unit: &unit, NextURL: "/audit?before=1"},
		"admin/users":        accountListPage{Page: page("Tài khoản"), Accounts: []auth.Account{acct, func() auth.Account { a := acct; a.Disabled = true; return a }()}, Units: []org.Unit{unit}, NextURL: "/admin/users?after=b"},
		"admin/user":         adminAccountPage{Page: page("Tài khoản"), Account: acct, Units: []org.Unit{unit}, Roles: org.Roles, History: []audit.Row{row}, NewPassword: "abcd-efgh-jkmn-pqrs"},
		"admin/user#self":    adminAccountPage{Page: page("Tài khoản"), Account: func() auth.Account { a := acct; a.Grants = nil; a.Disabled = true; return a }(), Self: true, ChangeError: "Ngoài phạm vi <b>"},
		"admin/user_form":    accountFormPage{Page: page("Tạo tài khoản"), Units: []org.Unit{unit}, Roles: org.Roles, People: []org.Person{person, person}, PersonQ: "binh <b>", Linked: map[int64]bool{1: true}},
		"admin/user_form#p":  accountFormPage{Page: page("Tạo tài khoản"), Units: []org.Unit{unit}, Roles: org.Roles, Person: &person},
		"admin/user_created": accountCreatedPage{Page: page("Đã tạo"), Account: auth.User{ID: 3, Username: "binh.tt", DisplayName: person.FullName}, Password: "abcd-efgh-jkmn-pqrs"},
		"auth/login":         loginPage{Page: page("Đăng nhập"), Next: "/units"},
		"auth/setup":         setupPage{Page: page("Thiết lập"), Token: "tok"},
		"auth/account":       accountPage{Page: page("Tài khoản"), Account: auth.User{ID: 1, Username: "bithu1", DisplayName: "Nguyễn Văn A"}, Tokens: []auth.Token{{ID: 1, Name: "báo cáo", Prefix: "dv_ab", CreatedAt: "2026-11-25T02:12:00Z"}}, NewToken: "dv_secret"},
		"auth/notifications": notificationsPage{Page: page("Thông báo"), Notes: []notify.Note{{ID: 1, Title: "Đơn <b>mới</b>", Body: "x", Link: "/petitions/1", CreatedAt: "2026-11-25T02:12:00Z"}}, NextURL: "/notifications?before=1"},
		"errors/error":       errorPage{Page: page("Không tìm thấy trang"), Status: 404, Heading: "Không tìm thấy trang", Message: "Không tìm thấy <b>"},
		"dashboard/dashboard": subtreeDashboardPage{Page: page("Số liệu"), D: dashboardData{Unit: unit, From: "2026-01-01", To: "2026-06-30", Children: []org.Unit{unit}},
			Blocks: []blockView{makeBlockView(figures.Block{Key: "plans", Title: "Kế hoạch <b>", Figures: []figures.Figure{{Key: "done", Label: "Hoàn thành", Value: 3, Href: "/tasks"}, {Key: "overdue", Label: "Quá hạn <i>", Value: 2, Bad: true}},
				Trend: []figures.Point{{Month: "2026-01", Values: []int64{1, 0}}, {Month: "2026-02", Values: []int64{2, 2}}}, ByChild: map[string][]int64{unit.Path: {3, 2}}}, []org.Unit{unit})}},
		"inspection/evidence": evidencePage{Page: page("Hồ sơ số liệu"), Age: "2 giờ trước", E: inspection.Evidence{RoundID: 1, DecisionNo: "12-QĐ/ĐUK <b>", TargetID: 2, TargetName: unit.Name,
			From: "2025-01-01", To: "2026-06-30", TakenAt: "2026-06-30T02:00:00Z", RightsOf: "Nguyễn <b>A</b>", AskedBy: "Trần B", CanRefresh: true,
			Targets: []inspection.TargetRef{{ID: 2, Name: unit.Name}, {ID: 3, Name: "Sở <i>Y tế</i>"}}},
			Blocks: []blockView{makeBlockView(figures.Block{Key: "plans", Title: "Kế hoạch <b>", Figures: []figures.Figure{{Key: "done", Label: "Hoàn thành", Value: 3, Href: "/tasks?unit=2"}, {Key: "overdue", Label: "Quá hạn <i>", Value: 2, Bad: true}},
				Trend: []figures.Point{{Month: "2026-01", Values: []int64{1, 0}}, {Month: "2026-02", Values: []int64{2, 2}}}}, nil)}},
		"inspection/evidence#none": evidencePage{Page: page("Hồ sơ số liệu"), E: inspection.Evidence{RoundID: 1, DecisionNo: "12-QĐ/ĐUK", TargetID: 2, TargetName: unit.Name}},
		"inspection/coverage": func() coveragePage {
			c := inspection.Coverage{UnitID: 1, UnitName: unit.Name, Years: 5, From: "2021-12-08", To: "2026-12-07", Eligible: 3,
				Topics:  []inspection.Topic{{ID: 1, Code: "quy-che-dan-chu", Name: "Quy chế <b>dân chủ</b>"}, {ID: 2, Code: "don-thu", Name: "Đơn thư"}},
				ByTopic: [][3]int{{1, 1, 0}, {0, 1, 0}}, Rows: []inspection.CoverageRow{{UnitID: 2, Name: unit.Name, Kind: org.KindAgency, Rounds: 2, Topics: []int{2, 0}, LastOn: "2026-06-15", Recs: 3, Done: 1, Overdue: 1, Carried: 1}},
				Never: []inspection.UnitRef{{ID: 3, Name: "Sở <i>Y tế</i>", Kind: org.KindAgency}}, Rounds: 2, Recs: 3, Done: 1, Overdue: 1, Carried: 1}
			pg := coveragePage{Page: page("Bao phủ"), C: c, Units: []org.Unit{unit}, Chart: coverageChart(c), Never: c.Never, RowsFrom: 1, RowsTo: 1, NeverFrom: 1, NeverTo: 1,
				RowsNext: "/inspections/coverage?rows=200", NeverNext: "/inspections/coverage?never=200"}
			pg.Rows = []coverageRowView{{CoverageRow: c.Rows[0], Rate: "50,0%", Low: false}}
			return pg
		}(),
		"home/home":         homePage{Page: page("Tổng quan"), Units: 1234, People: 1234567},
		"public/portal":     func() Page { p := page("Cổng thông tin"); p.User, p.Public = nil, true; return p }(),
		"org/tree":          treePage{Page: page("Cây tổ chức"), Roots: []treeNode{{Unit: unit, Children: []org.Unit{unit}}}, Results: []org.Unit{unit}, Q: "tu phap"},
		"org/unit":          unitPage{Page: page(unit.Name), Unit: unit, Parent: &unit, Successor: &unit, Children: []org.Unit{unit}, Positions: []org.Position{pos}, People: []org.Person{person}, Activity: []audit.Row{row}, CanManage: true, CanPeople: true},
		"org/unit_form":     unitFormPage{Page: page("Sửa đơn vị"), Unit: unit, Parent: unit, Kinds: []org.UnitKind{org.KindAgency}, Action: "/units/2"},
		"org/unit_move":     unitActionPage{Page: page("Chuyển đơn vị"), Unit: unit},
		"org/unit_close":    unitActionPage{Page: page("Giải thể"), Unit: unit},
		"org/people":        peoplePage{Page: page("Cán bộ"), People: []org.Person{person}, Unit: &unit, Titles: org.PositionTitles, NextURL: "/people?after=x", CanCreate: true},
		"org/person":        personPage{Page: page(person.FullName), Person: person, History: []audit.Row{row}, CanManage: true, Titles: org.PositionTitles},
		"org/person_form":   personFormPage{Page: page("Thêm người"), Person: person, Units: []org.Unit{unit}, Titles: org.PositionTitles, Action: "/people", IsNew: true},
		"org/people_import": importPage{Page: page("Nhập từ Excel")},
		"org/people_import_run": importRunPage{Page: page("Nhập từ Excel"), Run: peopleimport.Run{ID: 3, FileName: "ds <b>.xlsx", Status: peopleimport.StatusFailed, Total: 1000, Checked: 1000,
			Message: "Tệp có dòng chưa hợp lệ", Problems: []peopleimport.Problem{{Line: 4, Column: "Họ và tên (*)", Message: "Họ và tên chỉ gồm chữ cái <script>"}}}},
		"draft/list":                    draftListPage{Page: page("Dự thảo")},
		"draft/form":                    draftFormPage{Page: page("Dự thảo")},
		"draft/show":                    draftShowPage{Page: page("Dự thảo")},
		"draft/version":                 draftVersionPage{Page: page("Dự thảo")},
		"draft/diff":                    draftDiffPage{Page: page("Dự thảo")},
		"draft/round_form":              roundFormPage{Page: page("Dự thảo")},
		"draft/round":                   roundPage{Page: page("Dự thảo")},
		"draft/comment_edit":            commentEditPage{Page: page("Dự thảo")},
		"draft/report":                  reportPage{Page: page("Dự thảo")},
		"draft/public_list":             publicRoundsPage{Page: page("Góp ý dự thảo")},
		"draft/public_round":            publicRoundPage{Page: page("Góp ý dự thảo"), Open: true},
		"org/people_import_run#ok":      importRunPage{Page: page("Nhập từ Excel"), Run: peopleimport.Run{ID: 3, FileName: "ds.xlsx", Status: peopleimport.StatusDone, Total: 1000, Checked: 1000, Written: 900, Positions: 1000}},
		"org/people_import_run#running": importRunPage{Page: page("Nhập từ Excel"), Run: peopleimport.Run{ID: 3, FileName: "ds.xlsx", Status: peopleimport.StatusChecking, Total: 1000, Checked: 350}},
		"org/people_import_run#queued":  importRunPage{Page: page("Nhập từ Excel"), Run: peopleimport.Run{ID: 3, FileName: "ds.xlsx", Status: peopleimport.StatusQueued}},
	}
	for k, v := range petitionSamples(page) {
		out[k] = v
	}
	for k, v := range modelSamples(page, unit) {
		out[k] = v
	}
	for k, v := range inspectionSamples(page) {
		out[k] = v
	}
	for k, v := range reportSamples(page, unit) {
		out[k] = v
	}
	// The global search: sections with matches, one out of time, the others named; empty; none.
	out["search/results"] = searchPage{Page: page("Tìm kiếm"), Q: "chi bo <b>", Found: true, Sections: []searchSection{
		{Key: "don-vi", Heading: "Đơn vị", Hits: []searchHit{{Label: unit.Name, Href: "/units/2", Detail: "Cơ quan"}}, More: true, AllURL: "/units?q=chi+bo"},
		{Key: "nguoi", Heading: "Cán bộ, đảng viên", Hits: []searchHit{{Label: person.FullName, Href: "/people/1"}}, AllURL: "/people?q=chi+bo"},
		{Key: "don-thu", Heading: "Đơn thư", Slow: true, AllURL: "/petitions?q=chi+bo"}},
		Missed: []string{"Văn bản chỉ đạo", "Dự thảo"}}
	out["search/results#empty"] = searchPage{Page: page("Tìm kiếm")}
	out["search/results#none"] = searchPage{Page: page("Tìm kiếm"), Q: "<script>alert(1)</script>", Missed: []string{"Văn bản chỉ đạo"}}
	return out
}

// modelSamples are the pages of the models domain (mô hình dân vận).
func modelSamples(page func(string) Page, unit org.Unit) map[string]any {
	m := emulation.Model{ID: 7, Kind: emulation.KindExemplar, UnitID: 2, UnitPath: "/1/2/", UnitName: "Công đoàn <script>alert(1)</script>", Name: "Mô hình <b>Bí thư</b>",
		Holder: "Tập thể <i>A</i>", Field: "kinh-te", Year: 2026, Problem: "p", Goals: "g", State: emulation.Recognised, ReplicaOf: 3, Level: "cap-tren", Reward: "Bằng khen",
		Decision: "125-QĐ/ĐUK", RecognisedYear: 2026, PhotoID: 9, LastReportAt: "2026-11-25T02:12:00Z", WatchAt: "2026-06-01T00:00:00Z", StartsOn: "2026-02-01", EndsOn: "2026-11-30", StopReason: "x"}
	sp := emulation.Support{ID: 4, ModelID: 7, ModelName: m.Name, ToUnitName: "Sở <b>", Request: "Đề nghị <script>", AskedName: "A", AskedAt: "2026-11-25T02:12:00Z"}
	rep := emulation.Report{ID: 1, Kind: emulation.ReportReview, Body: "Sơ kết", Figures: []emulation.Figure{{Label: "Hộ", Value: 1234.5}}, AuthorName: "B", CreatedAt: "2026-11-25T02:12:00Z", Support: &sp}
	set := emulation.CriteriaSet{ID: 1, Year: 2026, Level: "cap-tren", Name: "Tiêu chí", ScaleMax: 10, Criteria: []emulation.Criterion{{ID: 1, Seq: 1, Name: "Hiệu quả", Weight: 100}}}
	round := emulation.Round{ID: 2, Year: 2026, Level: "cap-tren", UnitName: unit.Name, SetName: set.Name, Name: "Bình xét <b>", State: "decided", Decision: "1-QĐ", DecidedAt: "2026-11-25T02:12:00Z", Candidates: 1}
	score := emulation.Score{ID: 1, AssessorName: "C <b>", Total: 8.25, Note: "n", Values: map[int64]float64{1: 8.25}}
	cand := emulation.Candidate{ID: 3, RoundID: 2, Model: m, Result: 8.25, Scores: 1, Recognised: true, Reward: "Giấy khen", Rank: 1, Mine: &score}
	counts := emulation.UnitCounts{Unit: unit, Total: 3, ByField: map[string]int{"kinh-te": 3}, ByState: map[emulation.State]int{emulation.Recognised: 3}}
	nodes := []emulation.Node{{ID: 3, Name: "Gốc <b>", UnitName: "Sở A", State: emulation.Recognised, Year: 2025}, {ID: 7, ParentID: 3, Name: m.Name, UnitName: "Sở B", State: emulation.Replicated, Year: 2026, Depth: 1}}
	years := []emulation.YearCount{{Year: 2025, ByField: map[string]int{"kinh-te": 2}, Total: 2}, {Year: 2026, ByField: map[string]int{"kinh-te": 1, "van-hoa-xa-hoi": 4}, Total: 5}}
	pub := page("Vinh danh")
	pub.User, pub.Public = nil, true
	rights := emulation.Rights{Edit: true, Submit: true, Approve: true, Return: true, Start: true, Stop: true, Report: true, Review: true, Files: true, Propose: true, Replicate: true}
	return map[string]any{
		"model/list":      modelListPage{Page: page("Mô hình"), Models: []emulation.Model{m}, Next: "/models?before=7", CanCreate: true, Fields: emulation.Fields, States: emulation.States},
		"model/form":      modelFormPage{Page: page("Đăng ký"), Original: &m, Units: []org.Unit{unit}, Fields: emulation.Fields, Action: "/models/new"},
		"model/form#edit": modelFormPage{Page: page("Sửa"), Model: &m, Fields: emulation.Fields, Action: "/models/7/edit"},
		"model/show": modelShowPage{Page: page("Mô hình"), Model: m, Rights: rights, Photos: []attach.File{{ID: 9, Name: "a.png"}}, Files: []attach.File{{ID: 10, Name: "b.pdf", Size: 1234}},
			Reports: []emulation.Report{rep}, Supports: []supportView{{sp, true}}, Rounds: []emulation.Round{round}, Original: &modelRef{3, "Gốc <b>", "Sở", true}, Spread: nodes,
			History: []audit.Row{{ID: 1, At: "2026-11-25T02:12:00Z", ActorName: "A", Summary: "Tạo <script>"}}},
		"model/confirm":      modelConfirmPage{Page: page("Dừng"), Model: m, Act: "stop", Label: "Dừng", Button: "Dừng mô hình", Danger: true},
		"model/discover":     modelDiscoverPage{Page: page("Phát hiện"), D: emulation.Discovery{Unit: unit, Self: counts, Children: []emulation.UnitCounts{counts}, NoModels: []org.Unit{unit}, Stuck: []emulation.Model{m}, StuckCount: 20000, Unanswered: []emulation.Support{sp}, UnanswerOpen: 1}, Fields: emulation.Fields, Crumbs2: []org.Unit{unit}},
		"model/spread":       modelSpreadPage{Page: page("Nhân rộng"), Model: m, Nodes: nodes, Chart: spreadSVG(nodes, 7)},
		"model/stats":        modelStatsPage{Page: page("Thống kê"), Years: years, Fields: emulation.Fields, Chart: yearChart(years)},
		"model/criteria":     criteriaPage{Page: page("Tiêu chí"), Sets: []emulation.CriteriaSet{set}, Levels: emulation.Levels, Rows: []int{0, 1}, Admin: true},
		"model/rounds":       roundListPage{Page: page("Bình xét"), Rounds: []emulation.Round{round}, Sets: []emulation.CriteriaSet{set}, Units: []org.Unit{unit}, CanNew: true},
		"model/round":        roundShowPage{Page: page("Bình xét"), Round: round, Set: set, Candidates: []candidateView{{cand, true, true}}, CanDecide: true, Rewards: emulation.Rewards},
		"model/candidate":    candidatePage{Page: page("Chấm điểm"), Round: round, Set: set, C: cand, CanAssess: true, SeeScores: true, Scores: []emulation.Score{score}},
		"model/honour":       honourPage{Page: pub, Models: []emulation.Model{m}, Next: "/vinh-danh?before=7", Fields: emulation.Fields, Years: []int{2026}, Units: [][2]string{{"2", "Sở <b>"}}, Image: "http://x/files/9", URL: "http://x/vinh-danh"},
		"model/honour_model": honourModelPage{Page: pub, Model: m, Photos: []int64{9}, Original: &modelRef{3, "Gốc", "Sở", true}, Spread: nodes, Image: "http://x/files/9", URL: "http://x/vinh-danh/7"},
	}
}

// petitionSamples are the petition domain's pages, with a script in every text.
func petitionSamples(page func(string) Page) map[string]any {
	pub := func(title string) Page { p := page(title); p.User, p.Public = nil, true; return p }
	steps := []petition.StepDeadline{{ID: 1, Step: petition.StepResolve, Amount: 30, Unit: calendar.CalendarDays, StartsOn: "2026-11-02", DueOn: "2026-12-02", Status: "open", DaysLeft: -2,
		Badge: work.MakeBadge("2026-12-02", -2, false, "")}, {ID: 2, Step: petition.StepRegister, Amount: 7, Unit: calendar.WorkingDays, StartsOn: "2026-10-20", DueOn: "2026-10-29", Status: "done", DoneOn: "2026-10-22"}}
	pt := petition.Petition{ID: 7, Code: "K7QM2XDA9PR4", Kind: petition.Denunciation, Channel: petition.InPerson, State: petition.Extended, Open: true, UnitID: 2, UnitName: "Sở Tư pháp <script>alert(1)</script>",
		ReceivedOn: "2026-10-20", Round: 1, Complexity: "complex", Area: "normal", Competent: true, Subject: "Tố cáo <script>alert(1)</script>", Content: "Nội dung <script>alert(1)</script>",
		Sender: petition.Sender{Name: "Người <b>Bí thư</b>", Phone: "0912", Address: "<script>alert(1)</script>", IDNo: "001"}, LeadName: "Trần <script>alert(1)</script>", LeadUnitName: "Thanh tra",
		HeadName: "Lê Văn C", DueOn: "2026-12-02", DecisionNo: "05/QĐ <script>alert(1)</script>", Result: "partly", Conclusion: "<script>alert(1)</script>", Steps: steps,
		SupportUnits: []org.Unit{{ID: 3, Name: "Văn phòng"}}, Support: []petition.Assignee{{PersonID: 1, Name: "Phạm <script>alert(1)</script>", Role: "lead"}},
		Events: []petition.Event{{At: "2026-11-25T02:12:00Z", PublicText: "Đơn đã được tiếp nhận <script>alert(1)</script>"}}, Badge: work.MakeBadge("2026-12-02", -2, false, "")}
	masked := pt
	masked.Sender, masked.Masked = petition.Sender{Name: "Người tố cáo (thông tin được bảo mật)"}, true
	dup := petition.Duplicate{ID: 8, Code: "ABCDEFGHJKM0", Kind: petition.Complaint, State: petition.Received, ReceivedOn: "2026-11-01", Subject: "<script>alert(1)</script>", Reason: "Cùng số điện thoại"}
	choices := []petition.Choice{{ID: 2, Name: "Sở <script>alert(1)</script>"}}
	row := audit.Row{ID: 1, At: "2026-11-25T02:12:00Z", ActorName: "Nguyễn Văn A", Summary: "Thụ lý <script>"}
	dash := petition.Dashboard{Unit: org.Unit{ID: 1, Name: "Đảng ủy <script>alert(1)</script>"}, Total: petition.Figures{Received: 1234567, Resolved: 1000, OnTime: 875, OverdueNow: 12},
		ByKind:   []petition.KindFigures{{Kind: petition.Complaint, Figures: petition.Figures{Received: 10, Resolved: 5, OnTime: 4}}},
		ByMonth:  []petition.MonthFigures{{Month: "2026-11", Figures: petition.Figures{Received: 10}}},
		Children: []petition.ChildFigures{{Unit: org.Unit{ID: 2, Name: "Sở <script>alert(1)</script>"}, Figures: petition.Figures{Received: 3, OverdueNow: 1}}}}
	rule := petition.Rule{ID: 1, Kind: petition.Complaint, Step: petition.StepAccept, Amount: 7, Unit: calendar.WorkingDays, EffectiveFrom: "2026-07-01", Basis: "NĐ <script>alert(1)</script>"}
	status := petition.PublicStatus{Code: pt.Code, Kind: pt.Kind, State: pt.State, ReceivedOn: pt.ReceivedOn, UnitName: pt.UnitName, DueOn: pt.DueOn, Events: pt.Events}
	out := map[string]any{
		"petition/list":        petitionListPage{Page: page("Đơn thư"), Petitions: []petition.Petition{masked}, NextURL: "/petitions?after=x", ExportURL: "/petitions/export.xlsx?", Units: choices, CanCreate: true, Kinds: petition.Kinds, States: petition.States, Channels: petition.Channels},
		"petition/list#empty":  petitionListPage{Page: page("Đơn thư"), CanCreate: true},
		"petition/form":        petitionFormPage{Page: page("Tiếp nhận đơn"), Units: choices, Kinds: petition.Kinds, Channels: petition.Channels, Duplicates: []petition.Duplicate{dup}, Checked: true, Today: "2026-12-01"},
		"petition/show":        petitionShowPage{Page: page("Đơn"), P: pt, CanHandle: true, Actions: petition.Available(pt.State), Duplicates: []petition.Duplicate{dup}, Case: []petition.Duplicate{dup}, History: []audit.Row{row}, Files: []attach.File{{ID: 1, Name: "a<script>.pdf"}}},
		"petition/show#masked": petitionShowPage{Page: page("Đơn"), P: masked, HiddenFile: 2},
		"petition/dashboard":   dashboardPage{Page: page("Thống kê"), D: dash, Today: "2026-12-01", MonthChart: barChart("T <script>", "D", []string{"11/26"}, []barSeries{{"Nhận", "#1f4e79", []int{3}}}), KindChart: barChart("K", "D", []string{"<b>"}, nil)},
		"admin/calendar":       calendarPage{Page: page("Lịch"), Year: 2027, Days: []petition.Day{{Date: "2027-05-12", Kind: "off", Name: "<script>alert(1)</script>"}}, Holidays: calendar.New(nil).Holidays(2027), Prev: 2026, Next: 2028},
		"admin/rules":          rulesPage{Page: page("Quy định"), Rules: []petition.Rule{rule}, Kinds: petition.Kinds, Steps: petition.Steps},
		"admin/disclosure_rules": disclosureRulesPage{Page: page("Quy định công khai"), Categories: []democracy.DisclosureCategory{{Code: "ngan-sach", Label: "Ngân sách <script>alert(1)</script>"}},
			Rules: []democracy.DisclosureRule{{ID: 1, Category: "ngan-sach", EffectiveFrom: "2023-07-01", PostWithin: 5, PostUnit: calendar.WorkingDays, DisplayDays: 90, Basis: "Luật <script>alert(1)</script>"}, {ID: 2, EffectiveFrom: "2023-07-01", PostWithin: 5, PostUnit: calendar.WorkingDays, DisplayDays: 20, Basis: "Chung"}}},
		"public/submit":    submitPage{Page: pub("Gửi đơn"), Units: choices, Kinds: petition.Kinds},
		"public/submitted": submitPage{Page: pub("Đã gửi"), Code: "K7QM-2XDA-9PR4", Kind: petition.Denunciation},
		"public/track":     trackPage{Page: pub("Tra cứu"), Status: &status},
		"public/track#nf":  trackPage{Page: pub("Tra cứu"), NotFound: true},
	}
	for _, a := range petition.Actions {
		out["petition/action#"+string(a)] = petitionActionPage{Page: page("Thao tác"), P: pt, Action: a, Units: choices, People: choices, Kinds: petition.Kinds,
			Results: resultOptions(), Complexity: complexityOptions(pt.Kind), Today: "2026-12-01", SupportUnit: map[int64]bool{2: true}}
	}
	return out
}

// reportSamples are the periodic reports' pages: a draft with live figures and the
// editor, a returned one with remarks, a submitted one as the level above sees it.
func reportSamples(page func(string) Page, unit org.Unit) map[string]any {
	blk := figures.Block{Key: "plans", Title: "Kế hoạch <b>", Figures: []figures.Figure{{Key: "done", Label: "Hoàn thành <i>", Value: 3, Href: "/tasks"}, {Key: "overdue", Label: "Quá hạn", Value: 2, Bad: true}},
		ByChild: map[string][]int64{unit.Path: {3, 2}}}
	v := report.Version{Version: 2, Achievements: "Kết quả <script>alert(1)</script>\n- ý hai", Weaknesses: "Hạn chế", NextTasks: "Nhiệm vụ", AuthorName: "Nguyễn <b>A</b>", CreatedAt: "2026-07-03T02:00:00Z"}
	rep := report.Report{ID: 7, Unit: unit, Kind: report.SixMonth, From: "2026-01-01", To: "2026-06-30", Title: "Sơ kết công tác dân vận 6 tháng đầu năm 2026", Status: report.Draft, Version: 2,
		Narrative: v, Versions: []report.Version{v, {Version: 1, AuthorName: "B"}}, DueOn: "2026-07-10", CanWrite: true,
		Figures: report.Snapshot{TakenAt: "2026-07-03T02:00:00Z", Blocks: []figures.Block{blk}, Children: []report.Child{{ID: unit.ID, Name: unit.Name, Path: unit.Path}}},
		Events:  []report.Event{{Action: "create", UserName: "Nguyễn <b>A</b>", At: "2026-07-01T02:00:00Z"}, {Action: "return", Remarks: "Bổ sung <script>alert(1)</script>", UserName: "C", At: "2026-07-04T02:00:00Z"}}}
	returned := rep
	returned.Status, returned.Remarks, returned.Frozen, returned.SubmittedAt = report.Returned, "Bổ sung <script>alert(1)</script>", true, "2026-07-03T02:00:00Z"
	sent := rep
	sent.Status, sent.CanWrite, sent.CanReceive, sent.Frozen, sent.SubmittedAt = report.Submitted, false, true, true, "2026-07-03T02:00:00Z"
	show := func(r report.Report, old bool) reportShowPage {
		pg := reportShowPage{Page: page("Báo cáo"), R: r, Today: "2026-12-01", Shown: r.Narrative, OldShown: old}
		pg.Blocks = []blockView{makeBlockView(blk, []org.Unit{unit})}
		return pg
	}
	board := report.Board{Unit: unit, Kind: report.SixMonth, From: "2026-01-01", To: "2026-06-30", Title: rep.Title, DueOn: "2026-07-10", NotSent: 2, Overdue: 1, CanReceive: true,
		Children: []report.ChildStatus{{Unit: unit, ReportID: 7, Status: report.Submitted, SubmittedAt: "2026-07-03T02:00:00Z"}, {Unit: unit, Overdue: true}, {Unit: unit, ReportID: 8, Status: report.Draft}}}
	return map[string]any{
		"report/index": reportIndexPage{Page: page("Báo cáo"), Unit: unit, Units: []org.Unit{unit, unit}, CanWrite: true, Today: "2026-12-01", Year: 2026, Kinds: report.Kinds, Board: &board,
			Reports: []report.Summary{{ID: 7, UnitName: unit.Name, Kind: report.SixMonth, From: "2026-01-01", To: "2026-06-30", Title: rep.Title, Status: report.Returned, Version: 2, SubmittedAt: "2026-07-03T02:00:00Z"}},
			Calls:   []report.Call{{ID: 1, Kind: report.SixMonth, From: "2026-01-01", To: "2026-06-30", Title: rep.Title, DueOn: "2026-07-10"}}},
		"report/index#empty": reportIndexPage{Page: page("Báo cáo"), Kinds: report.Kinds},
		"report/new":         reportNewPage{Page: page("Lập báo cáo"), Unit: unit, Kinds: report.Kinds},
		"report/show":        show(rep, false),
		"report/show#old":    show(rep, true),
		"report/show#ret":    show(returned, false),
		"report/show#sent":   show(sent, false),
		"report/submit":      show(rep, false),
	}
}

func TestEveryPageTemplateRenders(t *testing.T) {
	v, err := parseViews()
	if err != nil {
		t.Fatal(err)
	}
	samples := samplePages()
	for name := range v.pages {
		if _, ok := samples[name]; ok {
			continue
		}
		foundation := false
		for _, a := range foundationAreas {
			foundation = foundation || strings.HasPrefix(name, a)
		}
		if foundation {
			t.Errorf("template %s has no sample page in samplePages", name)
		} else {
			t.Logf("template %s has no sample page (domain: add one to samplePages)", name)
		}
	}
	for key, data := range samples {
		name, _, _ := strings.Cut(key, "#")
		tpl, ok := v.pages[name]
		if !ok {
			t.Errorf("sample for missing template %s", name)
			continue
		}
		var buf bytes.Buffer
		if err := tpl.ExecuteTemplate(&buf, "layout", data); err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		html := buf.String()
		if strings.Contains(html, "<script>alert") || strings.Contains(html, "<b>Bí thư</b>") {
			t.Errorf("%s: unescaped markup from data", key)
		}
		for _, want := range []string{`<html lang="vi"`, "<main", "</html>"} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: lacks %s", key, want)
			}
		}
	}
}
