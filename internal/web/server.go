// Package web serves danvan's pages and API: handlers (a file per domain), middleware,
// forms, templates and static files embedded in the binary.
//
// Handlers have the shape func(w, r) error and are adapted once (handle): an error of
// kind Invalid re-renders nothing by itself — form handlers re-render their form with
// the messages — while other errors become a Vietnamese error page (HTML) or a JSON
// error (API) with the status of their kind. Only internal errors are logged as errors.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"danvan/internal/attach"
	"danvan/internal/auth"
	"danvan/internal/calendar"
	"danvan/internal/config"
	"danvan/internal/democracy"
	"danvan/internal/draft"
	"danvan/internal/emulation"
	"danvan/internal/export"
	"danvan/internal/figures"
	"danvan/internal/inspection"
	"danvan/internal/news"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/org/peopleimport"
	"danvan/internal/petition"
	"danvan/internal/plan"
	"danvan/internal/ratelimit"
	"danvan/internal/report"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Config is what the web layer needs from the command line.
type Config struct {
	BaseURL      string // public base URL, e.g. https://danvan.example.gov.vn; "" for http://127.0.0.1
	SecureCookie bool   // set when served behind HTTPS
	OrgName      string // name shown on public pages
	// PublicRateLimit bounds public form submissions per address per minute, counted in
	// the database and shared by every instance (0 lifts the limit, as --public-rate 0
	// does for load tests).
	PublicRateLimit int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is believed
	// (config.ParseProxies); nil means loopback only, an empty list none.
	TrustedProxies []netip.Prefix
}

// Deps are the services the handlers call.
type Deps struct {
	DB       *sqldb.DB
	Org      *org.Service
	Auth     *auth.Service
	Files    *attach.Store
	Notify   *notify.Service
	Logger   *slog.Logger
	Work     []work.Source // contributions to "Việc của tôi"
	Metrics  *Metrics
	Sessions *scs.SessionManager // nil: one is made with the database store
	Calendar *calendar.Calendar  // working days and holidays
	Printer  *export.Printer     // PDF exports (in Go; Chromium when told); nil writes in Go
	Limiter  *ratelimit.Limiter  // public forms' flood limit; nil: one on DB

	// Domains.
	Petitions    *petition.Service
	CalendarDays *petition.CalendarStore // administrator's days off and swapped working days

	Plans *plan.Service

	Drafts *draft.Service

	Models *emulation.Service

	Conferences *democracy.ConferenceService // grassroots democracy: conference, resolution, board
	Disclosures *democracy.DisclosureService // grassroots democracy: the disclosure register

	News *news.Service // the public portal's news page

	Inspections *inspection.Service // inspection and supervision: programmes, rounds, conclusions

	// Figures are the domains' numbers for the dashboard (figures.Source, in the order shown).
	Figures []figures.Source

	Reports *report.Service // periodic reports (sơ kết, tổng kết) over the same Figures

	// Imports runs people imports from .xlsx in the background (nil: one is made; the
	// owner of the Server calls Close to stop its runs).
	Imports *peopleimport.Service
}

// Server is the HTTP front of danvan.
type Server struct {
	Deps
	// SearchBudget is how long the sections of /search may take together (0: 3 s); a
	// section not done by then is shown as such, with its list's link (search.go).
	SearchBudget time.Duration

	cfg   Config
	mux   *http.ServeMux
	views *views
	// layoutTag fingerprints the templates, static files and organisation name (public_cache.go).
	layoutTag string
	// pubVersions keeps the public versions for a second (public_cache.go).
	pubVersions versionCache
	// receivingUnits keeps the petition form's list of receiving units (petition_public.go).
	receivingUnits keptForTag[[]petition.Choice]
	// trackPages keeps the rendered tracking answers by address and content (petition_public.go).
	trackPages publicPages
	sessions   *scs.SessionManager
	// principals are the signed-in principals loaded on this instance (principals.go).
	principals principals
	handler    http.Handler
	// fileAccess maps an attachment owner type to the check of who may see it.
	fileAccess map[string]FileAccess
	patterns   []string   // every registered route (Routes)
	counts     countCache // the overview's counts of wide scopes
}

// New builds the server with every route.
func New(cfg Config, d Deps) (*Server, error) {
	v, err := parseViews()
	if err != nil {
		return nil, err
	}
	if cfg.TrustedProxies == nil {
		if cfg.TrustedProxies, err = config.ParseProxies(""); err != nil {
			return nil, err
		}
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	if d.Limiter == nil {
		d.Limiter = ratelimit.New(d.DB)
	}
	sm := d.Sessions
	if sm == nil {
		sm = scs.New()
		sm.Store = auth.SessionStore{DB: d.DB, Idle: auth.SessionIdle} // the idle timeout is the store's: see SessionStore
		sm.Lifetime = 12 * time.Hour
		sm.Cookie.Name = "danvan_session"
		sm.Cookie.HttpOnly = true
		sm.Cookie.SameSite = http.SameSiteLaxMode
		sm.Cookie.Secure = cfg.SecureCookie
		sm.Cookie.Path = "/"
	}
	if d.Imports == nil {
		d.Imports = &peopleimport.Service{DB: d.DB}
	}
	s := &Server{Deps: d, cfg: cfg, mux: http.NewServeMux(), views: v, sessions: sm, fileAccess: map[string]FileAccess{},
		layoutTag: layoutTagOf(cfg.OrgName)}
	s.routes()
	s.handler = s.chain(s.mux)
	return s, nil
}

// Close stops the background work the handlers started (people imports) and waits.
func (s *Server) Close() { s.Imports.Close() }

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Sessions returns the session manager (tests, background cleanup).
func (s *Server) SessionManager() *scs.SessionManager { return s.sessions }

// handlerFunc is the shape of every handler: an error ends the request with a page of its kind.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle registers a page handler.
func (s *Server) handle(pattern string, h handlerFunc) {
	s.route(pattern, s.metricsFor(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})))
}

// handleAPI registers a JSON handler; errors answer JSON.
func (s *Server) handleAPI(pattern string, h handlerFunc) {
	s.route(pattern, s.metricsFor(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.apiError(w, r, err)
		}
	})))
}

// route registers h on the mux and remembers the pattern, so Routes can list every route
// the server answers (the authorisation matrix test walks them all).
func (s *Server) route(pattern string, h http.Handler) {
	s.patterns = append(s.patterns, pattern)
	if !strings.HasPrefix(pattern, "GET ") {
		// A write in this instance may change a public page: its kept versions are read
		// again at the next request (public_cache.go).
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer s.pubVersions.forget()
			inner.ServeHTTP(w, r)
		})
	}
	s.mux.Handle(pattern, h)
}

// Routes returns every registered pattern, in registration order.
func (s *Server) Routes() []string { return append([]string(nil), s.patterns...) }

func (s *Server) routes() {
	s.route("GET /static/", http.StripPrefix("/static/", staticHandler()))
	s.handle("GET /healthz", s.healthz)
	s.route("GET /metrics", s.Metrics.Handler(s.DB))
	s.handle("GET /{$}", s.home)
	s.authRoutes()
	s.peopleImportRoutes() // before orgRoutes: /people/import is not /people/{id}
	s.orgRoutes()
	s.auditRoutes()
	s.adminUserRoutes()
	s.notifyRoutes()
	s.fileRoutes()
	s.apiRoutes()
	// Domains: each adds its routes in its own file.
	s.petitionRoutes()
	s.planRoutes()
	s.draftRoutes()
	s.modelRoutes()
	s.democracyRoutes()
	s.inspectionRoutes()
	s.newsRoutes()
	s.searchRoutes()
	s.dashboardRoutes()
	s.inspectionFactsRoutes()
	s.reportRoutes()
	s.route("/", s.metricsFor("notfound", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, errNotFound)
	})))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		s.Logger.Error("healthz", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
	return nil
}
