package figures

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"danvan/internal/org"
)

// slowSource answers one block after a delay, counting how many run at once.
type slowSource struct {
	key          string
	delay        time.Duration
	err          error
	running, max *atomic.Int32
}

func (s slowSource) Figures(ctx context.Context, p *org.Principal, q Query) ([]Block, error) {
	n := s.running.Add(1)
	for {
		m := s.max.Load()
		if n <= m || s.max.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(s.delay)
	s.running.Add(-1)
	return []Block{{Key: s.key}}, s.err
}

// Collect keeps the sources' order whatever order they finish in, runs them side by side
// but never more than two at once, and returns a source's error.
func TestCollect(t *testing.T) {
	var running, max atomic.Int32
	mk := func(key string, ms int, err error) Source {
		return slowSource{key: key, delay: time.Duration(ms) * time.Millisecond, err: err, running: &running, max: &max}
	}
	q := Query{Scope: "/1/", From: "2026-01-01", To: "2026-12-31"}
	blocks, err := Collect(context.Background(), []Source{mk("a", 40, nil), mk("b", 5, nil), mk("c", 20, nil), mk("d", 1, nil)}, nil, q)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, b := range blocks {
		got += b.Key
	}
	if got != "abcd" {
		t.Errorf("blocks in the order %q, want the sources' abcd", got)
	}
	if m := max.Load(); m != 2 {
		t.Errorf("%d sources ran at once, want 2", m)
	}
	bad := errors.New("hỏng")
	if _, err := Collect(context.Background(), []Source{mk("a", 1, nil), mk("b", 1, bad)}, nil, q); !errors.Is(err, bad) {
		t.Errorf("error %v, want the source's", err)
	}
}
