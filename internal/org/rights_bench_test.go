package org_test

import (
	"fmt"
	"strings"
	"testing"

	"danvan/internal/org"
)

// deepPath returns a unit path of the given depth: /1/1000002/1000003/…/.
func deepPath(depth int) string {
	var b strings.Builder
	b.WriteString("/1/")
	for i := 2; i <= depth; i++ {
		fmt.Fprintf(&b, "%d/", 1000000+i)
	}
	return b.String()
}

// BenchmarkCanPath shows the permission check costs O(depth) of the unit's path (a
// prefix comparison per grant), whatever the size of the tree: it reads no subtree and
// runs no query. Compare the ns/op across depths.
func BenchmarkCanPath(b *testing.B) {
	for _, depth := range []int{2, 4, 8, 16, 32} {
		path := deepPath(depth)
		grantPath := deepPath(2)
		p := &org.Principal{UserID: 1, Grants: []org.Grant{
			{UnitPath: "/9/", Role: org.RoleAdmin}, // another tree: never matches
			{UnitPath: grantPath, Role: org.RoleManager},
		}}
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			for b.Loop() {
				if !p.CanPath(org.ManagePerson, path) {
					b.Fatal("denied")
				}
			}
		})
		b.Run(fmt.Sprintf("denied/depth=%d", depth), func(b *testing.B) {
			other := "/2/" + path[3:]
			for b.Loop() {
				if p.CanPath(org.ManagePerson, other) {
					b.Fatal("allowed")
				}
			}
		})
	}
}
