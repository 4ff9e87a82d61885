package app_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"danvan/internal/app"
)

// TestBackupAndRestoreCommands runs the README's commands: migrate a data folder, back it
// up, restore the backup into a new folder (the copy sums as its manifest says), and
// refuse to restore over the database just restored.
func TestBackupAndRestoreCommands(t *testing.T) {
	run := func(args ...string) (int, string) {
		var out bytes.Buffer
		code := app.Main(args, app.Env{Getenv: func(string) string { return "" }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out})
		return code, out.String()
	}
	data := filepath.Join(t.TempDir(), "data")
	if code, out := run("migrate", "--data", data); code != 0 {
		t.Fatalf("migrate: %d %s", code, out)
	}
	target := filepath.Join(t.TempDir(), "sao-luu-2026-12-06")
	code, out := run("backup", "--data", data, target)
	if code != 0 || !strings.Contains(out, "Đã sao lưu vào "+target) {
		t.Fatalf("backup: %d %s", code, out)
	}
	restored := filepath.Join(t.TempDir(), "khoi-phuc")
	code, out = run("restore", "--data", restored, target)
	if code != 0 || !strings.Contains(out, "khớp từng bảng") {
		t.Fatalf("restore: %d %s", code, out)
	}
	if code, out = run("restore", "--data", restored, target); code != 1 || !strings.Contains(out, "đã có cơ sở dữ liệu") {
		t.Fatalf("restore over a database: %d %s", code, out)
	}
	if code, out = run("backup", "--data", data, target); code != 1 || !strings.Contains(out, "đã có") {
		t.Fatalf("backup into an existing folder: %d %s", code, out)
	}
}
