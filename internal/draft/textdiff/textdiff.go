// Package textdiff compares two texts word by word (so sánh từng từ) with a longest
// common subsequence, for showing what changed in an article between two versions of a
// draft.
package textdiff

import "strings"

// Kind of a diff span.
type Kind int

const (
	Same Kind = iota
	Insert
	Delete
)

// Span is a run of words with the same kind; Text keeps the words joined by one space.
type Span struct {
	Kind Kind
	Text string
}

// MaxCells bounds the LCS table (words of a × words of b). Beyond it, the texts are shown
// as one deletion and one insertion: an article that large changed wholesale anyway, and
// the page must stay fast.
const MaxCells = 4_000_000

// Words returns the spans turning a into b.
func Words(a, b string) []Span {
	wa, wb := strings.Fields(a), strings.Fields(b)
	// Trim the common prefix and suffix first: most edits are local.
	pre := 0
	for pre < len(wa) && pre < len(wb) && wa[pre] == wb[pre] {
		pre++
	}
	suf := 0
	for suf < len(wa)-pre && suf < len(wb)-pre && wa[len(wa)-1-suf] == wb[len(wb)-1-suf] {
		suf++
	}
	var out []Span
	emit := func(k Kind, w string) {
		if n := len(out); n > 0 && out[n-1].Kind == k {
			out[n-1].Text += " " + w
			return
		}
		out = append(out, Span{k, w})
	}
	for _, w := range wa[:pre] {
		emit(Same, w)
	}
	ma, mb := wa[pre:len(wa)-suf], wb[pre:len(wb)-suf]
	if len(ma)*len(mb) > MaxCells {
		for _, w := range ma {
			emit(Delete, w)
		}
		for _, w := range mb {
			emit(Insert, w)
		}
	} else {
		// lcs[i][j] = LCS length of ma[i:] and mb[j:], in one flat slice.
		n, m := len(ma), len(mb)
		lcs := make([]int32, (n+1)*(m+1))
		at := func(i, j int) int32 { return lcs[i*(m+1)+j] }
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i*(m+1)+j] = at(i+1, j+1) + 1
				} else {
					lcs[i*(m+1)+j] = max(at(i+1, j), at(i, j+1))
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				emit(Same, ma[i])
				i++
				j++
			case i < n && (j == m || at(i+1, j) >= at(i, j+1)):
				emit(Delete, ma[i])
				i++
			default:
				emit(Insert, mb[j])
				j++
			}
		}
	}
	for _, w := range wa[len(wa)-suf:] {
		emit(Same, w)
	}
	return out
}

// Changed reports whether the spans contain an insertion or a deletion.
func Changed(spans []Span) bool {
	for _, s := range spans {
		if s.Kind != Same {
			return true
		}
	}
	return false
}
