package web

// draftRoutes registers the pages and API of the draft domain. Filled in by that domain.
func (s *Server) draftRoutes() {}
