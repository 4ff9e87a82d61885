package app

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/sqldb"
)

func runCLI(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := Env{Getenv: func(k string) string { return env[k] }, Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")}
	err := cmdCalendar(context.Background(), e, args)
	return out.String(), err
}

func TestCalendarCommand(t *testing.T) {
	empty := map[string]string{"DANVAN_DATA": t.TempDir()}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"lunar", "2026-02-17"}, "1/1/2026\n"},
		{[]string{"lunar", "2030-02-02"}, "1/1/2030\n"}, // Vietnam (UTC+7), not China's 3 February
		{[]string{"lunar", "2026-04-26"}, "10/3/2026\n"},
		{[]string{"lunar", "2025-07-25"}, "1/6/2025 (tháng nhuận)\n"},
		{[]string{"lunar", "2025-06-25"}, "1/6/2025\n"},
		{[]string{"add-working-days", "2026-06-30", "10"}, "2026-07-14\n"},
		{[]string{"add-working-days", "2026-02-13", "1"}, "2026-02-23\n"}, // across Tết Bính Ngọ
		{[]string{"add-working-days", "2026-07-14", "-10"}, "2026-06-30\n"},
	}
	for _, c := range cases {
		got, err := runCLI(t, empty, c.args...)
		if err != nil || got != c.want {
			t.Errorf("calendar %v = %q, %v; want %q", c.args, got, err, c.want)
		}
	}
	for _, bad := range [][]string{{}, {"lunar"}, {"lunar", "2026-02-30"}, {"lunar", "1800-01-01"}, {"add-working-days", "2026-01-01"}, {"add-working-days", "2026-01-01", "x"}, {"moon", "2026-01-01"}} {
		if _, err := runCLI(t, empty, bad...); err == nil {
			t.Errorf("calendar %v accepted", bad)
		}
	}
	// With a database, the administrator's days count.
	dir := t.TempDir()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	db, err := sqldb.Open(ctx, filepath.Join(dir, "danvan.db"), sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var rootID int64
	err = db.Tx(ctx, func(tx *sqldb.Tx) error {
		root, err := org.EnsureRoot(ctx, tx, "Đảng ủy")
		rootID = root.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	admin := &org.Principal{UserID: 0, Grants: []org.Grant{{UnitID: rootID, UnitPath: "/" + strconv.FormatInt(rootID, 10) + "/", Role: org.RoleAdmin}}}
	if err := petition.NewCalendarStore(db).SetDay(ctx, admin, "2026-07-01", "off", "Nghỉ thử"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	got, err := runCLI(t, map[string]string{"DANVAN_DATA": dir}, "add-working-days", "2026-06-30", "10")
	if err != nil || got != "2026-07-15\n" {
		t.Errorf("with a day off on 1/7: %q %v, want 2026-07-15", got, err)
	}
}
