package liqpay

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitExpiryReadsWhatPeopleType(t *testing.T) {
	cases := []struct {
		in          string
		month, year string
		ok          bool
	}{
		{"12/30", "12", "30", true},
		{"1/30", "01", "30", true},
		{" 12 / 2030 ", "12", "2030", true},
		{"1230", "12", "30", true},
		{"122030", "12", "2030", true},
		{"12-30", "12", "30", true},
		{"", "", "", false},
		{"12/3", "", "", false},
		{"ab/cd", "", "", false},
		{"12/30<script>", "", "", false},
		{"123", "", "", false},
	}
	for _, tc := range cases {
		m, y, ok := splitExpiry(tc.in)
		if diff := cmp.Diff([]any{tc.month, tc.year, tc.ok}, []any{m, y, ok}); diff != "" {
			t.Errorf("splitExpiry(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestUnencodedPlusRestoresTheRubySDKsPlus(t *testing.T) {
	cases := []struct {
		name string
		in   Envelope
		want Envelope
	}{
		{"base64 with spaces for +", Envelope{"eyJh IjoiYiJ9", "wR UZDC4jjeL/qUOvIsofIWpZh8="}, Envelope{"eyJh+IjoiYiJ9", "wR+UZDC4jjeL/qUOvIsofIWpZh8="}},
		{"raw JSON keeps its spaces", Envelope{`{"a": "b c"}`, "x y"}, Envelope{`{"a": "b c"}`, "x+y"}},
		{"nothing to do", Envelope{"abc", "def="}, Envelope{"abc", "def="}},
	}
	for _, tc := range cases {
		if diff := cmp.Diff(tc.want, unencodedPlus(tc.in)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestCheckoutTestCardsComeFromTheDefaultScenarios(t *testing.T) {
	got := testCards([]byte(`
scenarios:
  - name: a
    description: 4000000000003063 succeeds after 3-D Secure
    match: {card: "4000000000003063"}
  - name: not-a-card
    description: matches an amount
    match: {amount: 5}
`))
	want := []testCardView{{Number: "4242 4242 4242 4242"}, {Number: "4000 0000 0000 3063", Text: "succeeds after 3-D Secure"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(checkoutTestCards) < 6 {
		t.Errorf("the embedded defaults give only %d cards", len(checkoutTestCards))
	}
}
