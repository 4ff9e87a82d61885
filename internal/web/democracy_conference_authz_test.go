package web_test

// qConference is a conference of agency 1 (Sở Tư pháp: last year's, held and issued in
// the demo), qConfItem one of its agenda items.
const (
	qConference = `SELECT id FROM conferences WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qConfItem   = `SELECT i.id FROM conference_items i WHERE i.conference_id = (SELECT id FROM conferences WHERE unit_path LIKE ? ORDER BY id LIMIT 1) ORDER BY i.id LIMIT 1`
)

func confRule() rule { return rule{who: scoped, ids: map[string]string{"id": qConference}} }

// conferenceAuthzRules are the rules of the routes of the annual staff conference (see authzRules).
var conferenceAuthzRules = map[string]rule{
	"GET /democracy/conferences":                         {who: signedIn, note: "lists only the conferences the account may see"},
	"GET /democracy/conferences/new":                     {who: signedIn, note: "403 without an agency to run"},
	"POST /democracy/conferences/new":                    {who: signedIn, note: "the agency is checked against the account's grants"},
	"GET /democracy/conferences/{id}":                    confRule(),
	"POST /democracy/conferences/{id}/attendance":        confRule(),
	"POST /democracy/conferences/{id}/items":             confRule(),
	"POST /democracy/conferences/{id}/items/{iid}/votes": {who: scoped, ids: map[string]string{"id": qConference, "iid": qConfItem}},
	"POST /democracy/conferences/{id}/documents":         confRule(),
	"POST /democracy/conferences/{id}/documents/link":    confRule(),
	"POST /democracy/conferences/{id}/commitments":       confRule(),
	"POST /democracy/conferences/{id}/board":             confRule(),
	"POST /democracy/conferences/{id}/resolution":        confRule(),
	"GET /democracy/conferences/{id}/resolution.docx":    confRule(),
	"GET /democracy/conferences/{id}/resolution.pdf":     confRule(),
	"GET /democracy/conferences/{id}/resolution.html":    confRule(),
	"GET /democracy/conferences/{id}/minutes.docx":       confRule(),
	"GET /democracy/conferences/{id}/minutes.pdf":        confRule(),
	"GET /democracy/conferences/{id}/minutes.html":       confRule(),
	"GET /democracy/conferences/{id}/review.docx":        confRule(),
}
