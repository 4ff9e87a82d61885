package app

import (
	"context"

	"danvan/internal/audit"
	"danvan/internal/demo"
	"danvan/internal/figures"
)

// extraCommands are the commands that domains add, each in its own file.
func extraCommands() []Command {
	var cmds []Command
	cmds = append(cmds, calendarCommands()...)
	cmds = append(cmds, genCommands()...)
	return cmds
}

// demoLoaders are the domains' sample data, run after the sample organisation, in order.
func demoLoaders(sources []figures.Source) []demo.Loader {
	return []demo.Loader{
		demo.Petitions,
		demo.Plans,
		demo.Drafts,
		demo.Models,
		demo.Conferences,
		demo.Disclosures,
		demo.News,
		demo.Inspections, // after Models, which makes the account kiemtra
		// Last: the reports freeze the figures of everything loaded before them.
		demo.Reports(sources),
	}
}

func auditCLI(ctx context.Context) context.Context {
	return audit.WithActor(ctx, audit.Actor{Name: "Dòng lệnh"})
}
