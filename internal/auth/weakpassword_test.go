package auth

import "testing"

func TestValidatePasswordRefusesCommonAndGuessable(t *testing.T) {
	refused := []string{
		"short",           // length
		"password123",     // listed word + digits
		"Matkhau2026!",    // listed Vietnamese word, any case, digits and punctuation after
		"anh yeu em 123",  // spaces dropped before the lookup
		"qwertyuiop",      // keyboard row
		"1234567890",      // digit run, wrapping 9 -> 0
		"9876543210",      // backwards
		"abcdefghijkl",    // letter run
		"aaaaaaaaaaaa",    // one character repeated
		"dangcongsan2026", // the agency's own words
		"administrator1",  // listed + digit
	}
	for _, pw := range refused {
		if ValidatePassword(pw) == "" {
			t.Errorf("%q accepted", pw)
		}
	}
	accepted := []string{
		"web-test-matkhau-2026", // the listed word inside a longer phrase is fine
		"sông Hồng chảy về xuôi",
		"ba-con-meo-trèo-cây-cau",
		"1234567890x",
	}
	for _, pw := range accepted {
		if msg := ValidatePassword(pw); msg != "" {
			t.Errorf("%q refused: %s", pw, msg)
		}
	}
}

func FuzzValidatePassword(f *testing.F) {
	for _, s := range []string{"password123", "1234567890", "", "ạạạạạạạạạạ", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		_ = ValidatePassword(pw) // must not panic on any input, valid UTF-8 or not
	})
}
