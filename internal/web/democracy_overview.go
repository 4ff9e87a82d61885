package web

// democracyOverviewRoutes registers the pages of the module's home and the subtree overview.
func (s *Server) democracyOverviewRoutes() {}
