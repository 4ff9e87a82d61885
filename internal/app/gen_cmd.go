package app

import (
	"context"
	"flag"
	"fmt"
	"time"

	"danvan/internal/democracy"
	"danvan/internal/draft"
	"danvan/internal/emulation"
	"danvan/internal/gen"
	"danvan/internal/inspection"
	"danvan/internal/news/newsgen"
	"danvan/internal/petition/petitiongen"
	"danvan/internal/plan/plangen"
)

// genCommands: `danvan gen` (synthetic data at scale).
func genCommands() []Command {
	return []Command{{"gen", "sinh dữ liệu tổng hợp quy mô lớn để đo hiệu năng: gen --units N --people N", cmdGen}}
}

// genGenerators are the domains' synthetic data, run after the organisation, one line per
// domain (see package gen); petitions and articles are the --petitions and --articles flags.
func genGenerators(petitions, articles int) []gen.Generator {
	var gs []gen.Generator
	gs = append(gs, draft.Generate)
	gs = append(gs, emulation.Generator(200000))
	gs = append(gs, plangen.Generate)
	gs = append(gs, democracy.Generate)  // after plangen: its commitments are tasks
	gs = append(gs, inspection.Generate) // its recommendations are tasks too
	gs = append(gs, plangen.CountTasks)  // after every generator that writes tasks
	gs = append(gs, petitiongen.Generator(petitions))
	gs = append(gs, newsgen.Generator(articles))
	return gs
}

func cmdGen(ctx context.Context, env Env, args []string) error {
	o := gen.Options{Log: env.Stderr}
	var seed int64
	var petitions, articles int
	cfg, _, err := parseConfig("gen", env, args, func(fs *flag.FlagSet) {
		fs.IntVar(&o.Units, "units", 1000, "số đơn vị")
		fs.IntVar(&o.People, "people", 10000, "số người")
		fs.Int64Var(&seed, "seed", 1, "hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu)")
		fs.BoolVar(&o.Force, "force", false, "sinh thêm dù cơ sở dữ liệu đã có dữ liệu tổng hợp")
		fs.IntVar(&o.BatchRows, "batch", 50000, "số dòng mỗi giao dịch / lệnh COPY")
		fs.IntVar(&petitions, "petitions", 0, "số đơn thư tổng hợp")
		fs.IntVar(&articles, "articles", 0, "số bài tin tổng hợp (trang tin tức)")
	})
	if err != nil {
		return err
	}
	o.Seed = uint64(seed)
	o.Generators = genGenerators(petitions, articles)
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	s, err := gen.Run(auditCLI(ctx), db, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã sinh %d đơn vị (sâu %d cấp, gốc mã số %d) và %d người (%d chức vụ) trong %s.\n",
		s.UnitCount, s.MaxDepth, s.Root.ID, s.People.Len(), s.Positions, time.Since(start).Round(time.Millisecond))
	return nil
}
