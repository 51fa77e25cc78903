package liqpay

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSplits(t *testing.T) {
	tests := []struct {
		name   string
		action Action
		rules  any // split_rules as sent; nil: absent
		total  Amount
		want   []split
		code   ErrCode
	}{
		{name: "no rules on pay", action: ActionPay, total: 300},
		{name: "paysplit needs rules", action: ActionPaySplit, total: 300, code: ErrMissing},
		{name: "adds up, as a JSON string", action: ActionPay, total: 300,
			rules: `[{"public_key":"i1","amount":1,"commission_payer":"sender","server_url":"https://a.example/cb"},{"public_key":"i2","amount":"2"}]`,
			want: []split{{PublicKey: "i1", Amount: 100, CommissionPayer: "sender", ServerURL: "https://a.example/cb"},
				{PublicKey: "i2", Amount: 200, CommissionPayer: "receiver"}}},
		{name: "adds up, as an array", action: ActionPaySplit, total: 150,
			rules: []any{map[string]any{"public_key": "i1", "amount": "1.5"}},
			want:  []split{{PublicKey: "i1", Amount: 150, CommissionPayer: "receiver"}}},
		{name: "short by a kopeck", action: ActionPay, total: 300,
			rules: `[{"public_key":"i1","amount":1},{"public_key":"i2","amount":1.99}]`, code: ErrSplitAmount},
		{name: "over", action: ActionPay, total: 100, rules: `[{"public_key":"i1","amount":2}]`, code: ErrSplitAmount},
		{name: "not JSON", action: ActionPay, total: 100, rules: `[{`, code: ErrWrong},
		{name: "empty list", action: ActionPay, total: 100, rules: `[]`, code: ErrWrong},
		{name: "no public_key", action: ActionPay, total: 100, rules: `[{"amount":1}]`, code: ErrWrong},
		{name: "zero share", action: ActionPay, total: 100, rules: `[{"public_key":"i1","amount":0},{"public_key":"i2","amount":1}]`, code: ErrWrong},
		{name: "unknown commission_payer", action: ActionPay, total: 100, rules: `[{"public_key":"i1","amount":1,"commission_payer":"agent"}]`, code: ErrWrong},
		{name: "server_url not http", action: ActionPay, total: 100, rules: `[{"public_key":"i1","amount":1,"server_url":"ftp://x"}]`, code: ErrWrong},
		{name: "a number is no list", action: ActionPay, total: 100, rules: 5, code: ErrWrong},
		{name: "too many receivers", action: ActionPay, total: 2100,
			rules: "[" + strings.Repeat(`{"public_key":"i","amount":1},`, 20) + `{"public_key":"i","amount":1}]`, code: ErrWrong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Params{}
			if tc.rules != nil {
				p["split_rules"] = tc.rules
			}
			got, e := parseSplits(&call{params: p, action: tc.action, lang: "en"}, tc.total)
			var code ErrCode
			if e != nil {
				code = e.ErrCode
			}
			if code != tc.code {
				t.Fatalf("error %v, want %q", e, tc.code)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("splits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReceiverView(t *testing.T) {
	p := &Payment{ID: 7, Amount: 300, Common: &Common{Currency: "UAH", PublicKey: "payer"}, Description: "order", Status: StatusSuccess}
	tests := []struct {
		sp   split
		want [6]Amount // amount, debit, credit, sender commission, receiver commission, commission_credit
		key  string
		desc string
	}{
		{split{PublicKey: "i1", Amount: 100, CommissionPayer: "sender"}, [6]Amount{100, 102, 100, 2, 0, 0}, "i1", "order"},
		{split{PublicKey: "i2", Amount: 200, CommissionPayer: "receiver", Description: "share"}, [6]Amount{200, 200, 200, 0, 3, 3}, "i2", "share"},
	}
	for _, tc := range tests {
		j := p.receiverView(tc.sp)
		got := [6]Amount{j.Amount, Amount(j.AmountDebit / 100), j.AmountCredit, j.SenderCommission, j.ReceiverCommission, j.CommissionCredit}
		if got != tc.want || j.PublicKey != tc.key || j.Description != tc.desc {
			t.Errorf("%s: amounts %v key %q description %q, want %v %q %q", tc.sp.PublicKey, got, j.PublicKey, j.Description, tc.want, tc.key, tc.desc)
		}
	}
}

func TestEveryDocumentedActionIsHandled(t *testing.T) {
	// Reference §4.21, less the parameters and paytypes it lists and the
	// actions lp-flows adds (subscribe, subscribe_update, unsubscribe).
	catalogue := strings.Fields(`pay hold hold_completion refund status data ticket paytoken paydonate paysplit
		paycash payqr payment_prepare auth cardverification confirm mpi invoice_send invoice_cancel
		invoice_units_get_list invoice_units_get_list_by_lang invoice_bot p2pcredit p2pdebit token_create
		token_create_unique token_update reports register reports_compensation reports_compensation_file
		reports_compensation_file_status`)
	for _, a := range catalogue {
		if _, ok := actions[Action(a)]; !ok {
			t.Errorf("action %s has no handler", a)
		}
	}
	for a := range partnerActions {
		if !strings.HasPrefix(a, "agent_") {
			t.Errorf("%s is left out as partner API but is not one", a)
		}
	}
}

func TestReportCSVHasLiqpyColumns(t *testing.T) {
	p := &Payment{ID: 1, OrderID: "o,1", Amount: 734, Common: &Common{Currency: "UAH"}, Status: StatusSuccess, Description: "a \"quoted\" text"}
	got := string(reportCSV([]*Payment{p}))
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "ID,AMOUNT,SENDER_COMMISSION,") {
		t.Fatalf("csv:\n%s", got)
	}
	for _, want := range []string{`"o,1"`, `"a ""quoted"" text"`, ",7.34,"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row %q lacks %s", lines[1], want)
		}
	}
}
