package web

import (
	"testing"

	"danvan/internal/config"
)

// The client's address behind proxies: each trusted proxy vouches for the hop before it;
// what a client writes into X-Forwarded-For itself is never believed.
func TestClientAddress(t *testing.T) {
	loopback, err := config.ParseProxies("")
	if err != nil {
		t.Fatal(err)
	}
	lan, err := config.ParseProxies("10.0.0.0/8, 192.168.1.7")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, remote string
		xff          []string
		trusted      string
		want         string
	}{
		{"direct", "203.0.113.9:5000", nil, "", "203.0.113.9"},
		{"direct with a forged header", "203.0.113.9:5000", []string{"1.1.1.1"}, "", "203.0.113.9"},
		{"local proxy", "127.0.0.1:4000", []string{"198.51.100.4"}, "", "198.51.100.4"},
		{"local proxy appending to a forged header", "127.0.0.1:4000", []string{"6.6.6.6, 198.51.100.4"}, "", "198.51.100.4"},
		{"two header lines", "127.0.0.1:4000", []string{"6.6.6.6", "198.51.100.4"}, "", "198.51.100.4"},
		{"chain of trusted proxies", "10.0.0.6:80", []string{"6.6.6.6, 198.51.100.4, 10.0.0.5"}, "lan", "198.51.100.4"},
		{"a single trusted host", "192.168.1.7:80", []string{"198.51.100.4"}, "lan", "198.51.100.4"},
		{"a host next to it is not trusted", "192.168.1.8:80", []string{"198.51.100.4"}, "lan", "192.168.1.8"},
		{"loopback not trusted when a list is given", "127.0.0.1:4000", []string{"198.51.100.4"}, "lan", "127.0.0.1"},
		{"malformed hop", "127.0.0.1:4000", []string{"1.1.1.1, not-an-address"}, "", "127.0.0.1"},
		{"every hop a proxy", "127.0.0.1:4000", []string{"127.0.0.2"}, "", "127.0.0.2"},
		{"IPv6 proxy", "[::1]:4000", []string{"2001:db8::5"}, "", "2001:db8::5"},
		{"IPv4 in IPv6", "[::ffff:127.0.0.1]:4000", []string{"198.51.100.4"}, "", "198.51.100.4"},
		{"no port", "203.0.113.9", nil, "", "203.0.113.9"},
	} {
		tr := loopback
		if c.trusted == "lan" {
			tr = lan
		}
		if got := clientAddress(c.remote, c.xff, tr); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	if none, _ := config.ParseProxies("none"); clientAddress("127.0.0.1:1", []string{"198.51.100.4"}, none) != "127.0.0.1" {
		t.Error(`"none" must trust no proxy`)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "1.2.3"} {
		if _, err := config.ParseProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
