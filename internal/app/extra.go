package app

import (
	"context"

	"danvan/internal/audit"
	"danvan/internal/demo"
)

// extraCommands are the commands that domains add, each in its own file.
func extraCommands() []Command {
	var cmds []Command
	cmds = append(cmds, calendarCommands()...)
	cmds = append(cmds, genCommands()...)
	return cmds
}

// demoLoaders are the domains' sample data, run after the sample organisation, in order.
func (a *App) demoLoaders() []demo.Loader {
	return []demo.Loader{
		demo.Petitions,
		demo.Plans,
		demo.Drafts,
		demo.Models,
		demo.Conferences,
		demo.Disclosures,
		demo.News,
		demo.Inspections(a.Figures), // after Models, which makes the account kiemtra
		// Last: the reports freeze the figures of everything loaded before them.
		demo.Reports(a.Figures),
	}
}

func auditCLI(ctx context.Context) context.Context {
	return audit.WithActor(ctx, audit.Actor{Name: "Dòng lệnh"})
}
