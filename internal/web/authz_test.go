package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/attach"
	"danvan/internal/auth"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// audience says who may reach a route at all.
type audience int

const (
	public   audience = iota // anyone, without an account
	signedIn                 // any account; the page itself shows only what the account may see
	admin                    // administrators of the system only
	scoped                   // an object of a unit: only accounts whose reach covers that unit
	skip                     // not walked; the reason is in the rule's note
)

// rule is what a route promises. ids gives, per wildcard of the pattern, either a literal
// ("=accept") or a query returning an object that belongs to agency 1 (Sở Tư pháp, STP):
// its one parameter is agency 1's path followed by "%".
type rule struct {
	who  audience
	ids  map[string]string
	note string
	// shared: the object is a shared one (a governing document of the upper committee, a
	// round of recognition it holds): any account may read it, so only the stranger's
	// POSTs are checked.
	shared bool
	// ownOnly: the page is its author's alone (editing one's own comment), so even the
	// administrator is refused and the walk does not ask it to open it.
	ownOnly bool
}

func lit(v string) string { return "=" + v }

const (
	qPetition = `SELECT id FROM petitions WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qTask     = `SELECT id FROM tasks WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qPlan     = `SELECT id FROM plans WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qTarget   = `SELECT t.id FROM plan_targets t JOIN plans p ON p.id = t.plan_id WHERE p.unit_path LIKE ? ORDER BY t.id LIMIT 1`
	qDocument = `SELECT id FROM gov_documents WHERE ? <> '' ORDER BY id LIMIT 1`
	qTraining = `SELECT id FROM training_sessions WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qDraft    = `SELECT id FROM drafts WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qRound    = `SELECT r.id FROM draft_rounds r WHERE r.draft_id = (SELECT id FROM drafts WHERE unit_path LIKE ? ORDER BY id LIMIT 1) ORDER BY r.id LIMIT 1`
	qVersion  = `SELECT v.id FROM draft_versions v WHERE v.draft_id = (SELECT id FROM drafts WHERE unit_path LIKE ? ORDER BY id LIMIT 1) ORDER BY v.id LIMIT 1`
	qComment  = `SELECT c.id FROM draft_comments c WHERE c.draft_id = (SELECT id FROM drafts WHERE unit_path LIKE ? ORDER BY id LIMIT 1) ORDER BY c.id LIMIT 1`
	qModel    = `SELECT id FROM models WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qMRound   = `SELECT id FROM model_rounds WHERE ? <> '' ORDER BY id LIMIT 1`
	qCand     = `SELECT id FROM model_candidates WHERE round_id = (SELECT id FROM model_rounds ORDER BY id LIMIT 1) AND ? <> '' ORDER BY id LIMIT 1`
	qSupport  = `SELECT id FROM model_support WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qPerson   = `SELECT id FROM people WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qPosition = `SELECT p.id FROM positions p JOIN people x ON x.id = p.person_id WHERE x.unit_path LIKE ? ORDER BY p.id LIMIT 1`
	qUnit     = `SELECT id FROM units WHERE path LIKE ? ORDER BY depth, id LIMIT 1`
	qUser     = `SELECT u.id FROM users u JOIN people x ON x.id = u.person_id WHERE x.unit_path LIKE ? ORDER BY u.id LIMIT 1`
	qToken    = `SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN people x ON x.id = u.person_id WHERE x.unit_path LIKE ? ORDER BY t.id LIMIT 1`
	qGrant    = `SELECT g.id FROM role_grants g JOIN units u ON u.id = g.unit_id WHERE u.path LIKE ? ORDER BY g.id LIMIT 1`
	qFile     = `SELECT a.id FROM attachments a JOIN petitions p ON a.owner_type = 'petition' AND p.id = a.owner_id WHERE p.unit_path LIKE ? ORDER BY a.id LIMIT 1`
	qReport   = `SELECT id FROM reports WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qImport   = `SELECT i.id FROM people_imports i JOIN users u ON u.id = i.created_by JOIN people x ON x.id = u.person_id WHERE x.unit_path LIKE ? ORDER BY i.id LIMIT 1`
)

// ruleOf finds a route's rule in authzRules or in a domain's own table (the democracy
// module keeps its rules beside its pages' tests, so parallel work does not collide here).
func ruleOf(pattern string) (rule, bool) {
	for _, rules := range []map[string]rule{authzRules, conferenceAuthzRules, boardAuthzRules, democracyOverviewAuthzRules, disclosureAuthzRules, newsAuthzRules, inspectionAuthzRules, inspectionFactsAuthzRules} {
		if r, ok := rules[pattern]; ok {
			return r, true
		}
	}
	return rule{}, false
}

// authzRules is the rule of every route. A route the server registers and this table does
// not name fails the test: whoever adds a route says here who may call it.
var authzRules = map[string]rule{
	"GET /static/":                        {who: public},
	"GET /healthz":                        {who: public},
	"GET /metrics":                        {who: public, note: "route counts and latencies only, no data; operators keep it behind the proxy"},
	"GET /{$}":                            {who: public},
	"/":                                   {who: skip, note: "the not-found page"},
	"GET /login":                          {who: public},
	"POST /login":                         {who: skip, note: "signs in: tested in web_test.go"},
	"POST /logout":                        {who: skip, note: "signs out the caller"},
	"GET /setup":                          {who: public, note: "answers only while no administrator exists"},
	"POST /setup":                         {who: skip, note: "refused (401) once an administrator exists: internal/web/web_test.go"},
	"GET /cong-dan":                       {who: public},
	"GET /gui-don":                        {who: public},
	"POST /gui-don":                       {who: public},
	"GET /tra-cuu":                        {who: public},
	"GET /gop-y":                          {who: public},
	"GET /gop-y/{rid}":                    {who: public, ids: map[string]string{"rid": qRound}, note: "only public rounds answer"},
	"POST /gop-y/{rid}":                   {who: public, ids: map[string]string{"rid": qRound}},
	"GET /vinh-danh":                      {who: public},
	"GET /vinh-danh/{id}":                 {who: public, ids: map[string]string{"id": qModel}, note: "only recognised models answer"},
	"GET /api/v1/public/models":           {who: public},
	"GET /api/v1/public/petitions/{code}": {who: public, ids: map[string]string{"code": lit("K7QM2XDA9PR4")}},
	"POST /api/v1/public/petitions":       {who: public},

	"GET /account":                     {who: signedIn},
	"POST /account/password":           {who: signedIn},
	"POST /account/tokens":             {who: signedIn},
	"POST /account/tokens/{id}/revoke": {who: scoped, ids: map[string]string{"id": qToken}},
	"GET /my-work":                     {who: signedIn},
	"GET /notifications":               {who: signedIn},
	"POST /notifications/read":         {who: signedIn},
	"GET /search":                      {who: signedIn},
	"GET /dashboard":                   {who: signedIn},
	"GET /dashboard.xlsx":              {who: signedIn},
	"GET /api/v1/dashboard":            {who: signedIn},
	"GET /reports":                     {who: signedIn, note: "the reader's own unit, or ?unit= within reach"},
	"GET /reports/new":                 {who: signedIn, note: "?unit= out of reach is 404; writing is for the unit's own committee"},
	"POST /reports":                    {who: signedIn, note: "unit_id in the form: out of reach is 404 (internal/report tests)"},
	"POST /reports/calls":              {who: signedIn, note: "unit_id in the form: only ReceiveReport on it sets a call"},
	"GET /reports/{id}":                {who: scoped, ids: map[string]string{"id": qReport}},
	"POST /reports/{id}/narrative":     {who: scoped, ids: map[string]string{"id": qReport}},
	"GET /reports/{id}/submit":         {who: scoped, ids: map[string]string{"id": qReport}},
	"POST /reports/{id}/submit":        {who: scoped, ids: map[string]string{"id": qReport}},
	"POST /reports/{id}/receive":       {who: scoped, ids: map[string]string{"id": qReport}},
	"POST /reports/{id}/return":        {who: scoped, ids: map[string]string{"id": qReport}},
	"GET /reports/{id}/report.docx":    {who: scoped, ids: map[string]string{"id": qReport}},
	"GET /reports/{id}/report.pdf":     {who: scoped, ids: map[string]string{"id": qReport}},
	"GET /reports/{id}/tables.xlsx":    {who: scoped, ids: map[string]string{"id": qReport}},
	"GET /api/v1/me":                   {who: signedIn},
	"GET /api/v1/me/work":              {who: signedIn},

	"GET /admin":                                   {who: signedIn, note: "the hub shows the links the account's rights allow"},
	"GET /admin/calendar":                          {who: admin},
	"POST /admin/calendar":                         {who: admin},
	"POST /admin/calendar/delete":                  {who: admin},
	"GET /admin/petition-rules":                    {who: admin},
	"POST /admin/petition-rules":                   {who: admin},
	"GET /admin/users":                             {who: signedIn, note: "user managers of a subtree see their own accounts"},
	"GET /admin/users/new":                         {who: signedIn},
	"POST /admin/users":                            {who: signedIn},
	"GET /admin/users/{id}":                        {who: scoped, ids: map[string]string{"id": qUser}},
	"POST /admin/users/{id}/disable":               {who: scoped, ids: map[string]string{"id": qUser}},
	"POST /admin/users/{id}/enable":                {who: scoped, ids: map[string]string{"id": qUser}},
	"POST /admin/users/{id}/grants":                {who: scoped, ids: map[string]string{"id": qUser}},
	"POST /admin/users/{id}/grants/{grant}/revoke": {who: scoped, ids: map[string]string{"id": qUser, "grant": qGrant}},
	"POST /admin/users/{id}/password":              {who: scoped, ids: map[string]string{"id": qUser}},
	"POST /admin/users/{id}/unlock":                {who: scoped, ids: map[string]string{"id": qUser}},
	"GET /audit":                                   {who: signedIn},

	"GET /units":                       {who: signedIn},
	"GET /units/new":                   {who: signedIn},
	"POST /units":                      {who: signedIn},
	"GET /units/{id}":                  {who: scoped, ids: map[string]string{"id": qUnit}},
	"POST /units/{id}":                 {who: scoped, ids: map[string]string{"id": qUnit}},
	"GET /units/{id}/edit":             {who: scoped, ids: map[string]string{"id": qUnit}},
	"GET /units/{id}/close":            {who: scoped, ids: map[string]string{"id": qUnit}},
	"POST /units/{id}/close":           {who: scoped, ids: map[string]string{"id": qUnit}},
	"GET /units/{id}/move":             {who: scoped, ids: map[string]string{"id": qUnit}},
	"POST /units/{id}/move":            {who: scoped, ids: map[string]string{"id": qUnit}},
	"GET /people":                      {who: signedIn},
	"GET /people/new":                  {who: signedIn},
	"POST /people":                     {who: signedIn},
	"GET /people/{id}":                 {who: scoped, ids: map[string]string{"id": qPerson}},
	"POST /people/{id}":                {who: scoped, ids: map[string]string{"id": qPerson}},
	"GET /people/{id}/edit":            {who: scoped, ids: map[string]string{"id": qPerson}},
	"POST /people/{id}/positions":      {who: scoped, ids: map[string]string{"id": qPerson}},
	"POST /positions/{id}/end":         {who: scoped, ids: map[string]string{"id": qPosition}},
	"GET /people/import":               {who: signedIn},
	"POST /people/import":              {who: signedIn},
	"GET /people/import/template.xlsx": {who: signedIn},
	"GET /people/import/runs/{id}":     {who: scoped, ids: map[string]string{"id": qImport}},
	"GET /files/{id}":                  {who: scoped, ids: map[string]string{"id": qFile}},
	"GET /api/v1/units":                {who: signedIn},
	"GET /api/v1/units/{id}":           {who: scoped, ids: map[string]string{"id": qUnit}},
	"GET /api/v1/people":               {who: signedIn},
	"GET /api/v1/people/{id}":          {who: scoped, ids: map[string]string{"id": qPerson}},

	"GET /petitions":                   {who: signedIn},
	"GET /petitions/dashboard":         {who: signedIn},
	"GET /petitions/export.xlsx":       {who: signedIn},
	"GET /petitions/new":               {who: signedIn},
	"POST /petitions/new":              {who: signedIn},
	"GET /petitions/{id}":              {who: scoped, ids: map[string]string{"id": qPetition}},
	"GET /petitions/{id}/do/{action}":  {who: scoped, ids: map[string]string{"id": qPetition, "action": lit("accept")}},
	"POST /petitions/{id}/do/{action}": {who: scoped, ids: map[string]string{"id": qPetition, "action": lit("accept")}},
	"POST /petitions/{id}/link":        {who: scoped, ids: map[string]string{"id": qPetition}},
	"GET /api/v1/petitions":            {who: signedIn},
	"GET /api/v1/petitions/{id}":       {who: scoped, ids: map[string]string{"id": qPetition}},

	"GET /documents":                          {who: signedIn},
	"GET /documents/new":                      {who: signedIn},
	"POST /documents/new":                     {who: signedIn},
	"GET /documents/{id}":                     {who: scoped, ids: map[string]string{"id": qDocument}, shared: true},
	"GET /documents/{id}/edit":                {who: scoped, ids: map[string]string{"id": qDocument}, shared: true},
	"POST /documents/{id}/edit":               {who: scoped, ids: map[string]string{"id": qDocument}, shared: true},
	"POST /documents/{id}/files":              {who: scoped, ids: map[string]string{"id": qDocument}, shared: true},
	"POST /documents/{id}/links":              {who: scoped, ids: map[string]string{"id": qDocument}, shared: true},
	"POST /documents/{id}/links/{lid}/delete": {who: scoped, ids: map[string]string{"id": qDocument, "lid": lit("1")}, shared: true},
	"GET /plans":                              {who: signedIn},
	"GET /plans/compare":                      {who: signedIn},
	"GET /plans/matrix":                       {who: signedIn},
	"GET /plans/new":                          {who: signedIn},
	"POST /plans/new":                         {who: signedIn},
	"GET /plans/{id}":                         {who: scoped, ids: map[string]string{"id": qPlan}},
	"GET /plans/{id}/edit":                    {who: scoped, ids: map[string]string{"id": qPlan}},
	"POST /plans/{id}/edit":                   {who: scoped, ids: map[string]string{"id": qPlan}},
	"GET /plans/{id}/export":                  {who: scoped, ids: map[string]string{"id": qPlan}},
	"POST /plans/{id}/targets/{tid}":          {who: scoped, ids: map[string]string{"id": qPlan, "tid": qTarget}},
	"GET /tasks":                              {who: signedIn},
	"GET /tasks/export.xlsx":                  {who: signedIn},
	"GET /tasks/new":                          {who: signedIn},
	"POST /tasks/new":                         {who: signedIn},
	"GET /tasks/{id}":                         {who: scoped, ids: map[string]string{"id": qTask}},
	"POST /tasks/{id}/{action}":               {who: scoped, ids: map[string]string{"id": qTask, "action": lit("report")}},
	"GET /api/v1/tasks/{id}":                  {who: scoped, ids: map[string]string{"id": qTask}},
	"POST /api/v1/tasks":                      {who: signedIn},
	"GET /training":                           {who: signedIn},
	"GET /training/new":                       {who: signedIn},
	"POST /training/new":                      {who: signedIn},
	"GET /training/stats.xlsx":                {who: signedIn},
	"GET /training/{id}":                      {who: scoped, ids: map[string]string{"id": qTraining}},
	"POST /training/{id}/attendance":          {who: scoped, ids: map[string]string{"id": qTraining}},
	"POST /training/{id}/files":               {who: scoped, ids: map[string]string{"id": qTraining}},

	"GET /drafts":                               {who: signedIn},
	"GET /drafts/new":                           {who: signedIn},
	"POST /drafts/new":                          {who: signedIn},
	"GET /drafts/{id}":                          {who: scoped, ids: map[string]string{"id": qDraft}},
	"GET /drafts/{id}/diff":                     {who: scoped, ids: map[string]string{"id": qDraft}},
	"GET /drafts/{id}/comments/{cid}/edit":      {who: scoped, ids: map[string]string{"id": qDraft, "cid": qComment}, ownOnly: true},
	"POST /drafts/{id}/comments/{cid}/edit":     {who: scoped, ids: map[string]string{"id": qDraft, "cid": qComment}},
	"POST /drafts/{id}/comments/{cid}/answer":   {who: scoped, ids: map[string]string{"id": qDraft, "cid": qComment}},
	"POST /drafts/{id}/comments/{cid}/moderate": {who: scoped, ids: map[string]string{"id": qDraft, "cid": qComment}},
	"GET /drafts/{id}/rounds/new":               {who: scoped, ids: map[string]string{"id": qDraft}},
	"POST /drafts/{id}/rounds/new":              {who: scoped, ids: map[string]string{"id": qDraft}},
	"GET /drafts/{id}/rounds/{rid}":             {who: scoped, ids: map[string]string{"id": qDraft, "rid": qRound}},
	"GET /drafts/{id}/rounds/{rid}/report":      {who: scoped, ids: map[string]string{"id": qDraft, "rid": qRound}},
	"POST /drafts/{id}/rounds/{rid}/comments":   {who: scoped, ids: map[string]string{"id": qDraft, "rid": qRound}},
	"GET /drafts/{id}/versions/new":             {who: scoped, ids: map[string]string{"id": qDraft}},
	"POST /drafts/{id}/versions/new":            {who: scoped, ids: map[string]string{"id": qDraft}},
	"GET /drafts/{id}/versions/{vid}":           {who: scoped, ids: map[string]string{"id": qDraft, "vid": qVersion}},
	"GET /api/v1/drafts":                        {who: signedIn},
	"GET /api/v1/drafts/{id}/report.docx":       {who: scoped, ids: map[string]string{"id": qDraft}},
	"GET /api/v1/drafts/{id}/report.pdf":        {who: scoped, ids: map[string]string{"id": qDraft}},

	"GET /models":                              {who: signedIn},
	"GET /models/discover":                     {who: signedIn},
	"GET /models/new":                          {who: signedIn},
	"POST /models/new":                         {who: signedIn},
	"GET /models/stats":                        {who: signedIn},
	"GET /models/{id}":                         {who: scoped, ids: map[string]string{"id": qModel}},
	"GET /models/{id}/edit":                    {who: scoped, ids: map[string]string{"id": qModel}},
	"POST /models/{id}/edit":                   {who: scoped, ids: map[string]string{"id": qModel}},
	"GET /models/{id}/do/{act}":                {who: scoped, ids: map[string]string{"id": qModel, "act": lit("register")}},
	"POST /models/{id}/do/{act}":               {who: scoped, ids: map[string]string{"id": qModel, "act": lit("register")}},
	"POST /models/{id}/files":                  {who: scoped, ids: map[string]string{"id": qModel}},
	"POST /models/{id}/propose":                {who: scoped, ids: map[string]string{"id": qModel}},
	"POST /models/{id}/reports":                {who: scoped, ids: map[string]string{"id": qModel}},
	"POST /models/{id}/support":                {who: scoped, ids: map[string]string{"id": qModel}},
	"GET /models/{id}/spread":                  {who: scoped, ids: map[string]string{"id": qModel}},
	"POST /model-support/{sid}/answer":         {who: scoped, ids: map[string]string{"sid": qSupport}},
	"GET /model-criteria":                      {who: signedIn},
	"POST /model-criteria":                     {who: signedIn},
	"GET /model-rounds":                        {who: signedIn},
	"POST /model-rounds":                       {who: signedIn},
	"GET /model-rounds/{id}/decision.docx":     {who: scoped, ids: map[string]string{"id": qMRound}, shared: true},
	"GET /model-rounds/{id}/decision.pdf":      {who: scoped, ids: map[string]string{"id": qMRound}, shared: true},
	"GET /model-rounds/{id}/decision.xlsx":     {who: scoped, ids: map[string]string{"id": qMRound}, shared: true},
	"GET /model-rounds/{id}":                   {who: scoped, ids: map[string]string{"id": qMRound}, shared: true},
	"GET /model-rounds/{id}/candidates/{cid}":  {who: scoped, ids: map[string]string{"id": qMRound, "cid": qCand}, shared: true},
	"POST /model-rounds/{id}/candidates/{cid}": {who: scoped, ids: map[string]string{"id": qMRound, "cid": qCand}, shared: true},
	"POST /model-rounds/{id}/decide":           {who: scoped, ids: map[string]string{"id": qMRound}, shared: true},
	"GET /api/v1/models":                       {who: signedIn},
}

var wildcardRE = regexp.MustCompile(`\{([a-zA-Z]+)(\.\.\.)?\}|\{\$\}`)

// TestEveryRouteKeepsStrangersOut walks every route the server registered (not a list made
// by hand) as three callers: nobody signed in, an account of another agency, and an
// administrator. Nobody signed in reaches only the public routes; the other agency's
// account reaches no object of agency 1 (Sở Tư pháp) and, on a list page, sees none of
// agency 1's names; only administrators reach the system pages. No walked POST may write
// anything for the first two. A route without a rule in authzRules fails.
func TestEveryRouteKeepsStrangersOut(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every route as three callers")
	}
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		db := s.DB
		var stpPath, stpName string
		if err := db.QueryRowContext(ctx, `SELECT path, name FROM units WHERE code = 'STP'`).Scan(&stpPath, &stpName); err != nil {
			t.Fatal(err)
		}
		outsider := newOutsider(t, db)
		// A token of an agency-1 account, so /account/tokens/{id}/revoke has an object.
		var bithu int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'bithu1'`).Scan(&bithu); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Auth.CreateToken(ctx, bithu, "ma-kiem-thu-quyen"); err != nil {
			t.Fatal(err)
		}

		// An attachment of an agency-1 petition and a staff import run of its secretary,
		// so /files/{id} and /people/import/runs/{id} have objects.
		if err := db.Tx(ctx, func(tx *sqldb.Tx) error {
			var pid int64
			if err := tx.QueryRowContext(ctx, qPetition, stpPath+"%").Scan(&pid); err != nil {
				return err
			}
			if _, err := s.Files.Save(ctx, tx, "petition", pid, attach.Upload{Name: "bien-ban.pdf", Data: pdf}, attach.Documents); err != nil {
				return err
			}
			now := "2026-12-01T08:00:00Z"
			_, err := tx.ExecContext(ctx, `INSERT INTO people_imports (created_by, file_name, file_data, status, lease_until, created_at, updated_at) VALUES (?, 'ds.xlsx', ?, 'done', ?, ?, ?)`,
				bithu, []byte("x"), now, now, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}

		routes := s.Web.Routes()
		sort.Strings(routes)
		anon := newClient(t, s)
		stranger := newClientAs(t, s, outsider)
		root := newClientAs(t, s, "admin")
		// Names that only agency 1's objects carry: the agency itself and its people.
		marks := []string{stpName}
		rows, err := db.QueryContext(ctx, `SELECT full_name FROM people WHERE unit_path LIKE ? ORDER BY id LIMIT 5`, stpPath+"%")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			_ = rows.Scan(&n)
			marks = append(marks, n)
		}
		rows.Close()
		// Whatever the strangers do may not write into agency 1.
		inSTP := `SELECT COUNT(*) FROM audit_log WHERE unit_path LIKE '` + stpPath + `%'`
		auditBefore := count(t, db, inSTP)
		petitionsBefore := count(t, db, `SELECT COUNT(*) FROM petitions`)

		walked := 0
		for _, pattern := range routes {
			r, ok := ruleOf(pattern)
			if !ok {
				t.Errorf("route %q has no rule in authzRules: say who may call it", pattern)
				continue
			}
			if r.who == skip {
				continue
			}
			method, path, _ := strings.Cut(pattern, " ")
			if path == "" {
				method, path = "GET", pattern
			}
			target, missing := fillPattern(t, db, path, r.ids, stpPath+"%")
			if missing != "" {
				t.Errorf("%s: no object of agency 1 for {%s}: the rule's query found nothing", pattern, missing)
				continue
			}
			walked++
			api := strings.HasPrefix(path, "/api/")
			call := func(c *appClient) (*http.Response, string) {
				if method == "POST" {
					return c.post(target, url.Values{"form_nonce": {"authz-" + target}})
				}
				return c.get(target)
			}
			// Nobody signed in.
			res, body := call(anon)
			if r.who != public && !refused(res, false) {
				t.Errorf("%s %s without an account: %d %s", method, target, res.StatusCode, res.Header.Get("Location"))
			}
			if r.who == public && (res.StatusCode == 401 || res.StatusCode == 403 || toLogin(res)) {
				t.Errorf("%s %s is public but refused without an account: %d", method, target, res.StatusCode)
			}
			if res.StatusCode >= 500 {
				t.Errorf("%s %s without an account: %d", method, target, res.StatusCode)
			}
			_ = body
			// An account of another agency.
			res, body = call(stranger)
			switch r.who {
			case admin:
				if !refused(res, true) {
					t.Errorf("%s %s as another agency's manager: %d (administrators only)", method, target, res.StatusCode)
				}
			case scoped:
				if method == "POST" && res.StatusCode == http.StatusSeeOther && refusedAfter(stranger, res) {
					break // an error flashed on the object's page, which the stranger cannot open
				}
				if r.shared && method == "GET" {
					break
				}
				if !refused(res, true) {
					t.Errorf("LEAK %s %s as another agency's manager: %d", method, target, res.StatusCode)
				}
			case signedIn:
				if method == "GET" && res.StatusCode == 200 && !api {
					for _, m := range marks {
						if strings.Contains(body, m) {
							t.Errorf("LEAK %s as another agency's manager shows %q of agency 1", target, m)
						}
					}
				}
			}
			if res.StatusCode >= 500 {
				t.Errorf("%s %s as another agency's manager: %d", method, target, res.StatusCode)
			}
			// The administrator reaches every GET page (a POST with an empty form is not
			// walked as administrator: it could do what it says).
			if method == "GET" && !r.ownOnly {
				res, _ = call(root)
				if res.StatusCode >= 500 || res.StatusCode == 401 || res.StatusCode == 403 || toLogin(res) {
					t.Errorf("%s as administrator: %d", target, res.StatusCode)
				}
			}
		}
		if n := count(t, db, inSTP) - auditBefore; n != 0 {
			rows, _ := db.QueryContext(ctx, `SELECT entity, action, summary FROM audit_log ORDER BY id DESC LIMIT 5`)
			for rows != nil && rows.Next() {
				var e, a, sm string
				_ = rows.Scan(&e, &a, &sm)
				t.Logf("audit: %s %s %s", e, a, sm)
			}
			if rows != nil {
				rows.Close()
			}
			t.Errorf("the walk as strangers wrote %d audit entries into agency 1", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM petitions`) - petitionsBefore; n != 0 {
			t.Errorf("the walk as strangers created %d petitions", n)
		}
		t.Logf("%d routes registered, %d walked as 3 callers", len(routes), walked)
	})
}

// refused reports whether the answer turns the caller away: a sign-in redirect or 401
// without an account; 403 or 404 with one (404 when even the object's existence is
// private). A 422 is not a refusal: validating a form for a stranger already says too much.
func refused(res *http.Response, signed bool) bool {
	switch res.StatusCode {
	case 401, 403, 404:
		return true
	}
	return !signed && toLogin(res)
}

// refusedAfter follows a POST's redirect once as the same caller: an error message flashed
// on a page the caller cannot open reveals nothing.
func refusedAfter(c *appClient, res *http.Response) bool {
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/") {
		return false
	}
	next, _ := c.get(loc)
	return refused(next, true)
}

func toLogin(res *http.Response) bool {
	loc := res.Header.Get("Location")
	return (res.StatusCode == 302 || res.StatusCode == 303) && strings.HasPrefix(loc, "/login")
}

func fillPattern(t *testing.T, db *sqldb.DB, path string, ids map[string]string, like string) (string, string) {
	t.Helper()
	missing := ""
	out := wildcardRE.ReplaceAllStringFunc(path, func(w string) string {
		if w == "{$}" {
			return ""
		}
		name := wildcardRE.FindStringSubmatch(w)[1]
		q, ok := ids[name]
		if !ok {
			missing = name
			return w
		}
		if strings.HasPrefix(q, "=") {
			return q[1:]
		}
		var id int64
		if err := db.QueryRowContext(context.Background(), q, like).Scan(&id); err != nil {
			missing = name
			return w
		}
		return strconv.FormatInt(id, 10)
	})
	return out, missing
}

func count(t *testing.T, db *sqldb.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// newOutsider adds an agency of its own under the root with a manager account on it, and
// returns the account's name: a real user of danvan, just not of agency 1.
func newOutsider(t *testing.T, db *sqldb.DB) string {
	t.Helper()
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *sqldb.Tx) error {
		var rootID int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&rootID); err != nil {
			return err
		}
		root, err := org.GetUnit(ctx, tx, rootID)
		if err != nil {
			return err
		}
		u, err := org.InsertUnit(ctx, tx, root, org.UnitInput{ParentID: rootID, Kind: org.KindAgency, Name: "Sở Ngoại Vùng (kiểm thử quyền)", Code: "KTQ-NV"})
		if err != nil {
			return err
		}
		acc, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: "ngoaivung", Password: appPassword, DisplayName: "Thủ trưởng Sở Ngoại Vùng", UnitID: u.ID})
		if err != nil {
			return err
		}
		return org.InsertGrant(ctx, tx, acc.ID, u, org.RoleManager)
	})
	if err != nil {
		t.Fatal(err)
	}
	return "ngoaivung"
}
