package web

// disclosureRoutes registers the pages of disclosures.
func (s *Server) disclosureRoutes() {}
