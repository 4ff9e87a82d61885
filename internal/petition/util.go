package petition

import (
	"database/sql"
	"errors"
	"strconv"

	"danvan/internal/apperr"
)

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// nullID stores 0 as NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// vnDate writes YYYY-MM-DD as dd/mm/yyyy.
func vnDate(s string) string {
	if len(s) != 10 {
		return s
	}
	return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
}

func notFound(op string) error {
	return apperr.New(apperr.NotFound, op, "Không tìm thấy đơn thư.")
}

func wrapNF(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, op, "")
	}
	return apperr.Wrap(op, err)
}

func conflict(op, msg string) error { return apperr.New(apperr.Conflict, op, msg) }
