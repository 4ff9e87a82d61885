package emulation

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Generator returns the `danvan gen` generator of the models domain: n models and
// exemplars (at most 200 per 1,000 generated units below 1,000 units) spread over the
// mass organisations and cells of the synthetic tree, in every state and over four years,
// a tenth of them with a request for support (half answered), then the rollup counts.
func Generator(n int) gen.Generator {
	return func(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options) error {
		return generate(ctx, db, s, o, n)
	}
}

var genStates = []struct {
	st State
	pc int
}{{Draft, 5}, {Registered, 8}, {Approved, 7}, {Implementing, 30}, {Reviewed, 15}, {Assessed, 10}, {Recognised, 15}, {Replicated, 3}, {Stopped, 7}}

var genNames = []string{"Dân vận khéo trong tiếp công dân", "Một cửa thân thiện", "Bữa cơm nghĩa tình", "Quỹ tương trợ đoàn viên", "Thanh niên tình nguyện hướng dẫn thủ tục trực tuyến",
	"Cựu chiến binh hòa giải ở cơ sở", "Vườn rau sạch nghĩa tình", "Tủ sách pháp luật", "Nói không với phong bì", "Số hóa hồ sơ lưu trữ", "Tổ an ninh trật tự cơ quan",
	"Mái ấm công đoàn", "Ngày thứ bảy tình nguyện", "Hỗ trợ nông dân bán hàng trực tuyến", "Gia đình văn hóa công sở"}

func generate(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options, n int) error {
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	var homes []gen.UnitRef
	for _, k := range []org.UnitKind{org.KindTradeUnion, org.KindYouthUnion, org.KindVeterans, org.KindWomen, org.KindCell} {
		homes = append(homes, s.Units[k]...)
	}
	if len(homes) == 0 || n <= 0 {
		return nil
	}
	if s.UnitCount < 1000 {
		n = min(n, max(1, s.UnitCount*200))
	}
	start := time.Now()
	r := rand.New(rand.NewPCG(o.Seed^0x6d6f64656c73, o.Seed+7))
	var firstID int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM models`).Scan(&firstID); err != nil {
		return apperr.Wrap("emulation.generate", err)
	}
	now := db.Now()
	year := now.Year()
	cols := []string{"id", "kind", "unit_id", "unit_path", "name", "name_fold", "holder", "field", "year", "problem", "goals", "criteria", "methods", "area",
		"beneficiaries", "lead_force", "outputs", "story", "state", "stop_reason", "level", "reward", "decision", "recognised_year", "recognised_at", "honoured",
		"last_report_at", "watch_at", "created_at", "updated_at"}
	supCols := []string{"model_id", "unit_path", "to_unit_id", "to_unit_path", "request", "asked_name", "asked_at", "answer", "answered_name", "answered_at"}
	const perStmt = 400
	var rows, sups [][]any
	flush := func(tx *sqldb.Tx, table string, cs []string, rs [][]any) error {
		for len(rs) > 0 {
			k := min(perStmt, len(rs))
			var sb strings.Builder
			sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cs, ", ") + ") VALUES ")
			one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cs)), ", ") + ")"
			args := make([]any, 0, k*len(cs))
			for i := 0; i < k; i++ {
				if i > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString(one)
				args = append(args, rs[i]...)
			}
			if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
				return apperr.Wrap("emulation.generate "+table, err)
			}
			rs = rs[k:]
		}
		return nil
	}
	write := func() error {
		err := db.Tx(ctx, func(tx *sqldb.Tx) error {
			if err := flush(tx, "models", cols, rows); err != nil {
				return err
			}
			return flush(tx, "model_support", supCols, sups)
		})
		rows, sups = rows[:0], sups[:0]
		return err
	}
	ts := func(daysAgo int) string { return sqldb.FormatTime(now.Add(-time.Duration(daysAgo) * 24 * time.Hour)) }
	for i := 0; i < n; i++ {
		id := firstID + int64(i) + 1
		h := homes[r.IntN(len(homes))]
		pick, acc := r.IntN(100), 0
		st := Implementing
		for _, g := range genStates {
			acc += g.pc
			if pick < acc {
				st = g.st
				break
			}
		}
		y := year - r.IntN(4)
		kind, holder := KindModel, ""
		if r.IntN(5) == 0 {
			kind, holder = KindExemplar, "Tập thể đoàn viên số "+itoa(id)
		}
		name := fmt.Sprintf("%s (%d)", genNames[r.IntN(len(genNames))], id)
		field := Fields[r.IntN(len(Fields))].Key
		level, reward, decision, ry, rat := "", "", "", 0, ""
		honoured := st.Honoured()
		if honoured {
			level, reward, decision, ry, rat = Levels[r.IntN(2)].Key, Rewards[r.IntN(2)], fmt.Sprintf("%d-QĐ/ĐUK", 1+r.IntN(300)), y, ts(30+r.IntN(300))
		}
		last, watch := "", ""
		if st != Draft && st != Registered {
			last = ts(r.IntN(220))
		}
		if st.inProgress() {
			watch = last
		}
		stop := ""
		if st == Stopped {
			stop = "Đơn vị sáp nhập, mô hình không còn phù hợp."
		}
		created := ts(200 + r.IntN(900))
		rows = append(rows, []any{id, kind, h.ID, h.Path, name, search.Fold(name + " " + holder), holder, field, y,
			"Vấn đề cần giải quyết của mô hình.", "Mục tiêu đo được.", "Tiêu chí: tỷ lệ hài lòng trên 90%.", "Cách làm cụ thể, phân công rõ người rõ việc.", "Cơ quan",
			"Cán bộ, người dân", "Ban chấp hành", "Kết quả dự kiến.", "Câu chuyện của mô hình " + itoa(id) + ".", string(st), stop, level, reward, decision, ry, rat, honoured,
			last, watch, created, created})
		if st != Draft && r.IntN(10) == 0 {
			up := h.Path[:strings.LastIndex(strings.TrimSuffix(h.Path, "/"), "/")+1]
			ids := org.PathIDs(up)
			if len(ids) > 0 {
				ans, ansName, ansAt := "", "", ""
				if r.IntN(2) == 0 {
					ans, ansName, ansAt = "Đã hỗ trợ.", "Lãnh đạo đơn vị", ts(r.IntN(30))
				}
				sups = append(sups, []any{id, h.Path, ids[len(ids)-1], up, "Đề nghị hỗ trợ kinh phí, tài liệu.", "Đoàn viên", ts(30 + r.IntN(100)), ans, ansName, ansAt})
			}
		}
		if len(rows) >= 10000 {
			if err := write(); err != nil {
				return err
			}
		}
	}
	if len(rows) > 0 {
		if err := write(); err != nil {
			return err
		}
	}
	if db.Dialect() == sqldb.Postgres {
		for _, t := range []string{"models", "model_support"} {
			if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				return apperr.Wrap("emulation.generate", err)
			}
		}
	}
	if err := db.Tx(ctx, func(tx *sqldb.Tx) error { return RebuildRollup(ctx, tx) }); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return apperr.Wrap("emulation.generate", err)
	}
	fmt.Fprintf(log, "gen: %d mô hình, điển hình trong %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
