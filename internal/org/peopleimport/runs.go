package peopleimport

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// An import is a recorded run (table people_imports) so that its progress can be shown
// while it works: the upload is stored and the request redirects to the run's page, which
// reads the run's row and refreshes itself until the run ends.
//
// Where it runs. The instance that received the upload runs it at once in a goroutine
// supervised by the Service (Start; Close cancels and waits). The jobs runner was the
// other candidate, but it serialises every task of all instances behind one claim per
// task, ticks every few seconds and lets a task hold its lease for 15 minutes: an import
// would wait behind the mail sender and start seconds late, while here it starts in the
// same millisecond. What the runner gives — survival of an instance's death — is
// provided by a lease instead: a live run carries lease_until, pushed forward at every
// progress batch; a run whose lease has passed (its worker died with its instance) is
// failed by FailStale, which the run page calls before showing a run and the hourly
// cleanup task calls for runs nobody looks at. Nothing half-written can be left behind:
// the rows are written in one transaction that first re-reads the run as still
// "writing" (locking its row on PostgreSQL; SQLite has one writer) and commits the
// run's "done" with the people, so a run failed as stale never writes, and a run that
// wrote is never failed. Progress lives in the database, so the page can be served by
// any instance on the same PostgreSQL.

// Status of a run.
const (
	StatusQueued   = "queued"
	StatusChecking = "checking"
	StatusWriting  = "writing"
	StatusDone     = "done"
	StatusFailed   = "failed"
)

// Run is one recorded import.
type Run struct {
	ID         int64
	CreatedBy  int64
	FileName   string
	Status     string
	Total      int // data rows in the file (known once the file is read)
	Checked    int
	Written    int // people written
	Positions  int
	Problems   []Problem // bad rows (the run failed, nothing written)
	Message    string    // why a run failed as a whole, in Vietnamese
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time
	leaseUntil string
}

// Live reports whether the run has not ended.
func (r Run) Live() bool {
	return r.Status == StatusQueued || r.Status == StatusChecking || r.Status == StatusWriting
}

const (
	defaultLease = 2 * time.Minute
	defaultBatch = 50
	liveStatuses = `('queued', 'checking', 'writing')`
)

// Messages of runs that fail as a whole.
const (
	msgStale    = "Quá trình nhập bị gián đoạn (máy chủ xử lý đã dừng); chưa nhập dòng nào. Hãy tải tệp lên lại."
	msgStopped  = "Máy chủ dừng khi đang nhập; chưa nhập dòng nào. Hãy tải tệp lên lại."
	msgInternal = "Hệ thống gặp sự cố khi nhập; chưa nhập dòng nào. Hãy thử lại sau."
)

// errLost ends a worker whose run is no longer its own (failed as stale meanwhile).
var errLost = errors.New("peopleimport: run no longer live")

// runner is the state behind Start and Close, kept apart from the Service's settings.
type runner struct {
	mu     sync.Mutex
	base   context.Context
	stop   context.CancelFunc
	closed bool
	wg     sync.WaitGroup
}

// Create records a run of the file for p, queued. The file is inspected first (a file
// that is not an .xlsx is refused at once, Invalid); the rows are read by the run. nonce
// is the form's one-time token: ctx carries it too (sqldb.WithFormNonce), so a second
// submit of the same form fails with sqldb.ErrDuplicateSubmit and RunByNonce finds the
// first one's run.
func (s *Service) Create(ctx context.Context, p *org.Principal, fileName string, data []byte, nonce string) (int64, error) {
	if !p.CanAnywhere(org.ManagePerson) {
		return 0, apperr.New(apperr.Forbidden, "peopleimport.Create", "Bạn không có quyền thêm người vào đơn vị nào.")
	}
	if err := Inspect(data); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		now := tx.Now()
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO people_imports (created_by, form_nonce, file_name, file_data, status, lease_until, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'queued', ?, ?, ?) RETURNING id`,
			p.UserID, nonce, fileName, data, sqldb.FormatTime(now.Add(s.lease())), sqldb.FormatTime(now), sqldb.FormatTime(now))
		return err
	})
	if errors.Is(err, sqldb.ErrDuplicateSubmit) {
		return 0, err
	}
	return id, apperr.Wrap("peopleimport.Create", err)
}

// RunByNonce returns the id of p's run started by the form with this nonce.
func (s *Service) RunByNonce(ctx context.Context, p *org.Principal, nonce string) (int64, error) {
	var id int64
	err := s.DB.QueryRowContext(ctx, `SELECT id FROM people_imports WHERE form_nonce = ? AND created_by = ? AND form_nonce <> ''`, nonce, p.UserID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.New(apperr.NotFound, "peopleimport.RunByNonce", "Không tìm thấy lượt nhập.")
	}
	return id, apperr.Wrap("peopleimport.RunByNonce", err)
}

// Get returns run id for p. A run is seen only by the person who started it, while they
// may still import people (anyone else: NotFound — its rows name people of units they may
// not see). A live run whose worker died is failed first.
func (s *Service) Get(ctx context.Context, p *org.Principal, id int64) (Run, error) {
	r, err := s.load(ctx, id)
	if err != nil {
		return Run{}, err
	}
	if r.CreatedBy != p.UserID || !p.CanAnywhere(org.ManagePerson) {
		return Run{}, apperr.New(apperr.NotFound, "peopleimport.Get", "Không tìm thấy lượt nhập.")
	}
	if r.Live() && r.leaseUntil < sqldb.FormatTime(s.DB.Now()) {
		if _, err := s.FailStale(ctx); err != nil {
			return Run{}, err
		}
		return s.load(ctx, id)
	}
	return r, nil
}

func (s *Service) load(ctx context.Context, id int64) (Run, error) {
	var r Run
	var problems, created, updated, finished string
	err := s.DB.QueryRowContext(ctx, `SELECT id, created_by, file_name, status, total_rows, rows_checked, rows_written, positions, problems, message, lease_until, created_at, updated_at, finished_at
		FROM people_imports WHERE id = ?`, id).Scan(&r.ID, &r.CreatedBy, &r.FileName, &r.Status, &r.Total, &r.Checked, &r.Written, &r.Positions,
		&problems, &r.Message, &r.leaseUntil, &created, &updated, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, apperr.New(apperr.NotFound, "peopleimport.Get", "Không tìm thấy lượt nhập.")
	}
	if err != nil {
		return Run{}, apperr.Wrap("peopleimport.Get", err)
	}
	if err := json.Unmarshal([]byte(problems), &r.Problems); err != nil {
		return Run{}, apperr.Wrap("peopleimport.Get", err)
	}
	r.CreatedAt, r.UpdatedAt, r.FinishedAt = sqldb.ParseTime(created), sqldb.ParseTime(updated), sqldb.ParseTime(finished)
	return r, nil
}

// FailStale fails every live run whose lease has passed and returns how many it failed.
func (s *Service) FailStale(ctx context.Context) (int, error) {
	now := sqldb.FormatTime(s.DB.Now())
	res, err := s.DB.ExecContext(ctx, `UPDATE people_imports SET status = 'failed', message = ?, file_data = ?, finished_at = ?, updated_at = ?
		WHERE status IN `+liveStatuses+` AND lease_until < ?`, msgStale, []byte{}, now, now, now)
	if err != nil {
		return 0, apperr.Wrap("peopleimport.FailStale", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Prune deletes the runs that ended before the given time (their rows only record the
// outcome; the people and the audit entries stay) and returns how many it deleted.
func (s *Service) Prune(ctx context.Context, before time.Time) (int, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM people_imports WHERE finished_at <> '' AND finished_at < ?`, sqldb.FormatTime(before))
	if err != nil {
		return 0, apperr.Wrap("peopleimport.Prune", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Start runs run id for p in the background, supervised by s (see Close).
func (s *Service) Start(p *org.Principal, id int64) {
	s.runs.mu.Lock()
	defer s.runs.mu.Unlock()
	if s.runs.closed {
		return // shutting down: the run stays queued, its lease fails it
	}
	if s.runs.base == nil {
		s.runs.base, s.runs.stop = context.WithCancel(context.Background())
	}
	s.runs.wg.Add(1)
	go func() {
		defer s.runs.wg.Done()
		_ = s.Run(s.runs.base, p, id)
	}()
}

// Close cancels the runs started by Start (each is failed: nothing written) and waits.
func (s *Service) Close() {
	s.runs.mu.Lock()
	s.runs.closed = true
	if s.runs.stop != nil {
		s.runs.stop()
	}
	s.runs.mu.Unlock()
	s.runs.wg.Wait()
}

// Run does run id for p: claims it (a run already claimed is left alone), reads and checks
// every row, committing the progress every Batch rows, then writes all rows in one
// transaction, or none. The outcome is recorded on the run; the error is only for the
// logs (a database failure while recording it).
func (s *Service) Run(ctx context.Context, p *org.Principal, id int64) error {
	now := s.DB.Now()
	res, err := s.DB.ExecContext(ctx, `UPDATE people_imports SET status = 'checking', lease_until = ?, updated_at = ? WHERE id = ? AND status = 'queued'`,
		sqldb.FormatTime(now.Add(s.lease())), sqldb.FormatTime(now), id)
	if err != nil {
		return apperr.Wrap("peopleimport.Run", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	var name string
	var data []byte
	if err := s.DB.QueryRowContext(ctx, `SELECT file_name, file_data FROM people_imports WHERE id = ?`, id).Scan(&name, &data); err != nil {
		return s.fail(ctx, id, msgInternal, nil, err)
	}
	out, err := s.importData(ctx, p, data, name, &tracker{s: s, id: id})
	switch {
	case errors.Is(err, errLost):
		return nil
	case err != nil && ctx.Err() != nil:
		return s.fail(ctx, id, msgStopped, nil, nil)
	case apperr.KindOf(err) == apperr.Invalid:
		return s.fail(ctx, id, apperr.MessageOf(err), nil, nil)
	case err != nil:
		return s.fail(ctx, id, msgInternal, nil, err)
	case len(out.Problems) > 0:
		return s.fail(ctx, id, "Tệp có dòng chưa hợp lệ; chưa nhập dòng nào. Sửa các dòng dưới đây rồi tải lên lại.", out.Problems, nil)
	}
	return nil
}

// fail records that run id ended without writing anything; cause (if any) is returned
// for the logs.
func (s *Service) fail(ctx context.Context, id int64, msg string, problems []Problem, cause error) error {
	if problems == nil {
		problems = []Problem{}
	}
	js, err := json.Marshal(problems)
	if err != nil {
		return err
	}
	now := sqldb.FormatTime(s.DB.Now())
	_, err = s.DB.ExecContext(context.WithoutCancel(ctx), `UPDATE people_imports SET status = 'failed', message = ?, problems = ?, file_data = ?, finished_at = ?, updated_at = ?
		WHERE id = ? AND status IN `+liveStatuses, msg, string(js), []byte{}, now, now, id)
	if err != nil {
		return apperr.Wrap("peopleimport.Run", err)
	}
	return cause
}

func (s *Service) lease() time.Duration {
	if s.Lease <= 0 {
		return defaultLease
	}
	return s.Lease
}

// tracker records a run's progress on its row. A nil tracker (Import) records nothing.
type tracker struct {
	s  *Service
	id int64
}

// update runs one progress UPDATE of a run still in status from, pushing its lease;
// errLost when the run is no longer live (failed as stale meanwhile).
func (t *tracker) update(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, from, set string, args ...any) error {
	now := t.s.DB.Now()
	args = append(args, sqldb.FormatTime(now.Add(t.s.lease())), sqldb.FormatTime(now), t.id, from)
	res, err := q.ExecContext(ctx, `UPDATE people_imports SET `+set+`lease_until = ?, updated_at = ? WHERE id = ? AND status = ?`, args...)
	if err != nil {
		return apperr.Wrap("peopleimport.Run", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errLost
	}
	return nil
}

// started records the number of rows once the file is read (bad rows already counted).
func (t *tracker) started(ctx context.Context, total, checked int) error {
	if t == nil {
		return nil
	}
	return t.update(ctx, t.s.DB, StatusChecking, `total_rows = ?, rows_checked = ?, `, total, checked)
}

// each returns the per-row callback of check: every Batch rows it commits the count.
func (t *tracker) each(ctx context.Context, offset int) func(i int) error {
	if t == nil {
		return nil
	}
	batch := t.s.Batch
	if batch <= 0 {
		batch = defaultBatch
	}
	return func(i int) error {
		if i%batch != 0 {
			return nil
		}
		return t.report(ctx, offset+i)
	}
}

func (t *tracker) report(ctx context.Context, checked int) error {
	if err := t.update(ctx, t.s.DB, StatusChecking, `rows_checked = ?, `, checked); err != nil {
		return err
	}
	if t.s.AfterProgress != nil {
		t.s.AfterProgress(t.id, checked)
	}
	return nil
}

// checked records that every row is checked and, the rows being good, that writing starts.
func (t *tracker) checked(ctx context.Context, total int) error {
	if t == nil {
		return nil
	}
	if err := t.report(ctx, total); err != nil {
		return err
	}
	return t.update(ctx, t.s.DB, StatusChecking, `status = 'writing', `)
}

// lock is the write transaction's first statement: the run must still be writing (else
// errLost rolls back), and on PostgreSQL its row stays locked until commit, so FailStale
// waits and then finds the run done.
func (t *tracker) lock(ctx context.Context, tx *sqldb.Tx) error {
	if t == nil {
		return nil
	}
	return t.update(ctx, tx, StatusWriting, ``)
}

// written records the outcome in the write transaction itself.
func (t *tracker) written(ctx context.Context, tx *sqldb.Tx, res Result) error {
	if t == nil {
		return nil
	}
	now := sqldb.FormatTime(tx.Now())
	return t.update(ctx, tx, StatusWriting, `status = 'done', rows_written = ?, positions = ?, file_data = ?, finished_at = ?, `,
		res.Created, res.Positions, []byte{}, now)
}
