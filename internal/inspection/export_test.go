package inspection

// SetBigScopeTargets changes the threshold of bigScope for a test and returns the undo.
func SetBigScopeTargets(n int) func() {
	old := bigScopeTargets
	bigScopeTargets = n
	return func() { bigScopeTargets = old }
}
