package inspection

import (
	"testing"
	"time"

	"danvan/internal/sqldb"
)

// The cache of large scopes answers within its age only, forgets what is older, and
// keeps nothing when measurements turn it off.
func TestCoverageCacheAge(t *testing.T) {
	var c coverageCache
	t0 := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	c.put("a", Coverage{UnitName: "A", ComputedAt: sqldb.FormatTime(t0)}, t0, 0)
	if v, ok := c.get("a", t0.Add(4*time.Minute), 0); !ok || v.UnitName != "A" {
		t.Fatalf("within 5 minutes: %v %v", v, ok)
	}
	if _, ok := c.get("a", t0.Add(5*time.Minute), 0); ok {
		t.Fatal("answered after 5 minutes")
	}
	if _, ok := c.get("a", t0.Add(time.Minute), 0); ok {
		t.Fatal("an expired entry was kept")
	}
	c.put("b", Coverage{ComputedAt: sqldb.FormatTime(t0)}, t0, -1)
	if _, ok := c.get("b", t0, -1); ok {
		t.Fatal("kept with the cache off")
	}
	// A clock going back does not serve an entry from the future.
	c.put("c", Coverage{ComputedAt: sqldb.FormatTime(t0)}, t0, 0)
	if _, ok := c.get("c", t0.Add(-time.Minute), 0); ok {
		t.Fatal("served an entry computed later than now")
	}
}
