// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) on 127.0.0.1
// for tests: it accepts mail, optionally requires PLAIN authentication, and keeps every
// message it received, parsed (headers decoded, body decoded from its transfer encoding).
// Only tests import it.
package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one received mail.
type Message struct {
	From    string
	To      []string
	Subject string // decoded
	Header  mail.Header
	Body    string // decoded text
	Raw     []byte
}

// Server is a running test SMTP server.
type Server struct {
	Addr     string // host:port
	User     string // when set, PLAIN auth with User/Password is required
	Password string

	mu   sync.Mutex
	msgs []Message
	srv  *smtp.Server
	ln   net.Listener
	t    testing.TB
}

// Start runs a server on addr ("127.0.0.1:0" for any port); it stops with the test.
func Start(t testing.TB, addr string) *Server {
	t.Helper()
	s := &Server{t: t}
	if err := s.listen(addr); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	s.mu.Lock()
	s.srv = srv
	s.ln = ln
	s.Addr = ln.Addr().String()
	s.mu.Unlock()
	go srv.Serve(ln)
	return nil
}

// Stop closes the server (it can be restarted on the same address with Restart).
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		ln.Close() // Serve may not have started yet: close the listener itself
		srv.Close()
	}
}

// Restart starts the server again on its previous address.
func (s *Server) Restart() {
	s.t.Helper()
	var err error
	for range 50 { // the port may take a moment to be free again
		if err = s.listen(s.Addr); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatal(err)
}

// Messages returns what was received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != x.s.User || pass != x.s.Password {
			return errors.New("invalid credentials")
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.User != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{From: x.from, To: x.to, Raw: raw}
	pm, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	m.Header = pm.Header
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(pm.Header.Get("Subject")); err != nil {
		return err
	}
	var body io.Reader = pm.Body
	switch strings.ToLower(pm.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, m)
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
