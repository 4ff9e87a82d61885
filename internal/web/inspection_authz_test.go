package web_test

// Objects of inspection that concern agency 1: a programme with an item aimed at it, a
// round about it, a recommendation made to it (the demo's, internal/demo/inspection.go).
const (
	qIProgramme = `SELECT MIN(i.programme_id) FROM inspection_items i JOIN inspection_item_targets t ON t.item_id = i.id JOIN units u ON u.id = t.unit_id WHERE u.path LIKE ?`
	qIRound     = `SELECT MIN(round_id) FROM inspection_round_targets WHERE unit_path LIKE ?`
	qIRec       = `SELECT MIN(r.id) FROM inspection_recommendations r JOIN units u ON u.id = r.target_id WHERE u.path LIKE ?`
)

// inspectionAuthzRules are the rules of the routes of inspection and supervision (see
// authzRules). Programmes and rounds belong to the upper committee: an account of another
// agency reaches neither, nor the rounds about agency 1.
var inspectionAuthzRules = map[string]rule{
	"GET /inspections":                                               {who: signedIn, note: "lists only the programmes and rounds the account may see"},
	"GET /inspections/new":                                           {who: signedIn, note: "refused without a committee to run inspections for"},
	"POST /inspections/new":                                          {who: signedIn, note: "the committee is checked against the account's rights"},
	"GET /inspections/programmes/{id}":                               {who: scoped, ids: map[string]string{"id": qIProgramme}},
	"POST /inspections/programmes/{id}/approve":                      {who: scoped, ids: map[string]string{"id": qIProgramme}},
	"GET /inspections/programmes/{id}/programme.docx":                {who: scoped, ids: map[string]string{"id": qIProgramme}},
	"GET /inspections/programmes/{id}/rounds/new":                    {who: scoped, ids: map[string]string{"id": qIProgramme}},
	"POST /inspections/programmes/{id}/rounds/new":                   {who: scoped, ids: map[string]string{"id": qIProgramme}},
	"GET /inspections/rounds/{id}":                                   {who: scoped, ids: map[string]string{"id": qIRound}},
	"POST /inspections/rounds/{id}/self-report":                      {who: scoped, ids: map[string]string{"id": qIRound}},
	"POST /inspections/rounds/{id}/findings":                         {who: scoped, ids: map[string]string{"id": qIRound}},
	"GET /inspections/rounds/{id}/conclude":                          {who: scoped, ids: map[string]string{"id": qIRound}},
	"POST /inspections/rounds/{id}/conclude":                         {who: scoped, ids: map[string]string{"id": qIRound}},
	"POST /inspections/rounds/{id}/recommendations/{rid}/carry-over": {who: scoped, ids: map[string]string{"id": qIRound, "rid": qIRec}},
	"GET /inspections/rounds/{id}/close":                             {who: scoped, ids: map[string]string{"id": qIRound}},
	"POST /inspections/rounds/{id}/close":                            {who: scoped, ids: map[string]string{"id": qIRound}},
	"GET /inspections/rounds/{id}/conclusion.docx":                   {who: scoped, ids: map[string]string{"id": qIRound}},
	"GET /inspections/rounds/{id}/conclusion.pdf":                    {who: scoped, ids: map[string]string{"id": qIRound}},
	"GET /api/v1/inspections":                                        {who: signedIn},
	"GET /api/v1/inspections/{id}":                                   {who: scoped, ids: map[string]string{"id": qIProgramme}},
}
