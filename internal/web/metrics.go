package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"danvan/internal/sqldb"
)

// Metrics counts requests by route and status and keeps a latency histogram, written
// in the Prometheus text format at /metrics. Routes are the registered patterns, not
// raw paths, so the number of series stays bounded.
type Metrics struct {
	mu      sync.Mutex
	counts  map[string]*atomic.Int64 // "route\x00status"
	buckets map[string]*histogram    // route
}

var latencyBounds = []float64{0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5}

type histogram struct {
	counts []atomic.Int64 // one per bound, plus +Inf
	sumUS  atomic.Int64
	total  atomic.Int64
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{counts: map[string]*atomic.Int64{}, buckets: map[string]*histogram{}}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
	w.ResponseWriter.WriteHeader(s)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) metricsFor(route string, h http.Handler) http.Handler {
	m := s.Metrics
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		m.observe(route, sw.status, time.Since(start))
	})
}

func (m *Metrics) observe(route string, status int, d time.Duration) {
	key := route + "\x00" + fmt.Sprint(status)
	m.mu.Lock()
	c, ok := m.counts[key]
	if !ok {
		c = &atomic.Int64{}
		m.counts[key] = c
	}
	h, ok := m.buckets[route]
	if !ok {
		h = &histogram{counts: make([]atomic.Int64, len(latencyBounds)+1)}
		m.buckets[route] = h
	}
	m.mu.Unlock()
	c.Add(1)
	sec := d.Seconds()
	i := sort.SearchFloat64s(latencyBounds, sec)
	h.counts[i].Add(1)
	h.sumUS.Add(d.Microseconds())
	h.total.Add(1)
}

// Handler writes the metrics and the database pool statistics.
func (m *Metrics) Handler(db *sqldb.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		var b strings.Builder
		m.mu.Lock()
		keys := make([]string, 0, len(m.counts))
		for k := range m.counts {
			keys = append(keys, k)
		}
		routes := make([]string, 0, len(m.buckets))
		for k := range m.buckets {
			routes = append(routes, k)
		}
		m.mu.Unlock()
		sort.Strings(keys)
		sort.Strings(routes)
		b.WriteString("# HELP danvan_http_requests_total HTTP requests by route and status.\n# TYPE danvan_http_requests_total counter\n")
		for _, k := range keys {
			route, status, _ := strings.Cut(k, "\x00")
			m.mu.Lock()
			c := m.counts[k]
			m.mu.Unlock()
			fmt.Fprintf(&b, "danvan_http_requests_total{route=%q,status=%q} %d\n", route, status, c.Load())
		}
		b.WriteString("# HELP danvan_http_request_duration_seconds Request latency by route.\n# TYPE danvan_http_request_duration_seconds histogram\n")
		for _, route := range routes {
			m.mu.Lock()
			h := m.buckets[route]
			m.mu.Unlock()
			var cum int64
			for i, bound := range latencyBounds {
				cum += h.counts[i].Load()
				fmt.Fprintf(&b, "danvan_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", route, bound, cum)
			}
			cum += h.counts[len(latencyBounds)].Load()
			fmt.Fprintf(&b, "danvan_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", route, cum)
			fmt.Fprintf(&b, "danvan_http_request_duration_seconds_sum{route=%q} %g\n", route, float64(h.sumUS.Load())/1e6)
			fmt.Fprintf(&b, "danvan_http_request_duration_seconds_count{route=%q} %d\n", route, h.total.Load())
		}
		rs, ws := db.ReadPool().Stats(), db.WritePool().Stats()
		b.WriteString("# HELP danvan_db_connections Database connections by pool and state.\n# TYPE danvan_db_connections gauge\n")
		for _, p := range []struct {
			name        string
			open, inUse int
			idle        int
		}{{"read", rs.OpenConnections, rs.InUse, rs.Idle}, {"write", ws.OpenConnections, ws.InUse, ws.Idle}} {
			fmt.Fprintf(&b, "danvan_db_connections{pool=%q,state=\"open\"} %d\n", p.name, p.open)
			fmt.Fprintf(&b, "danvan_db_connections{pool=%q,state=\"in_use\"} %d\n", p.name, p.inUse)
			fmt.Fprintf(&b, "danvan_db_connections{pool=%q,state=\"idle\"} %d\n", p.name, p.idle)
		}
		b.WriteString("# HELP danvan_db_wait_total Connections waited for, by pool.\n# TYPE danvan_db_wait_total counter\n")
		fmt.Fprintf(&b, "danvan_db_wait_total{pool=\"read\"} %d\ndanvan_db_wait_total{pool=\"write\"} %d\n", rs.WaitCount, ws.WaitCount)
		_, _ = w.Write([]byte(b.String()))
	})
}
