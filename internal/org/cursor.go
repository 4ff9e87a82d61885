package org

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Cursors are opaque to users: base64 of the sort key and the id of the last row shown.
func encodeCursor(key []byte, id int64) string {
	return base64.RawURLEncoding.EncodeToString(key) + "." + strconv.FormatInt(id, 10)
}

func decodeCursor(s string) ([]byte, int64, bool) {
	k, idStr, ok := strings.Cut(s, ".")
	if !ok {
		return nil, 0, false
	}
	key, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		return nil, 0, false
	}
	id, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil {
		return nil, 0, false
	}
	return key, id, true
}
