package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// barSeries is one coloured series of a grouped bar chart.
type barSeries struct {
	Name   string
	Class  string // CSS-free: a fill colour with AA contrast on white
	Values []int
}

// barChart draws a grouped bar chart as inline SVG with a title and description for
// screen readers; the page shows the same numbers in a table beside it.
func barChart(title, desc string, labels []string, series []barSeries) template.HTML {
	const w, h, left, bottom, top = 640, 240, 40, 40, 16
	maxV := 1
	for _, s := range series {
		for _, v := range s.Values {
			maxV = max(maxV, v)
		}
	}
	n := max(len(labels), 1)
	group := float64(w-left-8) / float64(n)
	bw := group * 0.8 / float64(max(len(series), 1))
	var b strings.Builder
	id := fmt.Sprintf("c%x", len(title)*7919+len(labels))
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(title), id, html.EscapeString(desc))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555"/>`, left, h-bottom, w-4, h-bottom)
	fmt.Fprintf(&b, `<text x="4" y="%d" font-size="11" fill="#333">%d</text><text x="4" y="%d" font-size="11" fill="#333">0</text>`, top+4, maxV, h-bottom)
	for i, l := range labels {
		x0 := float64(left) + group*float64(i) + group*0.1
		for j, s := range series {
			v := 0
			if i < len(s.Values) {
				v = s.Values[i]
			}
			bh := float64(h-bottom-top) * float64(v) / float64(maxV)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %d</title></rect>`,
				x0+bw*float64(j), float64(h-bottom)-bh, bw-1, bh, s.Class, html.EscapeString(s.Name), html.EscapeString(l), v)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" fill="#333" text-anchor="middle">%s</text>`, x0+group*0.4, h-bottom+14, html.EscapeString(l))
	}
	for j, s := range series {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="11" fill="#333">%s</text>`,
			left+j*170, h-12, s.Class, left+j*170+14, h-3, html.EscapeString(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text above is escaped
}
