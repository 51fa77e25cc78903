package liquido

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBrazilianDocumentsAndCLABECheckDigits(t *testing.T) {
	cases := []struct {
		name  string
		check func(string) bool
		in    string
		want  bool
	}{
		{"CPF", validCPF, "42243309114", true},
		{"CPF with punctuation", validCPF, "422.433.091-14", true},
		{"CPF, first check digit wrong", validCPF, "42243309104", false},
		{"CPF, second check digit wrong", validCPF, "42243309115", false},
		{"CPF of eleven equal digits", validCPF, "11111111111", false},
		{"CPF of ten digits", validCPF, "4224330911", false},
		{"CNPJ", validCNPJ, "11.222.333/0001-81", true},
		{"CNPJ, check digit wrong", validCNPJ, "11222333000182", false},
		{"CNPJ of letters", validCNPJ, "1122233300018a", false},
		{"CLABE of the docs' bank transfer", validCLABE, "706180679889373163", true},
		{"CLABE, check digit wrong", validCLABE, "706180679889373160", false},
		{"CLABE of 17 digits", validCLABE, "70618067988937316", false},
		{"CLABE mockpay generates", validCLABE, clabe("70618012345678901"), true},
	}
	for _, c := range cases {
		if got := c.check(c.in); got != c.want {
			t.Errorf("%s %q: %v, want %v", c.name, c.in, got, c.want)
		}
	}
}

func TestPixKeys(t *testing.T) {
	cases := []struct{ typ, key, want string }{
		{"email", "ana@example.com", ""},
		{"EMAIL", "ana@example.com", ""},
		{"email", "ana.example.com", "is not an email Pix key (name@domain, at most 77 characters)"},
		{"phone", "+5511987654321", ""},
		{"phone", "+55 (11) 98765-4321", ""},
		{"phone", "11987654321", "is not a phone Pix key: +55, the area code and the number, such as +5511987654321"},
		{"document", "42243309114", ""},
		{"CPF", "42243309115", "is not a valid CPF: its check digits do not match"},
		{"CNPJ", "11222333000181", ""},
		{"document", "123", "is not a document Pix key: a CPF has 11 digits, a CNPJ 14"},
		{"random", "123e4567-e89b-12d3-a456-426614174000", ""},
		{"EVP", "123e4567e89b12d3a456426614174000", "is not a random Pix key: a UUID such as 123e4567-e89b-12d3-a456-426614174000"},
	}
	for _, c := range cases {
		typ := pixKeyType(c.typ)
		if typ == "" {
			t.Fatalf("type %q not understood", c.typ)
		}
		if got := pixKeyProblem(typ, c.key); got != c.want {
			t.Errorf("%s key %q: %q, want %q", c.typ, c.key, got, c.want)
		}
	}
	if pixKeyType("iban") != "" {
		t.Errorf("iban is not a Pix key type")
	}
}

func TestPayoutTestParameters(t *testing.T) {
	cases := []struct {
		comment string
		want    payoutPlan
		errs    int
	}{
		{"", payoutPlan{statusEventSettled, 15 * time.Second}, 0},
		{"statusEvent=REJECTED;statusDelay=20", payoutPlan{statusEventRejected, 20 * time.Second}, 0},
		{"payroll; statusevent = settled_then_rejected ;", payoutPlan{statusEventSettledThenRejected, 15 * time.Second}, 0},
		{"statusEvent=PAID", payoutPlan{statusEventSettled, 15 * time.Second}, 1},
		{"statusDelay=-1", payoutPlan{statusEventSettled, 15 * time.Second}, 1},
	}
	for _, c := range cases {
		f := newFields(map[string]any{})
		got := readPayoutPlan(f, c.comment)
		if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(payoutPlan{})); diff != "" || len(*f.errs) != c.errs {
			t.Errorf("%q: errors %v (-want +got):\n%s", c.comment, *f.errs, diff)
		}
	}
}

func TestPaymentLinkLimits(t *testing.T) {
	cases := []struct {
		method   string
		amount   int64
		currency string
		want     string
	}{
		{"BOLETO", 499, "BRL", "Minimum amount of Boleto is 5BRL."},
		{"BOLETO", 500, "BRL", ""},
		{"PSE", 99_999, "COP", "Minimum amount of PSE is 1000COP."},
		{"NEQUI", 149_999, "COP", "Minimum amount of Nequi is 1500COP."},
		{"PAY_CASH", 2_000_001, "MXN", "Maximum amount of PayCash is 20000MXN."},
		{"PAY_CASH", 500_000_001, "COP", "Maximum amount of PayCash is 5000000COP."},
		{"PAY_CASH", 500_000_000, "COP", ""},
		{"CREDIT_CARD", 1, "BRL", ""},
	}
	for _, c := range cases {
		if got := linkMethods[c.method].limitProblem(c.amount, c.currency); got != c.want {
			t.Errorf("%s %d %s: %q, want %q", c.method, c.amount, c.currency, got, c.want)
		}
	}
}

// Unix times are read as Jackson reads them: a fraction is dropped.
func TestReadUnixSecondsTruncatesAFraction(t *testing.T) {
	f := newFields(map[string]any{"a": jsonNumber("1700000000.987"), "b": "1700000000", "c": jsonNumber("-5"), "d": "soon"})
	for name, want := range map[string]int64{"a": 1700000000, "b": 1700000000} {
		if got, ok := readUnixSeconds(f, name); !ok || got.Unix() != want {
			t.Errorf("%s: %v %v", name, got, ok)
		}
	}
	for _, name := range []string{"c", "d"} {
		if _, ok := readUnixSeconds(f, name); ok {
			t.Errorf("%s was read", name)
		}
	}
}

func jsonNumber(s string) any { return json.Number(s) }
