package news

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The body of an article is stored as HTML that went through Sanitize: whatever an editor
// pastes (often from Word, with its styles, classes, <o:p> and conditional comments) is
// parsed as a fragment and rebuilt from a short whitelist of elements and attributes.
// Nothing else survives: no script, no event handler, no style, no foreign link scheme.
// A script's or an embedded object's source is not silently lost either: it comes out as
// visible text, so the reviewer sees what the paste contained, and Sanitize reports what it
// removed so the form can say so.

// allowedElems are the elements kept, with the attributes each may keep.
var allowedElems = map[atom.Atom][]string{
	atom.P: nil, atom.Br: nil, atom.H2: nil, atom.H3: nil, atom.H4: nil,
	atom.Ul: nil, atom.Ol: nil, atom.Li: nil, atom.Blockquote: nil,
	atom.Strong: nil, atom.B: nil, atom.Em: nil, atom.I: nil, atom.U: nil, atom.Sub: nil, atom.Sup: nil,
	atom.A: {"href"}, atom.Img: {"src", "alt"}, atom.Figure: nil, atom.Figcaption: nil,
	atom.Table: nil, atom.Caption: nil, atom.Thead: nil, atom.Tbody: nil, atom.Tr: nil,
	atom.Th: {"colspan", "rowspan", "scope"}, atom.Td: {"colspan", "rowspan"},
}

// droppedElems vanish with their content: they carry no text a reader should see
// (Word's style sheets and document properties, the head of a pasted page).
var droppedElems = map[atom.Atom]bool{atom.Style: true, atom.Head: true, atom.Meta: true, atom.Link: true, atom.Title: true}

// textElems are refused but shown as text (their markup, escaped), as the editor asked:
// a script pasted into an article is visible to the reviewer, never run.
var textElems = map[atom.Atom]bool{atom.Script: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Form: true, atom.Input: true, atom.Button: true, atom.Textarea: true, atom.Select: true, atom.Svg: true, atom.Math: true, atom.Noscript: true}

// Sanitized is the result of Sanitize: the safe HTML and what was taken out, in words.
type Sanitized struct {
	HTML    string
	Removed []string // "thẻ <script>", "thuộc tính onclick", … sorted, each once
}

// Sanitize rebuilds pasted or typed HTML from the whitelist. Text without any tag is
// taken as plain text: blank lines separate paragraphs.
func Sanitize(in string) Sanitized {
	if !strings.Contains(in, "<") {
		return Sanitized{HTML: plainParagraphs(in)}
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(in), ctx)
	if err != nil {
		// ParseFragment only fails on a reader error; a string reader has none.
		return Sanitized{HTML: plainParagraphs(in)}
	}
	s := &sanitizer{removed: map[string]bool{}}
	for _, n := range nodes {
		s.node(n)
	}
	out := Sanitized{HTML: strings.TrimSpace(s.buf.String())}
	for r := range s.removed {
		out.Removed = append(out.Removed, r)
	}
	sort.Strings(out.Removed)
	return out
}

type sanitizer struct {
	buf     bytes.Buffer
	removed map[string]bool
}

func (s *sanitizer) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		s.buf.WriteString(html.EscapeString(n.Data))
		return
	case html.CommentNode, html.DoctypeNode:
		return // Word's <!--[if gte mso 9]> blocks and the like
	case html.ElementNode:
	default:
		s.children(n)
		return
	}
	name := strings.ToLower(n.Data)
	switch {
	case droppedElems[n.DataAtom]:
		return
	case textElems[n.DataAtom]:
		s.removed["thẻ <"+name+">"] = true
		var raw bytes.Buffer
		_ = html.Render(&raw, n)
		s.buf.WriteString(html.EscapeString(raw.String()))
		return
	}
	attrs, ok := allowedElems[n.DataAtom]
	if !ok || n.Namespace != "" {
		// Unknown wrappers (span, div, font, o:p, section…) are unwrapped: the text stays.
		if n.DataAtom == atom.Div || n.DataAtom == atom.Section || n.DataAtom == atom.Article {
			s.buf.WriteString("<p>")
			s.children(n)
			s.buf.WriteString("</p>")
			return
		}
		s.children(n)
		return
	}
	// A picture may only be one of ours: a link to elsewhere would let a published page
	// load (and track readers through) a third party's server.
	if n.DataAtom == atom.Img && !localImage(attr(n, "src")) {
		s.removed["ảnh không tải lên qua danvan"] = true
		return
	}
	s.buf.WriteString("<" + name)
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if strings.HasPrefix(key, "on") {
			s.removed["thuộc tính "+key] = true
			continue
		}
		if !contains(attrs, key) {
			continue
		}
		val := a.Val
		if key == "href" {
			var ok bool
			if val, ok = safeHref(val); !ok {
				s.removed["liên kết không an toàn"] = true
				continue
			}
		}
		fmt.Fprintf(&s.buf, ` %s="%s"`, key, html.EscapeString(val))
	}
	if n.DataAtom == atom.A {
		s.buf.WriteString(` rel="nofollow noopener"`)
	}
	s.buf.WriteString(">")
	if n.DataAtom == atom.Br || n.DataAtom == atom.Img {
		return
	}
	s.children(n)
	s.buf.WriteString("</" + name + ">")
}

func (s *sanitizer) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		s.node(c)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ImagePath is where the public site serves an article's picture.
func ImagePath(id int64) string { return fmt.Sprintf("/tin-tuc/anh/%d", id) }

func localImage(src string) bool {
	return strings.HasPrefix(src, "/tin-tuc/anh/") && !strings.ContainsAny(src[len("/tin-tuc/anh/"):], "/?#:")
}

// safeHref keeps web, mail and site-relative links; javascript:, data: and the like go.
func safeHref(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") {
		return v, true
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "mailto":
		return u.String(), true
	}
	return "", false
}

// plainParagraphs turns plain text into paragraphs: a blank line (or, for text pasted
// from a page as the seed article was, every line) ends one.
func plainParagraphs(s string) string {
	var b strings.Builder
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + html.EscapeString(p) + "</p>\n")
		}
	}
	return strings.TrimSpace(b.String())
}

// PlainText strips a sanitised body to its text, for search and for feeds' summaries.
func PlainText(body string) string {
	z := html.NewTokenizer(strings.NewReader(body))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken:
			b.WriteByte(' ')
		}
	}
}
