package app

// genCommands: `danvan gen` (synthetic data at scale).
func genCommands() []Command { return nil }
