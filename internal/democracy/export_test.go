package democracy

// SetDisclosureListLarge lets a test run the register list's large path (read by
// decision date) on small data; the returned function restores the threshold.
func SetDisclosureListLarge(n int) (restore func()) {
	old := disclosureListLarge
	disclosureListLarge = n
	return func() { disclosureListLarge = old }
}
