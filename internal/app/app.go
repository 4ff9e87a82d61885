// Package app wires danvan together: configuration, database, services, background
// workers and the HTTP server. cmd/danvan calls Main; end-to-end tests call Start to run
// the real server on 127.0.0.1:0.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"danvan/internal/attach"
	"danvan/internal/auth"
	"danvan/internal/calendar"
	"danvan/internal/config"
	"danvan/internal/demo"
	"danvan/internal/democracy"
	"danvan/internal/draft"
	"danvan/internal/emulation"
	"danvan/internal/export"
	"danvan/internal/figures"
	"danvan/internal/inspection"
	"danvan/internal/jobs"
	"danvan/internal/news"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/plan"
	"danvan/internal/ratelimit"
	"danvan/internal/report"
	"danvan/internal/sqldb"
	"danvan/internal/web"
	"danvan/internal/work"
)

// App is a running danvan: its database, services and HTTP handler.
type App struct {
	Config config.Config
	DB     *sqldb.DB
	Logger *slog.Logger
	Org    *org.Service
	Auth   *auth.Service
	Files  *attach.Store
	Notify *notify.Service
	Cal    *calendar.Calendar
	Web    *web.Server
	// Printer makes the PDF exports: one headless Chromium for the process, started on the
	// first PDF and stopped by Close.
	Printer *export.Printer

	// Domains.
	Petitions    *petition.Service
	CalendarDays *petition.CalendarStore

	Plans *plan.Service

	Drafts *draft.Service

	Models *emulation.Service

	// Conferences holds the grassroots-democracy domain: the annual staff conference, its
	// resolution and the people's inspection board.
	Conferences *democracy.ConferenceService
	// Inspections holds inspection and supervision: programmes, rounds, conclusions,
	// the evidence pack and coverage.
	Inspections *inspection.Service

	// Figures are the sources of the dashboard, the periodic reports and the inspection
	// evidence pack, in the order their blocks are shown.
	Figures []figures.Source

	// Reports are the periodic reports (sơ kết, tổng kết), reading a.Figures.
	Reports *report.Service

	// Limiter counts the public forms' submissions per address in the database, shared by
	// every instance (--public-rate).
	Limiter *ratelimit.Limiter

	// Tasks are the periodic background work of the domains (reminders, digests),
	// appended in Open, one block per domain, and run by StartWorkers.
	Tasks []jobs.Task

	// digest is the daily digest task's, to which domains add their calendar mails.
	digest *notify.Digest

	workers sync.WaitGroup
	stop    context.CancelFunc
}

// Open connects to the database, migrates it and builds the services (no listening yet).
func Open(ctx context.Context, cfg config.Config, logger *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	db, err := sqldb.Open(ctx, cfg.DatabaseURLOrFile(), sqldb.Options{CacheMB: cfg.SQLiteCacheMB})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a := &App{Config: cfg, DB: db, Logger: logger}
	a.Org = org.NewService(db)
	a.Auth = auth.NewService(db)
	// Accounts carry their home unit's path (migration 0004) and a folded name.
	a.Org.PathHooks = append(a.Org.PathHooks, org.ReplacePathPrefix("users", "unit_path"))
	if err := auth.FoldPendingNames(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	a.Files = &attach.Store{DB: db, Dir: filepath.Join(cfg.DataDir, "files"), MaxSize: attach.DefaultMaxSize}
	a.Notify = notify.NewService(db)
	// The calendar's administrator adjustments live in the database; the petitions domain
	// loads them (see petition's calendar store) and replaces a.Cal when it starts.
	a.Cal = calendar.New(nil)
	a.Printer = &export.Printer{}
	a.Limiter = ratelimit.New(db)
	var sources []work.Source
	ftasks, err := a.foundationTasks()
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Tasks = append(a.Tasks, ftasks...)

	// Domains: each builds its service here, one block per domain.
	// Petitions: the administrator's calendar days are loaded into a.Cal (updated in place
	// on every change, refreshed every minute for changes made by other instances).
	calStore := petition.NewCalendarStore(db, a.Cal)
	if err := calStore.Load(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a.CalendarDays = calStore
	a.Petitions = petition.NewService(db)
	a.Petitions.Calendar = calStore.Current
	if err := a.Petitions.EnsureRollups(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a.Org.PathHooks = append(a.Org.PathHooks, petition.MoveRollups, org.ReplacePathPrefix("petitions", "unit_path"),
		org.ReplacePathPrefix("petition_stats", "unit_path"), org.ReplacePathPrefix("petition_cases", "unit_path"))
	sources = append(sources, a.Petitions)
	a.Tasks = append(a.Tasks,
		jobs.Task{Name: "petition.calendar-refresh", Every: time.Minute, Run: func(ctx context.Context, _ time.Time) error { return calStore.Refresh(ctx) }},
		jobs.Task{Name: "petition.reminders", Every: 15 * time.Minute, Run: a.Petitions.Remind},
		jobs.Task{Name: "petition.compact-dues", Every: 24 * time.Hour, Run: func(ctx context.Context, _ time.Time) error { return a.Petitions.CompactDues(ctx) }})

	a.Plans = plan.NewService(db)
	a.Plans.Calendar = func() *calendar.Calendar { return a.Cal }
	a.Plans.Files = a.Files
	sources = append(sources, a.Plans)
	a.Tasks = append(a.Tasks, jobs.Task{Name: "plan.reminders", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := a.Plans.Remind(ctx, now)
		return err
	}})
	if err := a.Plans.EnsureTaskCounts(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a.Org.PathHooks = append(a.Org.PathHooks, org.ReplacePathPrefix("gov_documents", "unit_path"), org.ReplacePathPrefix("plans", "unit_path"),
		plan.MoveTaskCounts, org.ReplacePathPrefix("tasks", "unit_path"), org.ReplacePathPrefix("tasks", "assigner_path"), org.ReplacePathPrefix("training_sessions", "unit_path"))

	a.Drafts = draft.NewService(db)
	a.Drafts.Calendar = func() *calendar.Calendar { return a.Cal }
	a.Org.PathHooks = append(a.Org.PathHooks, draft.PathHook)
	sources = append(sources, a.Drafts)
	a.Tasks = append(a.Tasks, a.Drafts.ReminderTask())

	a.Models = emulation.NewService(db)
	a.Figures = append(a.Figures, a.Plans, a.Drafts, a.Models, a.Petitions)
	a.Models.Files = a.Files
	if err := a.Models.EnsureWatchCounts(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a.Org.PathHooks = append(a.Org.PathHooks, emulation.PathHook)
	sources = append(sources, a.Models)
	a.Tasks = append(a.Tasks, jobs.Task{Name: "models.reminders", Every: time.Hour, Run: a.Models.Remind})

	a.Conferences = democracy.NewConferenceService(db, a.Plans, a.Drafts)
	a.Conferences.Calendar = func() *calendar.Calendar { return a.Cal }
	a.Org.PathHooks = append(a.Org.PathHooks, org.ReplacePathPrefix("conferences", "unit_path"),
		org.ReplacePathPrefix("conference_commitments", "unit_path"), org.ReplacePathPrefix("boards", "unit_path"))
	a.Tasks = append(a.Tasks, a.Conferences.TermReminderTask())
	disclosures := democracy.NewDisclosureService(db)
	disclosures.Calendar = func() *calendar.Calendar { return a.Cal }
	a.Conferences.Disclosures = disclosures
	if err := democracy.EnsureDisclosureCounts(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	a.Org.PathHooks = append(a.Org.PathHooks, democracy.MoveDisclosureCounts, org.ReplacePathPrefix("disclosures", "unit_path"), org.ReplacePathPrefix("disclosure_questions", "unit_path"))
	a.Tasks = append(a.Tasks, disclosures.ReminderTask())
	a.Figures = append(a.Figures, democracy.NewFigures(a.Conferences, disclosures))

	a.Inspections = inspection.NewService(db, a.Plans)
	if err := inspection.EnsureRecommendationCounts(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	a.Figures = append(a.Figures, a.Inspections)
	// The evidence pack reads every domain's figures, its own past rounds included.
	a.Inspections.Sources = append([]figures.Source(nil), a.Figures...)
	// The person answerable for an overdue recommendation is reminded by plan.reminders
	// (it is their task); this reminds the team's side.
	a.Tasks = append(a.Tasks, jobs.Task{Name: "inspection.reminders", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := a.Inspections.Remind(ctx, now)
		return err
	}})
	a.Org.PathHooks = append(a.Org.PathHooks, inspection.MoveRecommendationCounts, org.ReplacePathPrefix("inspection_programmes", "unit_path"), org.ReplacePathPrefix("inspection_rounds", "unit_path"),
		org.ReplacePathPrefix("inspection_round_targets", "unit_path"), org.ReplacePathPrefix("inspection_self_reports", "unit_path"))
	newsSvc := news.NewService(db, a.Files)
	a.Org.PathHooks = append(a.Org.PathHooks, org.ReplacePathPrefix("news_articles", "unit_path"), org.ReplacePathPrefix("news_feedback", "unit_path"))

	// Reports read every domain's figures through a.Figures (the dashboard's sources): built
	// last, after every domain has added its source.
	a.Reports = report.NewService(db, a.Org, a.Figures)
	a.Org.PathHooks = append(a.Org.PathHooks, org.ReplacePathPrefix("reports", "unit_path"), org.ReplacePathPrefix("report_calls", "unit_path"))
	// The month's summary to each committee secretary and the reminders before a report
	// is due go out with the daily digest.
	a.digest.Periodic = append(a.digest.Periodic, a.Reports)

	proxies, err := config.ParseProxies(cfg.TrustedProxies)
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Web, err = web.New(web.Config{BaseURL: cfg.BaseURL, SecureCookie: cfg.SecureCookies(), OrgName: cfg.OrgName, PublicRateLimit: cfg.PublicRate, TrustedProxies: proxies},
		web.Deps{DB: db, Org: a.Org, Auth: a.Auth, Files: a.Files, Notify: a.Notify, Logger: logger, Work: sources, Calendar: a.Cal, Printer: a.Printer, Limiter: a.Limiter,
			Petitions: a.Petitions, CalendarDays: a.CalendarDays, Plans: a.Plans, Drafts: a.Drafts, Models: a.Models, Conferences: a.Conferences, Disclosures: disclosures, News: newsSvc, Inspections: a.Inspections, Figures: a.Figures, Reports: a.Reports})
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// Close stops the workers and closes the database.
func (a *App) Close() error {
	if a.stop != nil {
		a.stop()
	}
	if a.Web != nil {
		a.Web.Close()
	}
	a.workers.Wait()
	a.Printer.Close()
	return a.DB.Close()
}

// Prepare loads the demo when asked and prints the one-time set-up link on an empty database.
func (a *App) Prepare(ctx context.Context, out io.Writer) error {
	if a.Config.Demo {
		pw := a.Config.DemoPassword
		generated := pw == ""
		if generated {
			pw = auth.RandomToken(12)
		}
		res, err := demo.Load(ctx, a.DB, pw, a.demoLoaders()...)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if generated && res.Created {
			fmt.Fprintf(out, "Dữ liệu mẫu đã nạp. Mật khẩu các tài khoản mẫu (admin, canbo, bithu1, thutruong1, congdoan1, dangvien1): %s\n", pw)
		} else if res.Created {
			fmt.Fprintln(out, "Dữ liệu mẫu đã nạp với mật khẩu --demo-password.")
		} else {
			fmt.Fprintln(out, "Dữ liệu mẫu đã có sẵn; không nạp lại.")
		}
	}
	n, err := a.Auth.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		tok, err := a.Auth.CreateSetupToken(ctx)
		if err != nil {
			return err
		}
		base := a.Config.BaseURL
		if base == "" {
			base = "http://" + a.Config.Addr
		}
		fmt.Fprintf(out, "Chưa có tài khoản nào. Mở đường dẫn sau (dùng một lần) để tạo tài khoản quản trị đầu tiên:\n  %s/setup?token=%s\n", base, tok)
	}
	return nil
}

// StartWorkers runs the background jobs until Close.
func (a *App) StartWorkers(ctx context.Context) {
	ctx, a.stop = context.WithCancel(ctx)
	a.startJobs(ctx)
}

// Serve answers HTTP on ln until ctx ends, then shuts down gracefully.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Started is a server running in the background, for tests.
type Started struct {
	*App
	URL    string
	cancel context.CancelFunc
	done   chan error
}

// Start opens the app, prepares it and serves on addr (use 127.0.0.1:0) in the background.
// Each opt adjusts the opened app before anything runs (e.g. a test's login throttle), so
// no setting changes under a running server.
func Start(ctx context.Context, cfg config.Config, logger *slog.Logger, out io.Writer, opts ...func(*App)) (*Started, error) {
	a, err := Open(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	for _, opt := range opts {
		opt(a)
	}
	if err := a.Prepare(ctx, out); err != nil {
		a.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		a.Close()
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	a.StartWorkers(sctx)
	s := &Started{App: a, URL: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- a.Serve(sctx, ln) }()
	return s, nil
}

// Stop shuts the server down and closes the app.
func (s *Started) Stop() error {
	s.cancel()
	err := <-s.done
	return errors.Join(err, s.App.Close())
}
