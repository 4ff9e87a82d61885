package web

import (
	"context"
	"danvan/internal/apperr"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"danvan/internal/audit"
	"danvan/internal/org"
)

type principalKey struct{}

// chain wraps the mux: recover → security headers → session → cross-origin protection →
// who is asking (session or bearer token) → the actor for audit.
func (s *Server) chain(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, errForbiddenCSRF)
	}))
	h = s.cleanInput(h)
	h = s.identify(h)
	// Inside the session: the deny page reads the session (flash messages), and without
	// it a refused cross-origin POST panicked and the connection was dropped.
	h = cop.Handler(h)
	h = s.sessions.LoadAndSave(h)
	h = securityHeaders(h, strings.HasPrefix(s.cfg.BaseURL, "https://"))
	h = s.recoverer(h)
	return h
}

// cleanInput drops from the query string what no field may hold: NUL and bytes that are
// not UTF-8, and answers "not found" for a path holding them, which names nothing.
// PostgreSQL refuses both in a text parameter ("invalid byte sequence"), so a list filtered
// by "%00" or an article's slug "%FF" answered 500 there (the injection test found them);
// SQLite stored them. parseForm does the same for forms. A query without '%' and without
// bytes outside ASCII cannot carry either, and is passed on without being parsed. It runs
// inside the session, for the error page.
func (s *Server) cleanInput(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cleanText(r.URL.Path) != r.URL.Path {
			s.renderError(w, r, apperr.New(apperr.NotFound, "web.path", ""))
			return
		}
		if raw := r.URL.RawQuery; raw != "" && needsCleaning(raw) {
			q := r.URL.Query()
			for k, vs := range q {
				for i, v := range vs {
					vs[i] = cleanText(v)
				}
				if ck := cleanText(k); ck != k {
					delete(q, k)
					q[ck] = vs
				}
			}
			r.URL.RawQuery = q.Encode()
		}
		h.ServeHTTP(w, r)
	})
}

func needsCleaning(raw string) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] == '%' || raw[i] >= 0x80 {
			return true
		}
	}
	return false
}

// cleanText is s as valid UTF-8 without NUL.
func cleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
}

// securityHeaders sets the headers every answer carries. HSTS follows the configured base
// URL (or a TLS connection), not a client's X-Forwarded-Proto: a header anyone can send must
// not decide what browsers pin for a year, and a deployment whose base URL is https is
// served over https whichever proxy sits in front.
func securityHeaders(h http.Handler, https bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if https || r.TLS != nil {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Logger.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				s.renderError(w, r, fmt.Errorf("panic: %v", p))
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// identify loads the principal from the bearer token (API) or the session.
func (s *Server) identify(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var userID int64
		if authz := r.Header.Get("Authorization"); strings.HasPrefix(authz, "Bearer ") {
			id, err := s.Auth.UserForToken(ctx, strings.TrimSpace(strings.TrimPrefix(authz, "Bearer ")))
			if err != nil {
				s.apiError(w, r, err)
				return
			}
			userID = id
		} else {
			userID = s.sessions.GetInt64(ctx, sessionUserKey)
		}
		var p *org.Principal
		if userID != 0 {
			loaded, err := s.principals.load(ctx, s.DB, userID)
			if err != nil {
				// A disabled or deleted account: forget the session.
				_ = s.sessions.Destroy(ctx)
			} else {
				p = loaded
			}
		}
		actor := audit.Actor{Address: s.clientAddr(r), Name: "Công dân"}
		if p != nil {
			actor.UserID, actor.Name = p.UserID, p.Name
		}
		ctx = audit.WithActor(ctx, actor)
		ctx = context.WithValue(ctx, principalKey{}, p)
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// principal returns who is asking, nil for a citizen.
func principal(r *http.Request) *org.Principal {
	p, _ := r.Context().Value(principalKey{}).(*org.Principal)
	return p
}

// requireUser returns the signed-in principal or an Unauthorized error (which redirects to
// the login page for browsers).
func requireUser(r *http.Request) (*org.Principal, error) {
	p := principal(r)
	if p.IsZero() {
		return nil, errUnauthorized
	}
	return p, nil
}

// clientAddr is the address of whoever sent the request, as counted by the login
// throttle and the public forms' limit and written to the audit log. Behind reverse
// proxies (Config.TrustedProxies) it is read from X-Forwarded-For right to left: each
// trusted proxy vouches for the address before it, and the first address that is not a
// trusted proxy is the client. The left part of the header is whatever the client sent,
// so taking the first entry would let anyone choose their address.
func (s *Server) clientAddr(r *http.Request) string {
	return clientAddress(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), s.cfg.TrustedProxies)
}

func clientAddress(remote string, forwarded []string, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap()
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	var hops []string
	for _, v := range forwarded {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0 && isTrusted(addr); i-- {
		prev, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: nothing to its left can be believed
		}
		addr = prev.Unmap()
	}
	return addr.String()
}
