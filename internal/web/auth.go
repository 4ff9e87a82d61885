package web

import (
	"net"
	"net/http"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/auth"
)

func (s *Server) authRoutes() {
	s.handle("GET /login", s.loginForm)
	s.handle("POST /login", s.login)
	s.handle("POST /logout", s.logout)
	s.handle("GET /setup", s.setupForm)
	s.handle("POST /setup", s.setup)
	s.handle("GET /account", s.account)
	s.handle("POST /account/password", s.changePassword)
	s.handle("POST /account/tokens", s.createToken)
	s.handle("POST /account/tokens/{id}/revoke", s.revokeToken)
}

type loginPage struct {
	Page
	Next string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if !principal(r).IsZero() {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	p := s.publicPage(r, "Đăng nhập", "login")
	return s.render(w, r, http.StatusOK, "auth/login", loginPage{Page: p, Next: localPath(r.URL.Query().Get("next"), "/")})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	next := localPath(r.PostForm.Get("next"), "/")
	u, err := s.Auth.Login(r.Context(), r.PostForm.Get("username"), r.PostForm.Get("password"), s.clientAddr(r))
	if err != nil {
		k := apperr.KindOf(err)
		if k != apperr.Unauthorized && k != apperr.TooMany {
			return err
		}
		p := s.publicPage(r, "Đăng nhập", "login")
		p.ErrorMsg = apperr.MessageOf(err)
		p.Form = r.PostForm
		p.Form.Del("password")
		status := http.StatusUnauthorized
		if k == apperr.TooMany {
			status = http.StatusTooManyRequests
		}
		return s.render(w, r, status, "auth/login", loginPage{Page: p, Next: next})
	}
	// A new session token on sign-in prevents session fixation.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionUserKey, u.ID)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

type setupPage struct {
	Page
	Token string
}

// The set-up link works only from the machine itself or with the token printed in the log.
func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) error {
	n, err := s.Auth.CountUsers(r.Context())
	if err != nil {
		return err
	}
	if n > 0 {
		return errNotFound
	}
	tok := r.URL.Query().Get("token")
	if tok == "" && !isLoopback(r) {
		return errNotFound
	}
	p := s.publicPage(r, "Thiết lập hệ thống", "")
	return s.render(w, r, http.StatusOK, "auth/setup", setupPage{Page: p, Token: tok})
}

func isLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback() && r.Header.Get("X-Forwarded-For") == ""
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	f := r.PostForm
	if f.Get("password") != f.Get("password2") {
		p := s.publicPage(r, "Thiết lập hệ thống", "")
		p.Errors = map[string]string{"password2": "Hai lần nhập mật khẩu không khớp."}
		p.ErrorMsg = "Dữ liệu chưa hợp lệ."
		p.Form = f
		return s.render(w, r, http.StatusUnprocessableEntity, "auth/setup", setupPage{Page: p, Token: f.Get("token")})
	}
	u, err := s.Auth.Setup(ctx, auth.SetupInput{Token: f.Get("token"), Username: f.Get("username"), Password: f.Get("password"),
		DisplayName: f.Get("display_name"), OrgName: f.Get("org_name")})
	if err != nil {
		if apperr.KindOf(err) != apperr.Invalid && apperr.KindOf(err) != apperr.Conflict {
			return err
		}
		p := s.publicPage(r, "Thiết lập hệ thống", "")
		withFormError(&p, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "auth/setup", setupPage{Page: p, Token: f.Get("token")})
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionUserKey, u.ID)
	return s.redirect(w, r, "/", "success", "Đã tạo tài khoản quản trị. Chào mừng bạn đến với danvan.")
}

type accountPage struct {
	Page
	Account  auth.User
	Tokens   []auth.Token
	NewToken string
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	return s.renderAccount(w, r, s.page(r, "Tài khoản của tôi", "", Crumb{Label: "Tài khoản của tôi"}), http.StatusOK, "")
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, pg Page, status int, newToken string) error {
	p := principal(r)
	u, err := auth.GetUser(r.Context(), s.DB, p.UserID)
	if err != nil {
		return err
	}
	toks, err := s.Auth.Tokens(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "auth/account", accountPage{Page: pg, Account: u, Tokens: toks, NewToken: newToken})
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	f := r.PostForm
	if f.Get("new_password") != f.Get("new_password2") {
		err = &apperr.Error{Kind: apperr.Invalid, Message: "Hai lần nhập mật khẩu mới không khớp.", Fields: map[string]string{"new_password2": "Hai lần nhập mật khẩu mới không khớp."}}
	} else {
		err = s.Auth.ChangePassword(ctx, p.UserID, f.Get("old_password"), f.Get("new_password"), s.sessions.Token(r.Context()))
	}
	if err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		pg := s.page(r, "Tài khoản của tôi", "", Crumb{Label: "Tài khoản của tôi"})
		withFormError(&pg, r, err)
		pg.Form = nil // never echo passwords
		return s.renderAccount(w, r, pg, http.StatusUnprocessableEntity, "")
	}
	return s.redirect(w, r, "/account", "success", "Đã đổi mật khẩu.")
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	tok, err := s.Auth.CreateToken(r.Context(), p.UserID, strings.TrimSpace(r.PostForm.Get("name")))
	if err != nil {
		return err
	}
	pg := s.page(r, "Tài khoản của tôi", "", Crumb{Label: "Tài khoản của tôi"})
	pg.Flashes = append(pg.Flashes, Flash{Kind: "success", Message: "Đã tạo mã truy cập. Hãy sao chép ngay: mã chỉ hiển thị một lần."})
	return s.renderAccount(w, r, pg, http.StatusOK, tok)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeToken(r.Context(), p.UserID, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "success", "Đã thu hồi mã truy cập.")
}
