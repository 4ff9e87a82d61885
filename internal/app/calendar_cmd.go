package app

// calendarCommands: `danvan calendar lunar|add-working-days` (petitions domain).
func calendarCommands() []Command { return nil }
