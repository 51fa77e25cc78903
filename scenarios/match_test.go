package scenarios_test

import (
	"encoding/json"
	"testing"

	"github.com/mockpay/mockpay/scenarios"
)

// card4242 is a request every matching case starts from.
func card4242() scenarios.Request {
	return scenarios.Request{
		Provider: "acme", Merchant: "shop-1", Action: "pay", Method: "card",
		Card: "4242424242424242", Currency: "UAH", Country: "UA", OrderID: "order-1",
		Description: "a gift card", Phone: "380950000000", Amount: ptr(10.5),
		Body: map[string]any{
			"amount": "10.50",
			"rro_info": map[string]any{
				"items":           []any{map[string]any{"id": json.Number("7"), "price": 10.5}, map[string]any{"id": "x"}},
				"delivery_emails": []any{"a@example.com"},
			},
			"is_test": true,
			"none":    nil,
		},
	}
}

// with returns the request after change.
func with(change func(*scenarios.Request)) scenarios.Request {
	r := card4242()
	change(&r)
	return r
}

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		match string // the value of match: in flow style
		req   scenarios.Request
		want  bool
	}{
		{"an empty match takes every request of the provider", "{}", card4242(), true},
		{"another provider's request is not matched", "{}", with(func(r *scenarios.Request) { r.Provider = "zeta" }), false},

		{"exact text", "{action: pay}", card4242(), true},
		{"exact text differs", "{action: hold}", card4242(), false},
		{"exact text is case-sensitive", "{currency: uah}", card4242(), false},
		{"exact text is not a substring match", "{description: gift}", card4242(), false},
		{"an absent request field is not matched", "{phone: \"380950000000\"}", with(func(r *scenarios.Request) { r.Phone = "" }), false},
		{"one of a list", "{action: [hold, pay]}", card4242(), true},
		{"none of a list", "{action: [hold, refund]}", card4242(), false},
		{"regex matches anywhere unless anchored", "{description: {regex: gift}}", card4242(), true},
		{"anchored regex", "{description: {regex: \"^gift\"}}", card4242(), false},
		{"regex on the order id", "{order_id: {regex: \"^order-[0-9]+$\"}}", card4242(), true},
		{"merchant", "{merchant: shop-1}", card4242(), true},
		{"another merchant", "{merchant: shop-2}", card4242(), false},
		{"method", "{method: card}", card4242(), true},
		{"country from a list", "{country: [PL, UA]}", card4242(), true},
		{"idempotencyKey is the order id", "{idempotencyKey: order-1}", card4242(), true},

		{"full card number", "{card: \"4242424242424242\"}", card4242(), true},
		{"another card number", "{card: \"4000000000000002\"}", card4242(), false},
		{"bin is a prefix", "{bin: \"424242\"}", card4242(), true},
		{"bin may be shorter than six digits", "{bin: \"42\"}", card4242(), true},
		{"bin from a list", "{bin: [\"5\", \"4242\"]}", card4242(), true},
		{"bin that is not a prefix", "{bin: \"424243\"}", card4242(), false},
		{"bin regex sees the first six digits", "{bin: {regex: \"^42424[0-9]$\"}}", card4242(), true},
		{"bin regex does not see past six digits", "{bin: {regex: \"^4242424\"}}", card4242(), false},
		{"bin regex on a card shorter than six digits", "{bin: {regex: \".*\"}}", with(func(r *scenarios.Request) { r.Card = "4242" }), false},
		{"bin without a card", "{bin: \"4\"}", with(func(r *scenarios.Request) { r.Card = "" }), false},
		{"last4", "{last4: \"4242\"}", with(func(r *scenarios.Request) { r.Card = "4000000000004242" }), true},
		{"another last4", "{last4: \"0002\"}", card4242(), false},
		{"last4 regex", "{last4: {regex: \"^42\"}}", card4242(), true},
		{"last4 of a card shorter than four digits", "{last4: \"42\"}", with(func(r *scenarios.Request) { r.Card = "42" }), false},

		{"exact amount", "{amount: 10.5}", card4242(), true},
		{"exact amount written with trailing zero", "{amount: 10.50}", card4242(), true},
		{"another exact amount", "{amount: 10.49}", card4242(), false},
		{"min is inclusive", "{amount: {min: 10.5}}", card4242(), true},
		{"below min", "{amount: {min: 10.51}}", card4242(), false},
		{"max is inclusive", "{amount: {max: 10.5}}", card4242(), true},
		{"above max", "{amount: {max: 10.49}}", card4242(), false},
		{"within min and max", "{amount: {min: 1, max: 100}}", card4242(), true},
		{"a request without an amount", "{amount: {min: 0}}", with(func(r *scenarios.Request) { r.Amount = nil }), false},
		{"a cent's float error is still exact", "{amount: 0.3}", with(func(r *scenarios.Request) { r.Amount = ptr(0.1 + 0.2) }), true},

		{"a top-level field", "{fields: {amount: \"10.50\"}}", card4242(), true},
		{"a nested field by dotted path", "{fields: {rro_info.delivery_emails.0: a@example.com}}", card4242(), true},
		{"a JSON number field as written", "{fields: {rro_info.items.0.id: \"7\"}}", card4242(), true},
		{"a float field as text", "{fields: {rro_info.items.0.price: \"10.5\"}}", card4242(), true},
		{"the second array element", "{fields: {rro_info.items.1.id: x}}", card4242(), true},
		{"an array index out of range", "{fields: {rro_info.items.2.id: x}}", card4242(), false},
		{"a non-numeric array index", "{fields: {rro_info.items.first.id: x}}", card4242(), false},
		{"a path through a text", "{fields: {amount.value: x}}", card4242(), false},
		{"a missing field", "{fields: {missing: x}}", card4242(), false},
		{"a null field is absent", "{fields: {none: \"\"}}", card4242(), false},
		{"a boolean field as text", "{fields: {is_test: \"true\"}}", card4242(), true},
		{"a field regex", "{fields: {rro_info.delivery_emails.0: {regex: \"@example\\\\.com$\"}}}", card4242(), true},
		{"an object field as JSON", "{fields: {rro_info.items.1: '{\"id\":\"x\"}'}}", card4242(), true},
		{"every field must match", "{fields: {amount: \"10.50\", is_test: \"false\"}}", card4242(), false},

		{"every matcher must match", "{action: pay, currency: UAH, bin: \"4242\", amount: {max: 5}}", card4242(), false},
		{"all matchers match", "{action: pay, currency: UAH, bin: \"4242\", amount: {max: 50}, merchant: shop-1}", card4242(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEngine()
			file := header("  - name: it", "    match: "+tt.match, "    outcome: {status: success}")
			if err := e.AddDefaults("default:acme", []byte(file)); err != nil {
				t.Fatal(err)
			}
			if got := decided(e, "t", tt.req) == "it"; got != tt.want {
				t.Errorf("match %s on %+v: matched = %v, want %v", tt.match, tt.req, got, tt.want)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	body := card4242().Body
	tests := []struct {
		path   string
		want   string
		wantOK bool
	}{
		{"amount", "10.50", true},
		{"rro_info.items.0.id", "7", true},
		{"rro_info.items.0.price", "10.5", true},
		{"rro_info.items.1", `{"id":"x"}`, true},
		{"rro_info.delivery_emails", `["a@example.com"]`, true},
		{"is_test", "true", true},
		{"none", "", false},
		{"rro_info.items.-1.id", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := scenarios.Lookup(body, tt.path)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestConfirmRuleMatches(t *testing.T) {
	t.Parallel()
	set := mustParse(t, "f.yaml", header("  - name: otp", "    outcome:", "      status: otp_verify", "      confirm:",
		`        - when: {otp: "000000"}`, "          status: failure",
		`        - when: {otp: {regex: "^[0-9]{6}$"}, device.kind: [phone, tablet]}`, "          status: success",
		"        - status: processing"))
	rules := set.Scenarios[0].Outcome.Confirm
	tests := []struct {
		name   string
		fields map[string]any
		want   string // the status of the first rule that matches
	}{
		{"the first matching rule wins", map[string]any{"otp": "000000", "device": map[string]any{"kind": "phone"}}, "failure"},
		{"every field of when must match", map[string]any{"otp": "123456", "device": map[string]any{"kind": "tablet"}}, "success"},
		{"a missing field matches no when", map[string]any{"otp": "123456"}, "processing"},
		{"a rule without when takes the rest", map[string]any{}, "processing"},
	}
	for _, tt := range tests {
		got := ""
		for _, r := range rules {
			if r.Matches(tt.fields) {
				got = r.Status
				break
			}
		}
		if got != tt.want {
			t.Errorf("%s: status %q, want %q", tt.name, got, tt.want)
		}
	}
}
