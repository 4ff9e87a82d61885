package web

// modelRoutes registers the pages and API of the model domain. Filled in by that domain.
func (s *Server) modelRoutes() {}
