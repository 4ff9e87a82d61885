package web

// petitionRoutes registers the pages and API of the petition domain. Filled in by that domain.
func (s *Server) petitionRoutes() {}
