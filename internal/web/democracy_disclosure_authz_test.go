package web_test

const (
	qDisclosure = `SELECT id FROM disclosures WHERE unit_path LIKE ? AND posted_on <> '' AND taken_down_on = '' ORDER BY id LIMIT 1`
	qDiscQ      = `SELECT q.id FROM disclosure_questions q WHERE q.unit_path LIKE ? ORDER BY q.id LIMIT 1`
)

// disclosureAuthzRules are the rules of the routes of disclosures (see authzRules).
var disclosureAuthzRules = map[string]rule{
	"GET /democracy/disclosures":                              {who: signedIn, note: "lists only what the account may see"},
	"GET /democracy/disclosures/new":                          {who: signedIn, note: "refused without an agency to keep"},
	"POST /democracy/disclosures/new":                         {who: signedIn, note: "the agency is checked against the account's rights"},
	"GET /democracy/disclosures/{id}":                         {who: scoped, ids: map[string]string{"id": qDisclosure}},
	"GET /democracy/disclosures/{id}/edit":                    {who: scoped, ids: map[string]string{"id": qDisclosure}},
	"POST /democracy/disclosures/{id}/edit":                   {who: scoped, ids: map[string]string{"id": qDisclosure}},
	"GET /democracy/disclosures/{id}/take-down":               {who: scoped, ids: map[string]string{"id": qDisclosure}},
	"POST /democracy/disclosures/{id}/take-down":              {who: scoped, ids: map[string]string{"id": qDisclosure}},
	"POST /democracy/disclosures/{id}/questions":              {who: scoped, ids: map[string]string{"id": qDisclosure}},
	"POST /democracy/disclosures/{id}/questions/{qid}/answer": {who: scoped, ids: map[string]string{"id": qDisclosure, "qid": qDiscQ}},
	"GET /admin/disclosure-rules":                             {who: admin},
	"POST /admin/disclosure-rules":                            {who: admin},
}
