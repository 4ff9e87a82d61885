package web

// planRoutes registers the pages and API of the plan domain. Filled in by that domain.
func (s *Server) planRoutes() {}
