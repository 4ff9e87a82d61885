package web_test

// qEvidenceRound is a round with a target in agency 1; until the demo has one, round 1,
// which answers 404 to the stranger (and to the administrator: no such round).
const qEvidenceRound = `SELECT COALESCE((SELECT MIN(t.round_id) FROM inspection_round_targets t WHERE t.unit_path LIKE ?), 1)`

// inspectionFactsAuthzRules are the rules of the evidence pack and coverage routes (see
// authzRules); the pack's readers (committee, team, not the target) are tested in
// internal/inspection/evidence_test.go.
var inspectionFactsAuthzRules = map[string]rule{
	"GET /inspections/rounds/{id}/evidence/{unitID}": {who: scoped, ids: map[string]string{"id": qEvidenceRound, "unitID": qUnit}},
	"POST /inspections/rounds/{id}/evidence":         {who: scoped, ids: map[string]string{"id": qEvidenceRound}, note: "committee officers and team members only"},
	"GET /inspections/coverage":                      {who: signedIn, note: "the reader's own committee by default; another unit is 404 without ViewInspection on it"},
	"GET /inspections/coverage.xlsx":                 {who: signedIn},
}
