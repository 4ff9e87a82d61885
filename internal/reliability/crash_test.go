package reliability

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
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

// TestCrashKeepsEveryAcknowledgedWrite: 50 clients submit public petitions as fast as the
// server answers; the process is killed with SIGKILL in the middle of the burst and
// started again on the same data. Every petition whose tracking code a citizen was shown
// must be there, whole: its deadline steps and its audit entry, written in the same
// transaction. While it ran, no client got a 5xx or "database is locked".
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

			const clients = 50
			var (
				mu          sync.Mutex
				acked       []string
				bad         = map[int]int{}
				sent        atomic.Int64
				stop        atomic.Bool
				killed      atomic.Bool
				lostConns   atomic.Int64
				wg          sync.WaitGroup
				killedAt    time.Time
				ackedAtKill int
			)
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
			began := time.Now()
			for c := 0; c < clients; c++ {
				wg.Add(1)
				go func(c int) {
					defer wg.Done()
					for i := 0; !stop.Load(); i++ {
						n := int(sent.Add(1))
						code, status, err := submit(client, in.base, unit, n)
						if err != nil {
							// After the kill a dead connection is expected (not acknowledged,
							// so not looked for); before it, it would be a crash we did not cause.
							if !killed.Load() {
								lostConns.Add(1)
							}
							continue
						}
						mu.Lock()
						if code != "" {
							acked = append(acked, code)
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
				n := len(acked)
				mu.Unlock()
				if n >= 300 || time.Since(began) > 60*time.Second {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			mu.Lock()
			ackedAtKill = len(acked)
			mu.Unlock()
			killedAt = time.Now()
			killed.Store(true)
			if err := in.kill(); err != nil {
				t.Fatal(err)
			}
			stop.Store(true)
			wg.Wait()
			burst := killedAt.Sub(began)
			t.Logf("%s: %d petitions acknowledged in %v by %d clients (%.0f writes/s), %d when SIGKILL was sent; %d requests sent",
				engine, len(acked), burst.Round(time.Millisecond), clients, float64(ackedAtKill)/burst.Seconds(), ackedAtKill, sent.Load())
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
				t.Errorf("only %d writes acknowledged before the kill: the burst proves little", len(acked))
			}
		})
	}
}
