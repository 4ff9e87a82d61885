package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"danvan/internal/auth"
	"danvan/internal/backup"
	"danvan/internal/config"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Version is set at build time with -ldflags "-X danvan/internal/app.Version=…".
var Version = "dev"

// Command is one `danvan` sub-command.
type Command struct {
	Name  string
	Usage string
	Run   func(ctx context.Context, env Env, args []string) error
}

// Env is what a command may touch: arguments, environment, and output streams.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Commands lists the sub-commands; domains add theirs (calendar, gen) in their own files.
func Commands() []Command {
	cmds := []Command{
		{"serve", "chạy máy chủ web (mặc định)", cmdServe},
		{"migrate", "cập nhật cấu trúc cơ sở dữ liệu rồi thoát", cmdMigrate},
		{"user", "quản lý tài khoản: user add|passwd|token|grant", cmdUser},
		{"backup", "sao lưu dữ liệu SQLite đang chạy (cơ sở dữ liệu, tệp đính kèm, bảng kê) vào thư mục mới: backup DIR", cmdBackup},
		{"restore", "khôi phục bản sao lưu vào thư mục dữ liệu chưa có cơ sở dữ liệu, kiểm tra từng bảng: restore DIR", cmdRestore},
		{"version", "in phiên bản", func(ctx context.Context, env Env, args []string) error {
			fmt.Fprintln(env.Stdout, "danvan", Version)
			return nil
		}},
	}
	return append(cmds, extraCommands()...)
}

// Main runs danvan with the process's arguments; it returns the exit code.
func Main(args []string, env Env) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	for _, c := range Commands() {
		if c.Name == name {
			err := c.Run(ctx, env, args)
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if err != nil {
				fmt.Fprintln(env.Stderr, "danvan:", err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(env.Stderr, "danvan: không có lệnh %q.\nCác lệnh:\n", name)
	for _, c := range Commands() {
		fmt.Fprintf(env.Stderr, "  %-10s %s\n", c.Name, c.Usage)
	}
	return 2
}

// parseConfig reads the serve flags (shared by commands that touch the database).
func parseConfig(name string, env Env, args []string, extra func(fs *flag.FlagSet)) (config.Config, *flag.FlagSet, error) {
	var cfg config.Config
	fs := cfg.FlagSet(name, env.Getenv, env.Stderr)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, fs, err
	}
	return cfg, fs, cfg.Validate()
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func cmdServe(ctx context.Context, env Env, args []string) error {
	cfg, _, err := parseConfig("serve", env, args, nil)
	if err != nil {
		return err
	}
	logger := newLogger(env.Stderr)
	a, err := Open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Prepare(ctx, env.Stderr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.Workers {
		a.StartWorkers(ctx)
	}
	if cfg.PprofAddr != "" {
		if err := servePprof(ctx, cfg.PprofAddr, logger); err != nil {
			return err
		}
	}
	engine := "SQLite " + cfg.DatabaseURLOrFile()
	if cfg.DatabaseURL != "" {
		engine = "PostgreSQL"
	}
	logger.Info("danvan đang chạy", "url", "http://"+ln.Addr().String(), "database", engine, "version", Version)
	return a.Serve(ctx, ln)
}

func cmdMigrate(ctx context.Context, env Env, args []string) error {
	cfg, _, err := parseConfig("migrate", env, args, nil)
	if err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, cfg.DatabaseURLOrFile(), sqldb.Options{CacheMB: cfg.SQLiteCacheMB})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "Cơ sở dữ liệu đã được cập nhật.")
	return nil
}

func openDB(ctx context.Context, cfg config.Config) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, cfg.DatabaseURLOrFile(), sqldb.Options{CacheMB: cfg.SQLiteCacheMB})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// readPassword reads one line from stdin (so passwords stay out of the shell history).
func readPassword(env Env) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := env.Stdin.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				break
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return "", err
		}
	}
	return strings.TrimRight(b.String(), "\r"), nil
}

func cmdUser(ctx context.Context, env Env, args []string) error {
	usage := errors.New("cách dùng: danvan user add TÊN [--name \"Họ tên\"] [--unit ID --role ROLE] | user passwd TÊN | user token TÊN [--name TÊN_MÃ] | user grant TÊN --unit ID --role ROLE (mật khẩu đọc từ đầu vào chuẩn)")
	if len(args) < 2 {
		return usage
	}
	sub, username := args[0], args[1]
	var display, tokenName, role string
	var unitID int64
	cfg, _, err := parseConfig("user "+sub, env, args[2:], func(fs *flag.FlagSet) {
		fs.StringVar(&display, "name", "", "họ và tên hiển thị")
		fs.StringVar(&tokenName, "token-name", "Dòng lệnh", "tên gợi nhớ của mã truy cập")
		fs.Int64Var(&unitID, "unit", 0, "mã số đơn vị để phân quyền")
		fs.StringVar(&role, "role", "", "vai trò: admin, staff, manager, massorg, handler, inspector, editor, member")
	})
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := auth.NewService(db)
	ctx = auditCLI(ctx)
	grant := func(userID int64) error {
		if unitID == 0 && role == "" {
			return nil
		}
		return org.NewService(db).GrantRole(ctx, nil, userID, unitID, org.Role(role))
	}
	switch sub {
	case "add":
		pw, err := readPassword(env)
		if err != nil {
			return err
		}
		var u auth.User
		err = db.Tx(ctx, func(tx *sqldb.Tx) error {
			u, err = auth.CreateUser(ctx, tx, auth.NewUser{Username: username, Password: pw, DisplayName: display, UnitID: unitID})
			return err
		})
		if err != nil {
			return err
		}
		if err := grant(u.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Đã tạo tài khoản %s (mã số %d).\n", u.Username, u.ID)
	case "passwd":
		u, err := auth.UserByName(ctx, db, username)
		if err != nil {
			return err
		}
		pw, err := readPassword(env)
		if err != nil {
			return err
		}
		if err := svc.SetPassword(ctx, u.ID, pw); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Đã đổi mật khẩu của %s.\n", u.Username)
	case "token":
		u, err := auth.UserByName(ctx, db, username)
		if err != nil {
			return err
		}
		tok, err := svc.CreateToken(ctx, u.ID, tokenName)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, tok)
	case "grant":
		u, err := auth.UserByName(ctx, db, username)
		if err != nil {
			return err
		}
		if err := grant(u.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Đã phân quyền %s cho %s trên đơn vị %d.\n", role, u.Username, unitID)
	default:
		return usage
	}
	return nil
}

func cmdBackup(ctx context.Context, env Env, args []string) error {
	cfg, fs, err := parseConfig("backup", env, args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("cách dùng: danvan backup [--data DIR] THƯ_MỤC_SAO_LƯU")
	}
	if cfg.DatabaseURL != "" {
		return errors.New("với PostgreSQL, hãy sao lưu bằng pg_dump (ví dụ: pg_dump -Fc -f danvan.dump \"$DANVAN_DATABASE_URL\")")
	}
	db, err := sqldb.Open(ctx, cfg.DatabaseURLOrFile(), sqldb.Options{CacheMB: cfg.SQLiteCacheMB})
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := backup.Make(ctx, db, filepath.Join(cfg.DataDir, backup.FilesDir), fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã sao lưu vào %s: %d bảng, %d dòng, %d tệp đính kèm (kê trong %s).\n", fs.Arg(0), len(m.Tables), m.Rows(), m.Files, backup.ManifestFile)
	return nil
}

// cmdRestore puts a backup made by cmdBackup into a data folder without a database: the
// server is stopped, the folder is new or its old database moved away first.
func cmdRestore(ctx context.Context, env Env, args []string) error {
	cfg, fs, err := parseConfig("restore", env, args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("cách dùng: danvan restore [--data DIR] THƯ_MỤC_SAO_LƯU")
	}
	if cfg.DatabaseURL != "" {
		return errors.New("với PostgreSQL, hãy khôi phục bằng pg_restore (ví dụ: pg_restore -d \"$DANVAN_DATABASE_URL\" danvan.dump)")
	}
	m, err := backup.Restore(ctx, fs.Arg(0), cfg.DataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã khôi phục %s vào %s: %d bảng, %d dòng, %d tệp đính kèm, khớp từng bảng với %s.\n", fs.Arg(0), cfg.DataDir, len(m.Tables), m.Rows(), m.Files, backup.ManifestFile)
	return nil
}
