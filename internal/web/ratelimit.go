package web

import (
	"sync"
	"time"
)

// rateLimiter is a per-key sliding-minute counter in memory. It protects public forms and
// tracking-code lookups from floods; with several instances each keeps its own count,
// which multiplies the limit by the number of instances — acceptable for abuse control.
type rateLimiter struct {
	mu      sync.Mutex
	windows map[string]*window
	last    time.Time
}

type window struct {
	start time.Time
	n     int
}

func newRateLimiter() *rateLimiter { return &rateLimiter{windows: map[string]*window{}} }

// Allow counts one event for key and reports whether it is within limit per minute.
// A limit <= 0 means no limit.
func (l *rateLimiter) Allow(key string, limit int, now time.Time) bool {
	if limit <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.last) > time.Minute { // forget old windows now and then
		for k, w := range l.windows {
			if now.Sub(w.start) > time.Minute {
				delete(l.windows, k)
			}
		}
		l.last = now
	}
	w, ok := l.windows[key]
	if !ok || now.Sub(w.start) > time.Minute {
		w = &window{start: now}
		l.windows[key] = w
	}
	w.n++
	return w.n <= limit
}
