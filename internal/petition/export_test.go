package petition

// SetDuplicateScopeLarge lets a test run the duplicate search's large-scope path on
// small data; the returned function restores the threshold.
func SetDuplicateScopeLarge(n int) (restore func()) {
	old := duplicateScopeLarge
	duplicateScopeLarge = n
	return func() { duplicateScopeLarge = old }
}
