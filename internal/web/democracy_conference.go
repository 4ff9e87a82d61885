package web

// conferenceRoutes registers the pages of the annual staff conference.
func (s *Server) conferenceRoutes() {}
