package web

func (s *Server) draftPublicRoutes() {}
