package web

// boardRoutes registers the pages of the people's inspection board.
func (s *Server) boardRoutes() {}
