// Package reliability holds the proofs that nothing acknowledged is lost: tests that run
// the real danvan binary as a separate process, drive it with concurrent clients, kill it
// with SIGKILL and start it again on the same data, then look for every write the clients
// were told had been kept. It has no code of its own beyond the tests; docs/RELIABILITY.md
// carries their figures.
package reliability
