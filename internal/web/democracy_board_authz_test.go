package web_test

const (
	qBoard = `SELECT id FROM boards WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	// The demo's board has no request yet; without one the walk still calls the route
	// with an id that answers 404 for the stranger (the board is checked first).
	qBoardRequest = `SELECT COALESCE((SELECT MIN(r.id) FROM board_requests r JOIN boards b ON b.id = r.board_id WHERE b.unit_path LIKE ?), 1)`
)

// boardAuthzRules are the rules of the routes of the people's inspection board (see authzRules).
var boardAuthzRules = map[string]rule{
	"GET /democracy/boards/{id}":                        {who: scoped, ids: map[string]string{"id": qBoard}},
	"POST /democracy/boards/{id}/plan":                  {who: scoped, ids: map[string]string{"id": qBoard}, note: "members only: democracy_board_test.go"},
	"POST /democracy/boards/{id}/records":               {who: scoped, ids: map[string]string{"id": qBoard}, note: "members only: democracy_board_test.go"},
	"POST /democracy/boards/{id}/requests":              {who: scoped, ids: map[string]string{"id": qBoard}, note: "the agency's staff only: democracy_board_test.go"},
	"POST /democracy/boards/{id}/requests/{rid}/answer": {who: scoped, ids: map[string]string{"id": qBoard, "rid": qBoardRequest}, note: "members only: democracy_board_test.go"},
}
