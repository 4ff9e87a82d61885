package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"danvan/internal/emulation"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/plan"
	"danvan/internal/search"
)

// The global search behind the header's search box: one page, a section per module,
// each the first few matches of that module's own list function (so rights, subtree
// reach and the denouncer's confidentiality are exactly those of the list) and a link
// to the full list filtered by the same words.

// searchPerSection is how many matches a section shows; one more is asked for, so the
// page knows whether there are more without counting them all.
const searchPerSection = 5

// searchMaxRunes bounds the query: nobody types more, and a pasted page of text must not
// turn into a LIKE pattern of thousands of words run against every module.
const searchMaxRunes = 200

type searchHit struct {
	Label  string
	Href   string
	Detail string
}

type searchSection struct {
	Key     string // anchor and heading id
	Heading string
	Hits    []searchHit
	More    bool   // more matches than shown (not counted)
	Slow    bool   // not done within the page's budget: only the list's link
	AllURL  string // the module's list filtered by the query
	visible bool   // the user may see this module at all
}

type searchPage struct {
	Page
	Q        string
	Sections []searchSection // the modules with matches, in menu order
	Missed   []string        // the other modules the user may see: named in one line
	Found    bool
}

func (s *Server) searchRoutes() {
	s.handle("GET /search", s.searchAll)
}

// searchQuery cleans the typed words: valid UTF-8, no control characters, bounded.
func searchQuery(raw string) string {
	q := search.Clean(raw)
	if utf8.RuneCountInString(q) > searchMaxRunes {
		q = string([]rune(q)[:searchMaxRunes])
	}
	return q
}

func (s *Server) searchAll(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := searchQuery(r.URL.Query().Get("q"))
	pg := searchPage{Page: s.page(r, "Tìm kiếm", "", Crumb{Label: "Tìm kiếm"}), Q: q}
	pg.Query = q // the header's box shows the cleaned words too
	if search.Fold(q) == "" {
		return s.render(w, r, http.StatusOK, "search/results", pg)
	}
	// The sections run side by side, so the page takes as long as its slowest module, and
	// within a budget: a module slow on these words must not hold up the others.
	budget := s.SearchBudget
	if budget <= 0 {
		budget = 3 * time.Second
	}
	ctx, cancel := context.WithTimeout(r.Context(), budget)
	defer cancel()
	finders := []func(context.Context, *org.Principal, string) (searchSection, error){
		s.searchUnits, s.searchPeople, s.searchDocuments, s.searchPlans, s.searchTasks,
		s.searchPetitions, s.searchDrafts, s.searchModels,
	}
	secs := make([]searchSection, len(finders))
	errs := make([]error, len(finders))
	var wg sync.WaitGroup
	for i, find := range finders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			secs[i], errs[i] = find(ctx, p, q)
		}()
	}
	wg.Wait()
	for i, sec := range secs {
		if err := errs[i]; err != nil {
			if ctx.Err() == nil || r.Context().Err() != nil {
				return err
			}
			// Out of time (the drivers answer an interrupted query with their own errors).
			if !sec.visible {
				continue
			}
			s.Logger.Warn("search: section out of time", "section", sec.Key, "budget", budget, "err", err)
			sec.Hits, sec.Slow = nil, true
			pg.Sections = append(pg.Sections, sec)
			continue
		}
		if !sec.visible && len(sec.Hits) == 0 {
			continue
		}
		if len(sec.Hits) == 0 {
			pg.Missed = append(pg.Missed, sec.Heading)
			continue
		}
		if len(sec.Hits) > searchPerSection {
			sec.Hits, sec.More = sec.Hits[:searchPerSection], true
		}
		pg.Sections = append(pg.Sections, sec)
	}
	pg.Found = len(pg.Sections) > 0 // a slow section is not "nothing found"
	return s.render(w, r, http.StatusOK, "search/results", pg)
}

// listURL is a module's list filtered by the query, with its other filters widened.
func listURL(path, q string, extra ...string) string {
	v := url.Values{"q": {q}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return path + "?" + v.Encode()
}

func idURL(prefix string, id int64) string { return prefix + strconv.FormatInt(id, 10) }

func (s *Server) searchUnits(ctx context.Context, p *org.Principal, q string) (searchSection, error) {
	sec := searchSection{Key: "don-vi", Heading: "Đơn vị", AllURL: listURL("/units", q), visible: !p.Scope(org.ViewUnit).Empty()}
	us, err := s.Org.SearchUnits(ctx, p, q, searchPerSection+1)
	for _, u := range us {
		sec.Hits = append(sec.Hits, searchHit{Label: u.Name, Href: idURL("/units/", u.ID), Detail: u.Kind.Label()})
	}
	return sec, err
}

func (s *Server) searchPeople(ctx context.Context, p *org.Principal, q string) (searchSection, error) {
	sec := searchSection{Key: "nguoi", Heading: "Cán bộ, đảng viên", AllURL: listURL("/people", q), visible: !p.Scope(org.ViewPerson).Empty()}
	res, err := s.Org.FindPeople(ctx, p, org.PeopleFilter{Query: q, Limit: searchPerSection})
	for _, x := range res.People {
		sec.Hits = append(sec.Hits, searchHit{Label: x.FullName, Href: idURL("/people/", x.ID), Detail: x.UnitName})
	}
	sec.More = res.Next != ""
	return sec, err
}

func (s *Server) searchDocuments(ctx context.Context, p *org.Principal, q string) (searchSection, error) {
	// Any signed-in user may read the catalogue of directives (plan.FindDocuments).
	sec := searchSection{Key: "van-ban", Heading: "Văn bản chỉ đạo", AllURL: listURL("/documents", q), visible: true}
	res, err := s.Plans.FindDocuments(ctx, p, plan.DocFilter{Query: q, Limit: searchPerSection})
	for _, d := range res.Docs {
		sec.Hits = append(sec.Hits, searchHit{Label: d.Label(), Href: idURL("/documents/", d.ID), Detail: d.Title})
	}
	sec.More = res.Next != ""
	return sec, err
}

func (s *Server) searchPlans(ctx context.Context, p *org.Principal, q string) (searchSection, error) {
	// year=0: every year, where the list alone starts at the current one.
	sec := searchSection{Key: "ke-hoach", Heading: "Kế hoạch", AllURL: listURL("/plans", q, "year", "0"), visible: !p.Scope(org.ViewPlan).Empty()}
	ps, err := s.Plans.FindPlans(ctx, p, plan.PlanFilter{Query: q, Limit: searchPerSection + 1})
	for _, x := range ps {
		sec.Hits = append(sec.Hits, searchHit{Label: x.Title, Href: idURL("/plans/", x.ID), Detail: x.UnitName + " · năm " + strconv.Itoa(x.Year)})
	}
	return sec, err
}

func (s *Server) searchTasks(ctx context.Context, p *org.Principal, q string) (searchSection, error) {
	// Tasks are seen in the assigning reach and by their lead and supporters.
	sec := searchSection{Key: "nhiem-vu", Heading: "Nhiệm vụ", AllURL: listURL("/tasks", q), visible: !p.Scope(org.AssignTask).Empty() || p.PersonID != 0}
	ts, err := s.Plans.FindTasks(ctx, p, plan.TaskFilter{Query: q, Limit: searchPerSection + 1})
	for _, t := range ts {
		sec.Hits = append(sec.Hits, searchHit{Label: t.Title, Href: idURL("/tasks/", t.ID), Detail: t.UnitName + " · " + t.StatusLabel()})
	}
	return sec, err
}

func (s *Server) searchPetitions(ctx context.Context, p *org.Principal, q string) (searchSection, error) {
	// petition.Find masks every denouncer and never matches their name: the list's rules.
	sec := searchSection{Key: "don-thu", Heading: "Đơn thư", AllURL: listURL("/petitions", q), visible: !p.Scope(org.ViewPetition).Empty()}
	res, err := s.Petitions.Find(ctx, p, petition.Filter{Query: q, Limit: searchPerSection})
	for _, x := range res.Petitions {
		sec.Hits = append(sec.Hits, searchHit{Label: x.DisplayCode() + " · " + x.Subject, Href: idURL("/petitions/", x.ID),
			Detail: x.Kind.Label() + " · " + x.Sender.Name + " · " + x.UnitName})
	}
	sec.More = res.Next != ""
	return sec, err
}

func (s *Server) searchDrafts(ctx context.Context, p *org.Principal, q string) (searchSection, error) {
	sec := searchSection{Key: "du-thao", Heading: "Dự thảo", AllURL: listURL("/drafts", q), visible: !p.Scope(org.ViewDraft).Empty()}
	ds, err := s.Drafts.List(ctx, p, q, searchPerSection+1)
	for _, d := range ds {
		sec.Hits = append(sec.Hits, searchHit{Label: d.Title, Href: idURL("/drafts/", d.ID), Detail: d.Kind + " · " + d.UnitName})
	}
	return sec, err
}

func (s *Server) searchModels(ctx context.Context, p *org.Principal, q string) (searchSection, error) {
	sec := searchSection{Key: "mo-hinh", Heading: "Mô hình dân vận", AllURL: listURL("/models", q), visible: !p.Scope(org.ViewModel).Empty()}
	ms, next, err := s.Models.List(ctx, p, emulation.Filter{Query: q, Limit: searchPerSection})
	for _, m := range ms {
		sec.Hits = append(sec.Hits, searchHit{Label: m.Name, Href: idURL("/models/", m.ID), Detail: m.UnitName + " · năm " + strconv.Itoa(m.Year)})
	}
	sec.More = next != 0
	return sec, err
}
