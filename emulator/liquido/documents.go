package liquido

import (
	"strings"
)

// Brazilian and Mexican identifiers a payout names its recipient by, each
// checked the way the receiving banks check them: CPF and CNPJ by their two
// mod-11 check digits, CLABE by its weighted mod-10 digit (clabe in
// methods.go), Pix keys by the formats of Banco Central's DICT.

// docDigits strips the punctuation people write documents with
// ("422.433.091-14", "11.222.333/0001-81").
func docDigits(s string) string { return withoutBytes(s, ".-/ ") }

// withoutBytes is s without the bytes of cut (ASCII), as
// strings.NewReplacer(each, "", …).Replace(s) gives it without building a
// replacer (kilobytes of tables) on every request.
func withoutBytes(s, cut string) string {
	if !strings.ContainsAny(s, cut) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(cut, s[i]) < 0 {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// validCPF reports whether s is an 11-digit CPF with correct check digits.
// Eleven equal digits pass the arithmetic but are not issued, and are refused.
func validCPF(s string) bool {
	s = docDigits(s)
	if !digits(s, 11, 11) || strings.Count(s, s[:1]) == 11 {
		return false
	}
	return mod11Check(s[:9], []int{10, 9, 8, 7, 6, 5, 4, 3, 2}) == s[9] &&
		mod11Check(s[:10], []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2}) == s[10]
}

// validCNPJ reports whether s is a 14-digit CNPJ with correct check digits.
func validCNPJ(s string) bool {
	s = docDigits(s)
	if !digits(s, 14, 14) || strings.Count(s, s[:1]) == 14 {
		return false
	}
	return mod11Check(s[:12], []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}) == s[12] &&
		mod11Check(s[:13], []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}) == s[13]
}

// mod11Check is the check digit CPF and CNPJ share: the weighted sum mod 11,
// 0 when the remainder is below 2, else 11 minus it.
func mod11Check(s string, weights []int) byte {
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	r := sum % 11
	if r < 2 {
		return '0'
	}
	return byte('0' + 11 - r)
}

// validCLABE reports whether s is an 18-digit CLABE whose last digit is its
// check digit.
func validCLABE(s string) bool {
	return digits(s, 18, 18) && clabe(s[:17]) == s
}

// Pix key types as Liquido's payout names them (reference §11: email,
// phone, document, random), with the DICT's own names taken as aliases: CPF
// and CNPJ are document keys, EVP ("endereço virtual de pagamento") is a
// random key.
const (
	pixKeyEmail    = "email"
	pixKeyPhone    = "phone"
	pixKeyDocument = "document"
	pixKeyRandom   = "random"
)

// pixKeyType reads a targetPixKeyType, case-insensitively; "" when unknown.
func pixKeyType(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "email":
		return pixKeyEmail
	case "phone":
		return pixKeyPhone
	case "document", "cpf", "cnpj":
		return pixKeyDocument
	case "random", "evp":
		return pixKeyRandom
	}
	return ""
}

// pixKeyProblem says what is wrong with a Pix key of the given type, or ""
// when it is well formed. The formats are the DICT's: an email of at most 77
// characters, a phone in E.164 with Brazil's +55 and 10 or 11 digits, a CPF
// or CNPJ with valid check digits, a random key as a UUID.
func pixKeyProblem(typ, key string) string {
	switch typ {
	case pixKeyEmail:
		local, domain, ok := strings.Cut(key, "@")
		if !ok || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(key, " \t") || len(key) > 77 || strings.Contains(domain, "@") {
			return "is not an email Pix key (name@domain, at most 77 characters)"
		}
	case pixKeyPhone:
		n := withoutBytes(key, " -()")
		if !strings.HasPrefix(n, "+55") || !digits(n[3:], 10, 11) {
			return "is not a phone Pix key: +55, the area code and the number, such as +5511987654321"
		}
	case pixKeyDocument:
		d := docDigits(key)
		switch len(d) {
		case 11:
			if !validCPF(d) {
				return "is not a valid CPF: its check digits do not match"
			}
		case 14:
			if !validCNPJ(d) {
				return "is not a valid CNPJ: its check digits do not match"
			}
		default:
			return "is not a document Pix key: a CPF has 11 digits, a CNPJ 14"
		}
	case pixKeyRandom:
		if !isUUID(key) {
			return "is not a random Pix key: a UUID such as 123e4567-e89b-12d3-a456-426614174000"
		}
	}
	return ""
}

// isUUID reports whether s is written 8-4-4-4-12 in hex digits.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}
