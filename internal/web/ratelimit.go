package web

import "net/http"

// allowRate counts one public request under key (a form and the caller's address) in the
// database-wide limiter (internal/ratelimit: every instance on this database shares the
// count) and reports whether it is within limit per minute; a limit <= 0 means no limit.
// The limiter fails open: when the count cannot be written the request goes through and
// the error is logged, so a citizen's petition is never lost to a busy counter.
func (s *Server) allowRate(r *http.Request, key string, limit int) bool {
	ok, err := s.Limiter.Allow(r.Context(), key, limit)
	if err != nil {
		s.Logger.Warn("rate limit not counted; request let in", "key", key, "err", err)
	}
	return ok
}
