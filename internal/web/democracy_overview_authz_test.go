package web_test

// democracyOverviewAuthzRules are the rules of the routes of the module's home and the subtree overview (see authzRules).
var democracyOverviewAuthzRules = map[string]rule{
	"GET /democracy":                 {who: signedIn, note: "each account sees its own agency or the overview of its own subtree"},
	"GET /democracy/overview":        {who: signedIn, note: "?unit= out of reach is 404 (democracy_overview_test.go)"},
	"GET /democracy/overview.xlsx":   {who: signedIn, note: "?unit= out of reach is 404 (democracy_overview_test.go)"},
	"GET /api/v1/democracy/overview": {who: signedIn, note: "?unit= out of reach is 404 (democracy_overview_test.go)"},
}
