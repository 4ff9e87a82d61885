package web

import (
	"net/url"

	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/inspection"
	"danvan/internal/work"
)

// inspectionSamples are the pages of inspection and supervision, with names carrying
// markup so that escaping is checked on each.
func inspectionSamples(page func(string) Page) map[string]any {
	target := inspection.UnitRef{ID: 2, Name: "Sở Tư pháp <script>alert(1)</script>", Path: "/1/2/"}
	item := inspection.Item{ID: 3, Seq: 1, Kind: inspection.KindInspect, TopicID: 1, TopicName: "Quy chế <b>dân chủ</b>", Months: []int{3, 4}, LeadID: 1, LeadName: "Trần <i>B</i>",
		Targets: []inspection.UnitRef{target}, Rounds: []inspection.RoundSummary{{ID: 5, DecisionNo: "12-QĐ/ĐUK", StartsOn: "2026-03-02", EndsOn: "2026-03-06", Status: "open"}}}
	prog := inspection.Programme{ID: 1, UnitID: 1, UnitPath: "/1/", UnitName: "Đảng bộ Khối <b>", Year: 2026, Title: "Chương trình <script>", Status: "approved", ApprovedOn: "2026-01-10",
		ItemCount: 1, RoundCount: 1, Items: []inspection.Item{item}}
	draft := prog
	draft.Status, draft.ApprovedOn = "draft", ""
	rec := inspection.Recommendation{ID: 7, Seq: 1, TargetID: 2, TargetName: target.Name, Content: "Công khai <b>kết quả</b>", TaskID: 9, TaskStatus: "open", LeadID: 4, LeadName: "Lê <i>C</i>",
		DueOn: "2026-04-10", Badge: work.Badge{State: work.Overdue, Label: "Quá hạn 3 ngày"}}
	carried := rec
	carried.ID, carried.Seq, carried.Carried, carried.Badge = 8, 2, "Chờ quy chế <b>", work.Badge{State: work.Closed, Label: "Chuyển sang kỳ sau"}
	d := inspection.RoundDetail{Round: inspection.Round{ID: 5, UnitPath: "/1/", DecisionNo: "12-QĐ/ĐUK", Status: "concluded"}, ProgrammeID: 1, ProgrammeTitle: prog.Title, Year: 2026,
		ItemID: 3, Kind: inspection.KindInspect, TopicID: 1, TopicName: item.TopicName, UnitID: 1, UnitName: prog.UnitName, DecisionOn: "2026-02-20", StartsOn: "2026-03-02", EndsOn: "2026-03-06",
		ReportDue: "2026-02-27", HeadID: 1, ConclusionNo: "05-TB/ĐUK", ConclusionOn: "2026-03-20", Conclusion: "Kết luận <script>", Referral: "Ủy ban Kiểm tra <b>",
		Members: []inspection.Member{{PersonID: 1, Name: "Trần <i>B</i>", UnitName: "Ban <b>", Head: true}, {PersonID: 2, Name: "Phạm D"}},
		Targets: []inspection.Target{{UnitRef: target, Mine: true, Report: &inspection.SelfReport{ID: 11, UnitID: 2, Body: "Báo cáo <b>", SubmittedBy: "Bí thư <i>", SubmittedAt: "2026-02-25T02:00:00Z"},
			Findings: []inspection.FindingView{{Finding: inspection.Finding{ID: 1, TargetID: 2, TopicID: 1, Content: "Chưa công khai <b>"}, TopicName: item.TopicName}}, Recs: []inspection.Recommendation{rec, carried}}},
		All: true, CanManage: true, CanFind: true}
	open := d
	open.Status, open.ConclusionNo = "open", ""
	open.Targets = []inspection.Target{{UnitRef: target, Mine: true}}
	row := audit.Row{ID: 1, At: "2026-11-25T02:12:00Z", ActorName: "Nguyễn <b>A</b>", Summary: "Lập <script>"}
	people := []inspection.PersonChoice{{ID: 1, Name: "Trần <i>B</i>", UnitName: "Ban <b>"}}
	withForm := func(pg Page, v url.Values) Page { pg.Form = v; return pg }
	return map[string]any{
		"inspection/list": inspectionListPage{Page: page("Kiểm tra, giám sát"), Year: 2026, Years: []int{2027, 2026}, Programmes: []inspection.Programme{prog, draft}, CanCreate: true,
			About: []inspection.RoundSummary{{ID: 5, UnitName: "Đảng bộ <b>", Kind: inspection.KindThematic, TopicName: "Đơn <i>thư</i>", DecisionNo: "12-QĐ/ĐUK", StartsOn: "2026-03-02", EndsOn: "2026-03-06", Status: "open", Targets: target.Name}}},
		"inspection/list#empty": inspectionListPage{Page: page("Kiểm tra, giám sát"), Year: 2026},
		"inspection/programme_form": programmeFormPage{Page: withForm(page("Lập chương trình"), url.Values{"item-1-targets": {"2"}, "item-1-months": {"3"}, "item-1-lead": {"1"}}),
			Committees: []inspection.UnitRef{{ID: 1, Name: "Đảng bộ <b>"}}, Targets: []inspection.UnitRef{target}, People: people, Topics: []inspection.Topic{{ID: 1, Name: "Quy chế <b>"}},
			Kinds: inspection.Kinds, Rows: []int{1, 2}, Months: []int{1, 2, 3}},
		"inspection/programme_show":       programmeShowPage{Page: page(prog.Title), P: prog, CanManage: true, History: []audit.Row{row}},
		"inspection/programme_show#draft": programmeShowPage{Page: page(prog.Title), P: draft, CanManage: true},
		"inspection/round_form":           inspRoundFormPage{Page: withForm(page("Thành lập đoàn"), url.Values{"member_ids": {"1"}}), P: prog, People: people},
		"inspection/round_show":           inspRoundShowPage{Page: page("Đoàn"), D: d, Topics: []inspection.Topic{{ID: 1, Name: "Quy chế <b>"}}, Files: map[int64][]attach.File{11: {{ID: 3, Name: "bao-cao <b>.pdf"}}}, History: []audit.Row{row}},
		"inspection/round_show#open":      inspRoundShowPage{Page: page("Đoàn"), D: open, Topics: []inspection.Topic{{ID: 1, Name: "Quy chế <b>"}}},
		"inspection/round_close":          inspRoundClosePage{Page: page("Kết thúc đoàn"), D: d},
		"inspection/conclude_form": concludeFormPage{Page: withForm(page("Thông báo kết luận"), url.Values{"rec-1-lead": {"1"}}), D: open, Rows: []int{1, 2},
			Leads: map[int64][]inspection.PersonChoice{2: people}},
	}
}
