package reliability

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"danvan/internal/dbtest"
	"danvan/internal/petition"
	"danvan/internal/sqldb"
)

const demoPassword = "crash-test-matkhau-2026"

// buildBinary compiles cmd/danvan once per test binary run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func danvanBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "danvan-reliability-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "danvan")
		cmd := exec.Command("go", "build", "-o", buildOnce.path, "danvan/cmd/danvan")
		cmd.Stderr = os.Stderr
		buildOnce.err = cmd.Run()
	})
	if buildOnce.err != nil {
		t.Fatalf("go build ./cmd/danvan: %v", buildOnce.err)
	}
	return buildOnce.path
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// instance is one running danvan process.
type instance struct {
	cmd  *exec.Cmd
	base string
	log  *syncBuffer
	done chan struct{} // closed once the process has exited (and been waited for)
}

// kill ends the process with SIGKILL and waits until it is gone.
func (in *instance) kill() error {
	if err := in.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	<-in.done
	return nil
}

// syncBuffer is the process's output, written by its two pipes' copiers and read by the
// test while the process runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs the binary on dataDir (and dbURL when it is PostgreSQL) without background
// workers and waits until it answers /healthz.
func start(t *testing.T, bin, dataDir, dbURL string) *instance {
	t.Helper()
	in := startWith(t, bin, dataDir, dbURL, false)
	if in == nil {
		t.FailNow()
	}
	return in
}

// startWith is start with the background workers on or off and extra flags (--smtp-url).
// It may run in a goroutine of its own: on failure it reports with t.Errorf and returns nil.
func startWith(t *testing.T, bin, dataDir, dbURL string, workers bool, extra ...string) *instance {
	t.Helper()
	addr := freeAddr(t)
	args := []string{"--addr", addr, "--data", dataDir, "--demo", "--demo-password", demoPassword, "--public-rate", "0"}
	if dbURL != "" {
		args = append(args, "--database-url", dbURL)
	}
	args = append(args, extra...)
	cmd := exec.Command(bin, args...)
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.Env = append(os.Environ(), "DANVAN_WORKERS="+strconv.FormatBool(workers))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in := &instance{cmd: cmd, base: "http://" + addr, log: &log, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(in.done) }()
	t.Cleanup(func() { _ = in.kill() })
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-in.done:
			t.Errorf("danvan exited before answering /healthz: %s", log.String())
			return nil
		default:
		}
		if res, err := http.Get(in.base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return in
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("danvan did not answer /healthz: %s", log.String())
	return nil
}

var codeRe = regexp.MustCompile(`id="tracking-code">([0-9A-Z-]{14})<`)

// submit sends one public petition and returns its tracking code when the server
// acknowledged it (the page that shows the code), the status otherwise.
func submit(client *http.Client, base string, unit int64, n int) (string, int, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fields := map[string]string{
		"kind": "kien-nghi", "unit_id": strconv.FormatInt(unit, 10),
		"content":     fmt.Sprintf("Kiến nghị số %d: đề nghị sửa đường ngõ 12 phường Cửa Nam, nước đọng sau mưa.", n),
		"sender_name": "Người gửi thử " + strconv.Itoa(n), "sender_address": "Phường Cửa Nam, Hà Nội",
		"sender_phone": "0912 000 111", "consent": "yes", "form_nonce": fmt.Sprintf("crash-%d-%d", n, time.Now().UnixNano()),
	}
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", base+"/gui-don", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := client.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return "", res.StatusCode, err
	}
	if m := codeRe.FindSubmatch(b); res.StatusCode == 200 && m != nil {
		return string(m[1]), 200, nil
	}
	return "", res.StatusCode, nil
}

// postForm sends a urlencoded form and reports whether the server acknowledged it with
// the redirect a user would follow (303 to want), the status otherwise.
func postForm(client *http.Client, target string, form url.Values, want string) (bool, int, error) {
	req, _ := http.NewRequest("POST", target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := client.Do(req)
	if err != nil {
		return false, 0, err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return false, res.StatusCode, err
	}
	return res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == want, res.StatusCode, nil
}

// noRedirect keeps a 303 as the answer, so the acknowledgement is the redirect itself.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// signIn returns the session cookie of a demo account.
func signIn(t *testing.T, base, username string) *http.Cookie {
	t.Helper()
	c := &http.Client{CheckRedirect: noRedirect}
	res, err := c.PostForm(base+"/login", url.Values{"username": {username}, "password": {demoPassword}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.Value != "" {
			return ck
		}
	}
	t.Fatalf("sign-in of %s: status %d and no session cookie", username, res.StatusCode)
	return nil
}

// TestCrashKeepsEveryAcknowledgedWrite: 50 clients write as fast as the server answers —
// public petitions, progress reports on a task (signed in) and citizens' comments on a
// public draft; the process is killed with SIGKILL in the middle of the burst and started
// again on the same data. Every write a user was shown as done must be there, whole: a
// petition with its deadline steps and its audit entry, a report or a comment with its
// audit entry, each written in the same transaction. While it ran, no client got a 5xx or
// "database is locked".
func TestCrashKeepsEveryAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary twice and drives it with 50 clients")
	}
	bin := danvanBinary(t)
	engines := []string{"sqlite"}
	if os.Getenv(dbtest.PostgresEnv) != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			dataDir := t.TempDir()
			dbURL := ""
			if engine == "postgres" {
				db := dbtest.OpenPostgres(t)
				dbURL = db.URL()
			}
			in := start(t, bin, dataDir, dbURL)
			checkURL := dbURL
			if checkURL == "" {
				checkURL = filepath.Join(dataDir, "danvan.db")
			}
			ctx := context.Background()
			db, err := sqldb.Open(ctx, checkURL, sqldb.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var unit int64
			if err := db.QueryRowContext(ctx, `SELECT id FROM units WHERE code = 'STP'`).Scan(&unit); err != nil {
				t.Fatalf("demo agency STP: %v", err)
			}

			// A task that a demo account leads (it reports progress on it, signed in) and the
			// demo's public consultation round (citizens comment on it without an account).
			var taskID int64
			var lead string
			if err := db.QueryRowContext(ctx, `SELECT t.id, u.username FROM tasks t JOIN users u ON u.person_id = t.lead_id
				WHERE t.status IN ('open', 'doing') AND u.disabled = FALSE ORDER BY t.id LIMIT 1`).Scan(&taskID, &lead); err != nil {
				t.Fatalf("a demo task with a lead who has an account: %v", err)
			}
			var roundID int64
			now := sqldb.FormatTime(time.Now().UTC())
			if err := db.QueryRowContext(ctx, `SELECT id FROM draft_rounds WHERE public = TRUE AND opens_at <= ? AND closes_at > ? ORDER BY id LIMIT 1`, now, now).Scan(&roundID); err != nil {
				t.Fatalf("the demo's open public round: %v", err)
			}
			session := signIn(t, in.base, lead)
			taskURL := "/tasks/" + strconv.FormatInt(taskID, 10)
			roundURL := "/gop-y/" + strconv.FormatInt(roundID, 10)

			const clients = 50
			var (
				mu          sync.Mutex
				acked       []string // tracking codes of petitions
				reports     []string // bodies of task reports
				comments    []string // bodies of citizens' comments
				bad         = map[int]int{}
				sent        atomic.Int64
				stop        atomic.Bool
				killed      atomic.Bool
				lostConns   atomic.Int64
				wg          sync.WaitGroup
				killedAt    time.Time
				ackedAtKill int
			)
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}, CheckRedirect: noRedirect}
			began := time.Now()
			// Each client writes one kind: a public petition, a progress report on the task
			// (signed in), or a citizen's comment on the public round.
			for c := 0; c < clients; c++ {
				wg.Add(1)
				go func(c int) {
					defer wg.Done()
					for i := 0; !stop.Load(); i++ {
						n := int(sent.Add(1))
						var (
							ok     bool
							status int
							err    error
							mark   string
							list   *[]string
						)
						switch c % 3 {
						case 0:
							var code string
							code, status, err = submit(client, in.base, unit, n)
							ok, mark, list = code != "", code, &acked
						case 1:
							mark, list = fmt.Sprintf("Báo cáo tiến độ số %d của đợt ghi thử", n), &reports
							form := url.Values{"body": {mark}, "percent": {strconv.Itoa(n % 100)}, "form_nonce": {fmt.Sprintf("crash-r-%d-%d", n, time.Now().UnixNano())}}
							req, _ := http.NewRequest("POST", in.base+taskURL+"/report", strings.NewReader(form.Encode()))
							req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
							req.AddCookie(session)
							var res *http.Response
							if res, err = client.Do(req); err == nil {
								_, err = io.Copy(io.Discard, res.Body)
								res.Body.Close()
								status = res.StatusCode
								ok = status == http.StatusSeeOther && res.Header.Get("Location") == taskURL
							}
						default:
							mark, list = fmt.Sprintf("Góp ý số %d: đề nghị làm rõ thời hạn lấy ý kiến.", n), &comments
							ok, status, err = postForm(client, in.base+roundURL, url.Values{"name": {"Người góp ý " + strconv.Itoa(n)},
								"contact": {"0912000111"}, "body": {mark}, "part_id": {"0"}, "form_nonce": {fmt.Sprintf("crash-c-%d-%d", n, time.Now().UnixNano())}}, roundURL)
						}
						if err != nil {
							// After the kill a dead connection is expected (not acknowledged,
							// so not looked for); before it, it would be a crash we did not cause.
							if !killed.Load() {
								lostConns.Add(1)
							}
							continue
						}
						mu.Lock()
						if ok {
							*list = append(*list, mark)
						} else {
							bad[status]++
						}
						mu.Unlock()
					}
				}(c)
			}
			// Kill once the burst is well under way, so transactions are in flight.
			for {
				mu.Lock()
				n := len(acked) + len(reports) + len(comments)
				mu.Unlock()
				if n >= 450 || time.Since(began) > 60*time.Second {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			mu.Lock()
			ackedAtKill = len(acked) + len(reports) + len(comments)
			mu.Unlock()
			killedAt = time.Now()
			killed.Store(true)
			if err := in.kill(); err != nil {
				t.Fatal(err)
			}
			stop.Store(true)
			wg.Wait()
			burst := killedAt.Sub(began)
			t.Logf("%s: %d petitions, %d task reports, %d comments acknowledged in %v by %d clients (%.0f writes/s), %d when SIGKILL was sent; %d requests sent",
				engine, len(acked), len(reports), len(comments), burst.Round(time.Millisecond), clients, float64(ackedAtKill)/burst.Seconds(), ackedAtKill, sent.Load())
			for status, n := range bad {
				if status >= 500 || status == 0 {
					t.Errorf("%d answers with status %d before the kill", n, status)
				} else {
					t.Logf("%d answers with status %d", n, status)
				}
			}
			if n := lostConns.Load(); n > 0 {
				t.Errorf("%d requests lost their connection before the kill", n)
			}
			if strings.Contains(in.log.String(), "database is locked") {
				t.Errorf("the server logged \"database is locked\"")
			}

			// Start again on the same data, then look for every acknowledged write.
			again := start(t, bin, dataDir, dbURL)
			found, whole := 0, 0
			for _, c := range acked {
				code, ok := petition.NormalizeCode(c)
				if !ok {
					t.Fatalf("acknowledged code %q does not parse", c)
				}
				var id int64
				err := db.QueryRowContext(ctx, `SELECT id FROM petitions WHERE code = ?`, code).Scan(&id)
				if err != nil {
					t.Errorf("petition %s was acknowledged and is gone: %v", c, err)
					continue
				}
				found++
				var steps, audits int
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM petition_steps WHERE petition_id = ?`, id).Scan(&steps); err != nil {
					t.Fatal(err)
				}
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'petition' AND entity_id = ?`, id).Scan(&audits); err != nil {
					t.Fatal(err)
				}
				if steps == 0 || audits == 0 {
					t.Errorf("petition %s is there without its deadline steps (%d) or its audit entry (%d)", c, steps, audits)
					continue
				}
				whole++
			}
			// The restarted server answers the citizen's tracking page for a code from the burst.
			if len(acked) > 0 {
				res, err := http.Get(again.base + "/tra-cuu?code=" + acked[len(acked)-1])
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || !strings.Contains(string(b), "Đã tiếp nhận") {
					t.Errorf("tracking after restart: %d", res.StatusCode)
				}
			}
			t.Logf("%s: after SIGKILL and restart, %d of %d acknowledged petitions found, %d whole", engine, found, len(acked), whole)
			if len(acked) < 50 {
				t.Errorf("only %d petitions acknowledged before the kill: the burst proves little", len(acked))
			}
			// Every acknowledged report is there once, with its audit entry (the audit's
			// "after" holds the body).
			for _, body := range reports {
				var n, audits int
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM task_reports WHERE task_id = ? AND body = ?`, taskID, body).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'task' AND entity_id = ? AND after LIKE ?`, taskID, "%"+body+"%").Scan(&audits); err != nil {
					t.Fatal(err)
				}
				if n != 1 || audits != 1 {
					t.Errorf("task report %q: %d rows and %d audit entries after restart, want 1 and 1", body, n, audits)
				}
			}
			for _, body := range comments {
				var id int64
				if err := db.QueryRowContext(ctx, `SELECT id FROM draft_comments WHERE round_id = ? AND body = ?`, roundID, body).Scan(&id); err != nil {
					t.Errorf("comment %q was acknowledged and is gone: %v", body, err)
					continue
				}
				var audits int
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'draft_comment' AND entity_id = ?`, id).Scan(&audits); err != nil {
					t.Fatal(err)
				}
				if audits != 1 {
					t.Errorf("comment %d: %d audit entries, want 1", id, audits)
				}
			}
			if len(reports) < 50 || len(comments) < 50 {
				t.Errorf("only %d task reports and %d comments acknowledged before the kill: the burst proves little", len(reports), len(comments))
			}
			// The session made before the kill still holds after the restart (sessions are in the database).
			req, _ := http.NewRequest("GET", again.base+taskURL, nil)
			req.AddCookie(session)
			if res, err := (&http.Client{CheckRedirect: noRedirect}).Do(req); err != nil {
				t.Fatal(err)
			} else {
				res.Body.Close()
				if res.StatusCode != 200 {
					t.Errorf("the task page with the session of before the kill: %d, want 200", res.StatusCode)
				}
			}
		})
	}
}
