package web

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/sqldb"
)

// The citizens' pages (the petition form, the tracking page, the honour board, the
// consultations) are the product's busiest and cost the most to render for what they
// are. Each has a validator made of the database's public versions (migration 0748) and
// what else the page depends on (the day, a round's state); a visitor without cookies is
// answered from the page rendered at that validator, and a browser that already holds it
// gets 304. A page's form nonce (the double-submit guard) is not shared: the page is kept
// with a placeholder that each answer fills with a fresh nonce, and that nonce is part of
// the ETag, so a revalidation is 304 only while the nonce the browser holds is unused
// (after a submission it gets a page with a new one).

// publicValidator returns what a public page depends on, as a string that changes when
// the page would, and when it last changed (zero when unknown). "" means: do not cache
// this answer (it is rendered as usual).
type publicValidator func(r *http.Request) (tag string, modified time.Time, err error)

// placeholderNonce is rendered into kept pages in place of a form nonce; it is replaced
// in every answer. Its length and alphabet are a real nonce's.
const placeholderNonce = "0PUBLIC0PAGE0NONCE000000"

type placeholderKey struct{}

// formNonce is the nonce of a page being rendered for r: the placeholder when the page is
// to be kept.
func formNonce(r *http.Request) string {
	if r.Context().Value(placeholderKey{}) != nil {
		return placeholderNonce
	}
	return newNonce()
}

// publicPages keeps rendered public pages by address, each with its validator. Bounded:
// past maxCachedPages pages or maxCachedBytes it starts again empty (a crawler walking
// every page of the honour board must not grow the server's memory).
type publicPages struct {
	mu    sync.Mutex
	pages map[string]publicPage
	bytes int
}

type publicPage struct {
	tag string
	// parts is the page split at its nonce placeholders (one part: no form); gz is each
	// part deflated on its own, so a compressed answer is made without compressing.
	parts [][]byte
	gz    [][]byte
	// whole is the gzip answer of a page without a form, made once.
	whole       []byte
	contentType string
}

func (p publicPage) hasNonce() bool { return len(p.parts) > 1 }

// keepAs makes the kept form of an answer of any content type (the news feeds, the API).
func keepAs(tag string, body []byte, contentType string) publicPage {
	p := publicPage{tag: tag, parts: bytes.Split(body, []byte(placeholderNonce)), contentType: contentType}
	for _, part := range p.parts {
		p.gz = append(p.gz, deflateSegment(part))
	}
	if !p.hasNonce() {
		p.whole = p.gzip("")
	}
	return p
}

// write sends the page with nonce in place of its placeholders: gzip-encoded when the
// client takes it (a 37 kB form is 6 kB, one write instead of ten). The compressed body is
// the parts' own deflate segments, each ended on a byte boundary, with the nonce between
// them as a stored block, then an empty final block and gzip's trailer (CRC-32 and length
// of the whole): valid DEFLATE (RFC 1951 §3.2.4), as a browser reads it.
func (p publicPage) write(w http.ResponseWriter, r *http.Request, nonce string) error {
	if p.contentType != "" {
		w.Header().Set("Content-Type", p.contentType)
	}
	w.Header().Add("Vary", "Accept-Encoding")
	size := p.size(nonce)
	if !acceptsGzip(r) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		if !p.hasNonce() {
			_, err := w.Write(p.parts[0])
			return err
		}
		_, err := w.Write(bytes.Join(p.parts, []byte(nonce)))
		return err
	}
	out := p.whole
	if p.hasNonce() {
		out = p.gzip(nonce)
	}
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	_, err := w.Write(out)
	return err
}

// size is the length of the page with nonce in place of its placeholders.
func (p publicPage) size(nonce string) int {
	n := len(nonce) * (len(p.parts) - 1)
	for _, part := range p.parts {
		n += len(part)
	}
	return n
}

// gzip assembles the compressed answer with nonce in place of the placeholders.
func (p publicPage) gzip(nonce string) []byte {
	size := p.size(nonce)
	n := len(gzipHeader) + len(finalBlock) + 8 + (len(nonce)+5)*(len(p.parts)-1)
	for _, g := range p.gz {
		n += len(g)
	}
	out := make([]byte, 0, n)
	out = append(out, gzipHeader...)
	crc := uint32(0)
	for i, part := range p.parts {
		if i > 0 {
			l := len(nonce)
			out = append(out, 0, byte(l), byte(l>>8), ^byte(l), ^byte(l>>8))
			out = append(out, nonce...)
			crc = crc32.Update(crc, crc32.IEEETable, []byte(nonce))
		}
		out = append(out, p.gz[i]...)
		crc = crc32.Update(crc, crc32.IEEETable, part)
	}
	out = append(out, finalBlock...)
	out = binary.LittleEndian.AppendUint32(out, crc)
	return binary.LittleEndian.AppendUint32(out, uint32(size))
}

// gzipHeader is a gzip member's header: deflate, no name, no time, unknown OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// finalBlock is an empty stored block marked last.
var finalBlock = []byte{1, 0, 0, 0xff, 0xff}

// deflateSegment compresses b into blocks that end on a byte boundary and are not the
// last (a sync flush), so segments and stored blocks can follow one another.
func deflateSegment(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Flush()
	return buf.Bytes()
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip.
func acceptsGzip(r *http.Request) bool {
	for _, e := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(e), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0"
		}
	}
	return false
}

func (c *publicPages) get(key, tag string) (publicPage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pages[key]
	return p, ok && p.tag == tag
}

// bytes is the memory a kept page holds.
func (p publicPage) bytes() int {
	n := len(p.whole)
	for i := range p.parts {
		n += len(p.parts[i]) + len(p.gz[i])
	}
	return n
}

func (c *publicPages) put(key string, p publicPage) {
	size := p.bytes()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || len(c.pages) >= maxCachedPages || c.bytes+size > maxCachedBytes {
		c.pages, c.bytes = map[string]publicPage{}, 0
	}
	if old, ok := c.pages[key]; ok {
		c.bytes -= old.bytes()
	}
	c.pages[key] = p
	c.bytes += size
}

// maxCachedPages and maxCachedBytes bound each cache of rendered public pages.
const (
	maxCachedPages = 2000
	maxCachedBytes = 16 << 20
)

// publicCacheControl: a browser revalidates every time (a 304 costs one small read), so
// a citizen sees an answer or a decision at once; a shared cache may keep a page without
// a form for a minute. A page with a form nonce is private: shared, its nonce would make
// the second citizen's submission look like the first one's double.
const (
	publicCacheControl = "public, max-age=0, must-revalidate, s-maxage=60"
	nonceCacheControl  = "private, no-cache"
)

// cachedPublic answers a public page through its validator (see above). Signed-in users
// and visitors with a cookie (a flash message may wait) get a fresh, private page.
func (s *Server) cachedPublic(pages *publicPages, validate publicValidator, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !principal(r).IsZero() || r.Header.Get("Cookie") != "" {
			return h(&cacheHeaderWriter{ResponseWriter: w, cc: "private, no-store"}, r)
		}
		tag, modified, err := validate(r)
		if err != nil {
			return err
		}
		if tag == "" {
			return h(w, r)
		}
		tag = s.layoutTag + "-" + tag
		w.Header().Set("Vary", "Cookie")
		key := r.URL.RequestURI()
		p, kept := pages.get(key, tag)
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			if etag, ok := s.revalidate(r.Context(), inm, tag); ok {
				w.Header().Set("ETag", etag)
				w.Header().Set("Cache-Control", publicCacheControl)
				if strings.Contains(etag, ".") {
					w.Header().Set("Cache-Control", nonceCacheControl)
				}
				w.WriteHeader(http.StatusNotModified)
				return nil
			}
		} else if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && kept && !p.hasNonce() &&
			!modified.IsZero() && !modified.Truncate(time.Second).After(ims) {
			w.Header().Set("ETag", `"`+tag+`"`)
			w.Header().Set("Cache-Control", publicCacheControl)
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		if !kept {
			var done bool
			if p, done, err = pages.render(w, r.WithContext(context.WithValue(r.Context(), placeholderKey{}, true)), key, tag, h); done || err != nil {
				return err
			}
		}
		etag, cc, nonce := `"`+tag+`"`, publicCacheControl, ""
		if p.hasNonce() {
			nonce = newNonce()
			etag, cc = `"`+tag+"."+nonce+`"`, nonceCacheControl
		} else if !modified.IsZero() {
			w.Header().Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", cc)
		return p.write(w, r, nonce)
	}
}

// revalidate returns the ETag of If-None-Match that still holds: the validator's, with
// the nonce of its form, if any, unused.
func (s *Server) revalidate(ctx context.Context, inm, tag string) (string, bool) {
	for _, t := range strings.Split(inm, ",") {
		t = strings.Trim(strings.TrimPrefix(strings.TrimSpace(t), "W/"), `"`)
		base, nonce, _ := strings.Cut(t, ".")
		if base != tag {
			continue
		}
		if nonce == "" {
			return `"` + t + `"`, true
		}
		if used, err := s.DB.NonceUsed(ctx, nonce); err == nil && !used {
			return `"` + t + `"`, true
		}
	}
	return "", false
}

// render runs h into a buffer and keeps its answer at tag when it is a 200; any other
// answer is sent as it is, each placeholder filled with a fresh nonce, and done is true.
func (c *publicPages) render(w http.ResponseWriter, r *http.Request, key, tag string, h handlerFunc) (p publicPage, done bool, err error) {
	rec := &bufferedWriter{header: http.Header{}, status: http.StatusOK}
	if err := h(rec, r); err != nil {
		return p, true, err
	}
	if rec.status != http.StatusOK {
		rec.copyTo(w, func(b []byte) []byte { return bytes.ReplaceAll(b, []byte(placeholderNonce), []byte(newNonce())) })
		return p, true, nil
	}
	p = keepAs(tag, rec.buf.Bytes(), rec.header.Get("Content-Type"))
	c.put(key, p)
	return p, false, nil
}

// bufferedWriter holds a whole answer, so a page to be kept is kept with its placeholder
// and only its copies carry nonces.
type bufferedWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header         { return b.header }
func (b *bufferedWriter) WriteHeader(code int)        { b.status = code }
func (b *bufferedWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }

// copyTo sends the held answer, its body passed through fill.
func (b *bufferedWriter) copyTo(w http.ResponseWriter, fill func([]byte) []byte) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(fill(b.buf.Bytes()))
}

// versionCache keeps the public versions for publicVersionTTL: a change made in this
// instance (every write is a POST) forgets them at once; another instance's, or one made
// outside danvan, is seen within the TTL. A kept public page is thus at most that old.
type versionCache struct {
	mu  sync.Mutex
	at  time.Time
	gen int64 // moved by each forget
	v   map[string]pubVersion
}

// publicVersionTTL: the read costs about as much as answering a kept page does.
const publicVersionTTL = time.Second

func (c *versionCache) forget() {
	c.mu.Lock()
	c.at = time.Time{}
	c.gen++
	c.mu.Unlock()
}

// publicVersions returns the public versions (migration 0748), by name, kept for
// publicVersionTTL.
func (s *Server) publicVersions(ctx context.Context) (map[string]pubVersion, error) {
	c := &s.pubVersions
	c.mu.Lock()
	v, at, gen := c.v, c.at, c.gen
	c.mu.Unlock()
	if !at.IsZero() && time.Since(at) < publicVersionTTL {
		return v, nil
	}
	start := time.Now()
	v, err := s.readPublicVersions(ctx)
	if err == nil {
		c.mu.Lock()
		// A forget during the read leaves the cache empty: what was read may predate it.
		if c.gen == gen {
			c.v, c.at = v, start
		}
		c.mu.Unlock()
	}
	return v, err
}

func (s *Server) readPublicVersions(ctx context.Context) (map[string]pubVersion, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT name, n, at FROM public_versions`)
	if err != nil {
		return nil, apperr.Wrap("web.publicVersions", err)
	}
	defer rows.Close()
	out := make(map[string]pubVersion, 3)
	for rows.Next() {
		var name, at string
		var v pubVersion
		if err := rows.Scan(&name, &v.n, &at); err != nil {
			return nil, apperr.Wrap("web.publicVersions", err)
		}
		v.at = sqldb.ParseTime(at)
		out[name] = v
	}
	return out, apperr.Wrap("web.publicVersions", rows.Err())
}

type pubVersion struct {
	n  int64
	at time.Time
}

// versionsTag joins the named versions into a validator, with the latest change.
func (s *Server) versionsTag(ctx context.Context, names ...string) (string, time.Time, error) {
	vs, err := s.publicVersions(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	var b strings.Builder
	var latest time.Time
	for i, name := range names {
		v := vs[name]
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(name[:1])
		b.WriteString(strconv.FormatInt(v.n, 10))
		if v.at.After(latest) {
			latest = v.at
		}
	}
	return b.String(), latest, nil
}

// contentTag is a validator made of what an answer shows: a hash of its data.
func contentTag(parts ...any) string {
	h := sha256.New()
	for _, p := range parts {
		_ = json.NewEncoder(h).Encode(p)
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12])
}

// layoutTagOf fingerprints what every page is rendered from besides its data: the
// templates, the static files and the organisation's name, so a new release or a renamed
// organisation changes every ETag.
func layoutTagOf(orgName string) string {
	h := sha256.New()
	h.Write([]byte(orgName))
	for _, fsys := range []fs.FS{templateFS, staticFS} {
		_ = fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(fsys, path)
			h.Write([]byte(path))
			h.Write(b)
			return err
		})
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:6])
}

// keptForTag keeps one value read for a version tag (versionsTag): it is read again only
// when the tag moved, or when fresh (if not nil) says the kept value has run out (a time it
// names has passed), so a value every public answer needs costs one read per change of
// the data behind it, on every instance.
type keptForTag[T any] struct {
	mu  sync.Mutex
	tag string
	v   T
}

func (k *keptForTag[T]) get(tag string, fresh func(T) bool, read func() (T, error)) (T, error) {
	k.mu.Lock()
	if k.tag == tag && tag != "" && (fresh == nil || fresh(k.v)) {
		v := k.v
		k.mu.Unlock()
		return v, nil
	}
	k.mu.Unlock()
	v, err := read()
	if err != nil {
		return v, err
	}
	k.mu.Lock()
	k.tag, k.v = tag, v
	k.mu.Unlock()
	return v, nil
}
