package web

// democracyRoutes registers the grassroots-democracy module (dân chủ ở cơ sở, chapter III
// of Law 10/2022/QH15): each part keeps its pages in its own file.
func (s *Server) democracyRoutes() {
	s.democracyOverviewRoutes() // /democracy: the module's home and the subtree overview
	s.conferenceRoutes()        // the annual staff conference and its resolution
	s.boardRoutes()             // the people's inspection board
	s.disclosureRoutes()        // disclosures (công khai) and the staff's questions
	s.disclosureRuleRoutes()    // the administrator's versions of the disclosures' time limits
}
