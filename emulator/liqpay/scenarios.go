package liqpay

import (
	"bytes"
	_ "embed"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mockpay/mockpay/scenarios"
)

// defaultScenarios are LiqPay's test cards as scenarios (defaults.yaml). The
// package reads them and never changes them; others get a copy.
//
//go:embed defaults.yaml
var defaultScenarios []byte

// TestCardScenarios returns LiqPay's test cards as scenarios (defaults.yaml),
// a fresh copy on every call, for the engine's defaults.
func TestCardScenarios() []byte { return bytes.Clone(defaultScenarios) }

// allStatuses is every status of reference §5.1, and seed 000's dispute of a
// secured payment.
var allStatuses = []Status{
	StatusSuccess, StatusFailure, StatusError, StatusReversed, "subscribed", "unsubscribed", StatusSandbox,
	Status3DSVerify, StatusOTPVerify, StatusCVVVerify, StatusSenderVerify, StatusReceiverVerify,
	"phone_verify", "ivr_verify", "pin_verify", "captcha_verify", "password_verify", "senderapp_verify",
	"p24_verify", "mp_verify", "wait_qr", "wait_sender",
	StatusHoldWait, "wait_accept", "wait_secure", "wait_compensation", "wait_lc", "wait_reserve", "wait_card",
	"invoice_wait", "cash_wait", "prepared", "processing", "try_again", StatusDispute,
}

// verifySteps are the statuses mockpay can complete with confirm.
func verifyStep(s Status) bool {
	switch s {
	case Status3DSVerify, StatusOTPVerify, StatusCVVVerify, StatusSenderVerify, StatusReceiverVerify:
		return true
	}
	return false
}

// Vocabulary tells the scenario loader LiqPay's words.
func Vocabulary() scenarios.Vocabulary {
	v := scenarios.Vocabulary{Provider: "liqpay",
		// The card-taking actions: the test cards decide them all.
		DefaultActions: []string{string(ActionPay), string(ActionHold), string(ActionAuth), string(ActionPayToken), string(ActionSubscribe),
			string(ActionPayDonate), string(ActionPaySplit), string(ActionCardVerification),
			string(ActionP2PDebit), string(ActionP2PCredit)}}
	for _, s := range allStatuses {
		v.Statuses = append(v.Statuses, string(s))
	}
	for a := range actions {
		v.Actions = append(v.Actions, string(a))
	}
	for a := range partnerActions {
		v.Actions = append(v.Actions, a)
	}
	// Regular charges are no request, but scenarios decide them by action.
	v.Actions = append(v.Actions, string(ActionRegular))
	sort.Strings(v.Actions) // map order is random; messages must not be
	// An action moving from documentedActions to actions must not be listed twice.
	v.Actions = slices.Compact(v.Actions)
	return v
}

// infrastructurePages are what LiqPay's load balancer answers instead of
// JSON (reference §9 item 8: HTML bodies on 429/5xx, HTTP 499 during
// maintenance). Their exact markup is a GUESS in nginx's style.
func infrastructurePages() map[int]string {
	page := func(code int, text string) string {
		title := strconv.Itoa(code) + " " + text
		return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
			"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	}
	return map[int]string{
		429: page(429, "Too Many Requests"),
		499: page(499, "Client Closed Request"),
		500: page(500, "Internal Server Error"),
		502: page(502, "Bad Gateway"),
		503: page(503, "Service Temporarily Unavailable"),
		504: page(504, "Gateway Time-out"),
	}
}

// scenarioRequest is what the scenario engine matches a LiqPay request on.
func scenarioRequest(sh *shop, action string, p Params) scenarios.Request {
	r := scenarios.Request{
		Provider:    "liqpay",
		Merchant:    sh.merchant.PublicKey,
		Action:      action,
		Method:      p.S("paytype"),
		Currency:    p.S("currency"),
		Country:     p.S("sender_country_code"),
		OrderID:     p.S("order_id"),
		Description: p.S("description"),
		Phone:       p.S("phone"),
		Body:        p,
	}
	if pan, ok := p.Str("card"); ok {
		r.Card, _ = normalizePAN(pan)
	}
	if a, ok := parseAmount(p.S("amount")); ok {
		f := float64(a) / 100
		r.Amount = &f
	}
	if r.Method == "" {
		if _, ok := p.Str("card_token"); ok {
			r.Method = "token"
		} else if _, ok := p.Str("card"); ok {
			r.Method = "card"
		}
	}
	r.Action = strings.TrimSpace(r.Action)
	return r
}
