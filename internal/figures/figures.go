// Package figures is the contract by which each domain reports its numbers for a subtree
// and a period (số liệu), so that the dashboard and periodic reports (package report), the
// inspection evidence pack (package inspection) and any later reader get the same figures
// from the domain's own queries and rights, instead of reading the domain's tables.
//
// A domain implements Source in its own package (internal/<domain>/figures.go); internal/app
// passes the sources to their readers in a fixed order. A Source must honour the principal:
// figures come only from records the principal may view (the domain's list rights), so a
// number never reveals what its list would hide.
package figures

import (
	"context"
	"sync"

	"danvan/internal/org"
)

// Query asks for the figures of one subtree over a period.
type Query struct {
	// Scope is the unit path of the subtree, e.g. "/1/5/"; records of the unit and every
	// unit under it count.
	Scope string
	// From and To bound the period, dates YYYY-MM-DD, both included.
	From, To string
	// Children, when set, are unit paths (each inside Scope) whose figures are wanted
	// side by side: Block.ByChild then has one row per path. A source should answer them
	// with one grouped query, not one query per child.
	Children []string
	// Trend asks for the month-by-month series (Block.Trend); without it a source may skip
	// that work.
	Trend bool
}

// Figure is one number of a block.
type Figure struct {
	Key   string `json:"key"`   // stable within the block, e.g. "overdue"; used by exports and the API
	Label string `json:"label"` // Vietnamese, as shown: "Quá hạn"
	Value int64  `json:"value"`
	// Href is the filtered list behind the number, for the same scope and period ("" when
	// the module has no such list).
	Href string `json:"href,omitempty"`
	// AsOf is set when the number rests on counts kept for a while (sqldb.FormatTime of
	// when they were counted), so a page can say how fresh it is; "" means as of now.
	AsOf string `json:"as_of,omitempty"`
	// Bad marks a number where more is worse (overdue, late), so comparisons can flag the
	// units that lag.
	Bad bool `json:"bad,omitempty"`
}

// Point is one month of a trend: Values are in the order of the block's Figures.
type Point struct {
	Month  string  `json:"month"` // YYYY-MM
	Values []int64 `json:"values"`
}

// Block is a domain's (or part of a domain's) figures: "plans", "training", "drafts",
// "models", "petitions", "democracy", "inspection".
type Block struct {
	Key     string   `json:"key"`
	Title   string   `json:"title"` // Vietnamese heading: "Kế hoạch và nhiệm vụ"
	Figures []Figure `json:"figures"`
	Trend   []Point  `json:"trend,omitempty"` // when Query.Trend; months of the period in order
	// ByChild maps each path of Query.Children to its values, in the order of Figures.
	ByChild map[string][]int64 `json:"by_child,omitempty"`
}

// Source is implemented by each domain.
type Source interface {
	Figures(ctx context.Context, p *org.Principal, q Query) ([]Block, error)
}

// Collect asks every source for its blocks and returns them in the sources' order. The
// sources run side by side, at most two at a time (this machine's cores; SQLite's read
// pool and PostgreSQL's both serve them): the whole tree's dashboard is the sum of seven
// domains' queries, each one waiting on its database, and one after another they were
// the page's latency. The first error is returned, and the others' blocks dropped.
func Collect(ctx context.Context, sources []Source, p *org.Principal, q Query) ([]Block, error) {
	const parallel = 2
	type answer struct {
		blocks []Block
		err    error
	}
	out := make([]answer, len(sources))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, src := range sources {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i].blocks, out[i].err = src.Figures(ctx, p, q)
		}()
	}
	wg.Wait()
	var blocks []Block
	for _, a := range out {
		if a.err != nil {
			return nil, a.err
		}
		blocks = append(blocks, a.blocks...)
	}
	return blocks, nil
}
