// Package config reads danvan's settings once, from flags and DANVAN_* environment
// variables (flags win), with defaults in code. Nothing else reads the environment.
package config

import (
	"flag"
	"fmt"
	"io"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
)

// Config is every setting of a danvan process.
type Config struct {
	Addr         string // listen address
	DataDir      string // data folder: SQLite database, attachments
	DatabaseURL  string // postgres://… for PostgreSQL; "" for SQLite in DataDir
	BaseURL      string // public base URL used in mails and links
	SMTPURL      string // smtp://user:pass@host:port or smtps://…; "" logs mails instead
	MailFrom     string
	OrgName      string
	Demo         bool
	DemoPassword string
	PublicRate   int // public submissions per address per minute; 0 lifts the limit
	// SQLiteCacheMB is SQLite's page cache in MB for all its connections together (see
	// sqldb.Options.CacheMB); 0 is sqldb.DefaultCacheMB.
	SQLiteCacheMB int
	Workers       bool // run background jobs in this process
	// TrustedProxies lists the reverse proxies (addresses or CIDR blocks, comma-separated)
	// whose X-Forwarded-For header is believed when finding a client's address; ""
	// means DefaultTrustedProxies, "none" trusts no proxy.
	TrustedProxies string
	// PprofAddr, when set, serves Go's profiler (net/http/pprof) on that loopback address,
	// a listener of its own outside the site's routes, for scripts/load.sh -P (issue 15).
	PprofAddr string
}

// DefaultTrustedProxies trusts a proxy on the same machine only.
const DefaultTrustedProxies = "127.0.0.0/8,::1"

// ParseProxies reads a TrustedProxies list: addresses (a single host) or CIDR blocks,
// "" for DefaultTrustedProxies, "none" for none.
func ParseProxies(list string) ([]netip.Prefix, error) {
	switch strings.TrimSpace(list) {
	case "":
		list = DefaultTrustedProxies
	case "none":
		return []netip.Prefix{}, nil // empty, not nil: nil means the default to web.New
	}
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("config: --trusted-proxies: %q is neither an address nor a CIDR block", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// Defaults.
const (
	DefaultAddr = "127.0.0.1:8080"
	DefaultData = "./data"
)

// DatabaseURLOrFile returns the PostgreSQL URL, or the SQLite file in the data folder.
func (c Config) DatabaseURLOrFile() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "danvan.db")
}

// FlagSet returns the flags of `danvan serve`, bound to c, with defaults taken from the
// environment through getenv.
func (c *Config) FlagSet(name string, getenv func(string) string, out io.Writer) *flag.FlagSet {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	envBool := func(k string) bool {
		b, _ := strconv.ParseBool(getenv(k))
		return b
	}
	envInt := func(k string, def int) int {
		if n, err := strconv.Atoi(getenv(k)); err == nil {
			return n
		}
		return def
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.Addr, "addr", env("DANVAN_ADDR", DefaultAddr), "listen address (DANVAN_ADDR)")
	fs.StringVar(&c.DataDir, "data", env("DANVAN_DATA", DefaultData), "data folder for the SQLite database and attachments (DANVAN_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DANVAN_DATABASE_URL", ""), "postgres://… to use PostgreSQL instead of SQLite (DANVAN_DATABASE_URL)")
	fs.StringVar(&c.BaseURL, "base-url", env("DANVAN_BASE_URL", ""), "public base URL, e.g. https://danvan.example.gov.vn; HTTPS makes cookies Secure (DANVAN_BASE_URL)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", env("DANVAN_PPROF_ADDR", ""), "serve Go's profiler on this loopback address, e.g. 127.0.0.1:6060 (DANVAN_PPROF_ADDR); empty: off")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("DANVAN_SMTP_URL", ""), "mail server: smtp://user:pass@host:587 (STARTTLS required; ?starttls=opportunistic or none), smtps://user:pass@host:465 (TLS); empty: mails are logged, not sent (DANVAN_SMTP_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", env("DANVAN_MAIL_FROM", "danvan <no-reply@danvan.local>"), "sender address of mails (DANVAN_MAIL_FROM)")
	fs.StringVar(&c.OrgName, "org-name", env("DANVAN_ORG_NAME", "Đảng bộ Khối các cơ quan tỉnh"), "organisation name on public pages (DANVAN_ORG_NAME)")
	fs.BoolVar(&c.Demo, "demo", envBool("DANVAN_DEMO"), "load the Vietnamese sample organisation and accounts (DANVAN_DEMO)")
	fs.StringVar(&c.DemoPassword, "demo-password", env("DANVAN_DEMO_PASSWORD", ""), "password of the demo accounts; default: a random one printed in the log (DANVAN_DEMO_PASSWORD)")
	fs.IntVar(&c.PublicRate, "public-rate", envInt("DANVAN_PUBLIC_RATE", 10), "public form submissions per address per minute; 0 lifts the limit (DANVAN_PUBLIC_RATE)")
	fs.IntVar(&c.SQLiteCacheMB, "sqlite-cache-mb", envInt("DANVAN_SQLITE_CACHE_MB", 0), "SQLite's page cache in MB, all connections together; 0: the default (DANVAN_SQLITE_CACHE_MB)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("DANVAN_TRUSTED_PROXIES", DefaultTrustedProxies), "reverse proxies whose X-Forwarded-For is believed, comma-separated addresses or CIDR blocks; none trusts no proxy (DANVAN_TRUSTED_PROXIES)")
	fs.BoolVar(&c.Workers, "workers", env("DANVAN_WORKERS", "true") != "false", "run background jobs (reminders, mail) in this instance (DANVAN_WORKERS)")
	return fs
}

// SecureCookies reports whether cookies must be marked Secure.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Validate checks values that flags cannot.
func (c Config) Validate() error {
	if c.SQLiteCacheMB < 0 {
		return fmt.Errorf("config: --sqlite-cache-mb must be 0 (the default) or more")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("config: --database-url must start with postgres:// (SQLite needs no URL: it lives in --data)")
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return fmt.Errorf("config: --base-url must start with http:// or https://")
	}
	if _, err := ParseProxies(c.TrustedProxies); err != nil {
		return err
	}
	return nil
}
