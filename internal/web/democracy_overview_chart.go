package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// overviewChart draws the overview's figures as horizontal bars on one scale, the
// number of agencies in the subtree: long Vietnamese labels read better beside a bar
// than under it, and the figures are counted over the same agencies. The page puts the
// same numbers in a table after it; the SVG has a title and a description for screen
// readers, and every bar its number written beside it, not only its length.
func overviewChart(v overviewView) template.HTML {
	figs := v.Figures()
	total := len(v.Rows)
	const w, left, right, row, top = 640, 230, 60, 34, 8
	h := top + row*len(figs) + 24
	scale := max(total, 1)
	var b strings.Builder
	id := fmt.Sprintf("ov%d-%d", v.UnitID, v.Year)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, w, h, id, id)
	desc := fmt.Sprintf("Trên tổng số %d cơ quan của %s: ", total, v.UnitName)
	var parts []string
	for _, f := range figs {
		parts = append(parts, fmt.Sprintf("%s: %d cơ quan", strings.ToLower(f.Label), f.Agencies))
	}
	desc += strings.Join(parts, "; ") + "."
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id,
		html.EscapeString(fmt.Sprintf("Số cơ quan cần chú ý năm %d", v.Year)), id, html.EscapeString(desc))
	barW := float64(w - left - right)
	for i, f := range figs {
		y := top + row*i
		bw := barW * float64(f.Agencies) / float64(scale)
		fill := "#b3261e" // the colour of lateness; the number beside it says the same
		if f.Agencies == 0 {
			fill = "#2e7d32"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#222" text-anchor="end">%s</text>`, left-8, y+17, html.EscapeString(f.Short))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#e8e8e8"/>`, left, y+4, barW, row-12)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %d/%d cơ quan</title></rect>`,
			left, y+4, bw, row-12, fill, html.EscapeString(f.Label), f.Agencies, total)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#222">%d/%d</text>`, w-right+6, y+17, f.Agencies, total)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#333">Thang đo: số cơ quan (tổng %d)</text>`, left, h-6, total)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text above is escaped
}
