package org

import (
	"bytes"
	"testing"
)

// Cursors come back from the query string of every list of people and units.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor([]byte("nguyễn văn a"), 7), []byte("k"), int64(7))
	f.Add("", []byte{}, int64(0))
	f.Add("....", []byte{0xff}, int64(-9))
	f.Fuzz(func(t *testing.T, s string, key []byte, id int64) {
		_, _, _ = decodeCursor(s)
		k, n, ok := decodeCursor(encodeCursor(key, id))
		if !ok || !bytes.Equal(k, key) || n != id {
			t.Fatalf("round trip of (%q, %d): (%q, %d, %v)", key, id, k, n, ok)
		}
	})
}
