package e2e

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Invoices (reference liqpay.md §4.15): invoice_send answers invoice_wait
// with an href to a page mockpay serves; paying there runs the test cards
// and ends with the callback; invoice_cancel ends the invoice.

func invoiceParams(order string, kv ...any) map[string]any {
	return set(map[string]any{"version": 3, "action": "invoice_send", "amount": "22", "currency": "UAH",
		"description": `Invoice <script>alert("x")</script>`, "order_id": order, "email": "buyer@example.com"}, kv...)
}

// page fetches a payer page or posts a form to it, without following redirects.
func payerPage(t *testing.T, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = noRedirects.PostForm(u, form)
	} else {
		resp, err = noRedirects.Get(u)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func callbackStatuses(rv *receiver) []any {
	var out []any
	for _, s := range rv.seen() {
		out = append(out, s.payment["status"])
	}
	return out
}

func TestInvoicePaidOnItsPage(t *testing.T) {
	t.Parallel()
	m := start(t)
	card := url.Values{"step": {"pay"}, "card": {"4242424242424242"}, "card_exp_month": {"12"}, "card_exp_year": {"30"}, "card_cvv": {"123"}}
	t.Run("success card", func(t *testing.T) {
		rv := newReceiver(t)
		order := orderID(t)
		resp := m.do(t, invoiceParams(order, "server_url", rv.URL, "goods", []map[string]any{{"amount": 22, "count": 1, "unit": "шт.", "name": "Tea & <b>biscuits</b>"}}))
		checkFields(t, "invoice_send", map[string]any{"result": "ok", "action": "pay", "status": "invoice_wait",
			"amount": num("22.0"), "currency": "UAH", "order_id": order, "receiver_type": "email", "receiver_value": "buyer@example.com"}, resp)
		href, _ := resp["href"].(string)
		token, _ := resp["token"].(string)
		if !strings.HasPrefix(href, m.base+"/apipay/invoice/invoice_") || !strings.HasSuffix(href, token) {
			t.Fatalf("href %q token %q", href, token)
		}

		r, body := payerPage(t, http.MethodGet, href, nil)
		if r.StatusCode != http.StatusOK || r.Header.Get("X-Frame-Options") != "DENY" ||
			!strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Fatalf("page: HTTP %d, headers %v", r.StatusCode, r.Header)
		}
		for _, raw := range []string{"<script>", "<b>biscuits"} {
			if strings.Contains(body, raw) {
				t.Errorf("page carries the merchant's %q unescaped", raw)
			}
		}
		if !strings.Contains(body, "&lt;script&gt;") || !strings.Contains(body, `name="card"`) {
			t.Errorf("page lacks the escaped description or the card form:\n%s", body)
		}

		r, body = payerPage(t, http.MethodPost, href, card)
		if r.StatusCode != http.StatusOK || !strings.Contains(body, "Paid") {
			t.Fatalf("paying: HTTP %d\n%s", r.StatusCode, body)
		}
		checkFields(t, "status after paying", map[string]any{"status": "success", "paytype": "invoice", "sender_card_mask2": "424242*42"}, m.statusOf(t, order))
		m.advance(t, "0s")
		if diff := cmp.Diff([]any{"invoice_wait", "success"}, callbackStatuses(rv)); diff != "" {
			t.Errorf("callbacks (-want +got):\n%s", diff)
		}
		// Paid is paid: the page offers no form and refuses a second card.
		if r, _ := payerPage(t, http.MethodPost, href, card); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("paying twice: HTTP %d, want 422", r.StatusCode)
		}
	})
	t.Run("3-D Secure card, then result_url", func(t *testing.T) {
		rv := newReceiver(t)
		order := orderID(t)
		resp := m.do(t, invoiceParams(order, "server_url", rv.URL, "result_url", "https://shop.example/done"))
		href := resp["href"].(string)
		r, _ := payerPage(t, http.MethodPost, href, set2(card, "card", "4000000000003063"))
		loc := r.Header.Get("Location")
		if r.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/api/3ds/request/") {
			t.Fatalf("3-DS card: HTTP %d Location %q", r.StatusCode, loc)
		}
		if r, _ := payerPage(t, http.MethodGet, loc+"?outcome=approve", nil); r.StatusCode != http.StatusOK {
			t.Fatalf("3-DS approve: HTTP %d", r.StatusCode)
		}
		checkFields(t, "after 3-DS", map[string]any{"status": "success", "is_3ds": true}, m.statusOf(t, order))
		m.advance(t, "0s")
		if diff := cmp.Diff([]any{"invoice_wait", "3ds_verify", "success"}, callbackStatuses(rv)); diff != "" {
			t.Errorf("callbacks (-want +got):\n%s", diff)
		}
		// A paid invoice with result_url sends the browser back to the shop.
		order2 := order + "-2"
		href = m.do(t, invoiceParams(order2, "result_url", "https://shop.example/done"))["href"].(string)
		r, _ = payerPage(t, http.MethodPost, href, card)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "https://shop.example/done" {
			t.Errorf("paid with result_url: HTTP %d Location %q", r.StatusCode, r.Header.Get("Location"))
		}
	})
	t.Run("OTP card confirmed on the page; bad card refused", func(t *testing.T) {
		order := orderID(t)
		href := m.do(t, invoiceParams(order))["href"].(string)
		if r, body := payerPage(t, http.MethodPost, href, set2(card, "card", "4242424242424241")); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "name=\"card\"") {
			t.Fatalf("Luhn-invalid card: HTTP %d", r.StatusCode)
		}
		r, body := payerPage(t, http.MethodPost, href, set2(card, "card", "4000000000003089"))
		if r.StatusCode != http.StatusOK || !strings.Contains(body, `name="otp"`) {
			t.Fatalf("OTP card: HTTP %d\n%s", r.StatusCode, body)
		}
		r, body = payerPage(t, http.MethodPost, href, url.Values{"step": {"confirm"}, "otp": {"123456"}})
		if r.StatusCode != http.StatusOK || !strings.Contains(body, "Paid") {
			t.Fatalf("OTP confirm: HTTP %d\n%s", r.StatusCode, body)
		}
		checkFields(t, "after OTP", map[string]any{"status": "success"}, m.statusOf(t, order))
	})
	t.Run("insufficient funds card fails with its code", func(t *testing.T) {
		order := orderID(t)
		href := m.do(t, invoiceParams(order))["href"].(string)
		payerPage(t, http.MethodPost, href, set2(card, "card", "4000000000009995"))
		checkFields(t, "status", map[string]any{"status": "failure", "err_code": "9859"}, m.statusOf(t, order))
	})
}

func set2(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for key, vals := range v {
		out[key] = append([]string(nil), vals...)
	}
	out.Set(k, val)
	return out
}

func TestInvoiceCancelled(t *testing.T) {
	t.Parallel()
	m := start(t)
	rv := newReceiver(t)
	order := orderID(t)
	resp := m.do(t, invoiceParams(order, "server_url", rv.URL))
	id := resp["id"]
	cancel := map[string]any{"version": 3, "action": "invoice_cancel", "order_id": order}
	if diff := cmp.Diff(map[string]any{"result": "ok", "invoice_id": id}, m.do(t, cancel)); diff != "" {
		t.Errorf("invoice_cancel (-want +got):\n%s", diff)
	}
	checkFields(t, "status", map[string]any{"status": "failure", "err_code": "cancel"}, m.statusOf(t, order))
	checkFields(t, "cancel twice", map[string]any{"err_code": "payment_err_status"}, m.do(t, cancel))
	checkFields(t, "cancel of an unknown order", map[string]any{"err_code": "payment_not_found"},
		m.do(t, set(cancel, "order_id", "nope")))
	r, body := payerPage(t, http.MethodGet, resp["href"].(string), nil)
	if r.StatusCode != http.StatusOK || !strings.Contains(body, "cancelled") || strings.Contains(body, `name="card"`) {
		t.Errorf("page of a cancelled invoice: HTTP %d\n%s", r.StatusCode, body)
	}
	m.advance(t, "0s")
	if diff := cmp.Diff([]any{"invoice_wait", "failure"}, callbackStatuses(rv)); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
	// A cancelled invoice frees its order_id.
	checkFields(t, "a new invoice for the order", map[string]any{"status": "invoice_wait"}, m.do(t, invoiceParams(order)))
}

func TestInvoiceErrorsAndUnits(t *testing.T) {
	t.Parallel()
	m := start(t)
	for _, tc := range []struct {
		name   string
		params map[string]any
		code   string
	}{
		{"no email nor phone", drop(invoiceParams("inv-e1"), "email"), "err_missing"},
		{"bad phone", set(drop(invoiceParams("inv-e2"), "email"), "phone", "12"), "err_phone"},
		{"bad expired_date", set(invoiceParams("inv-e3"), "expired_date", "tomorrow"), "err_wrong"},
		{"bad goods", set(invoiceParams("inv-e4"), "goods", "[1,2]"), "err_wrong"},
		{"invoice_bot needs a phone", set(invoiceParams("inv-e5"), "action", "invoice_bot"), "err_missing"},
	} {
		checkFields(t, tc.name, map[string]any{"result": "error", "err_code": tc.code}, m.do(t, tc.params))
	}
	checkFields(t, "invoice_bot", map[string]any{"status": "invoice_wait", "receiver_type": "phone"},
		m.do(t, set(drop(invoiceParams("inv-bot"), "email"), "action", "invoice_bot", "phone", "380950000001")))
	checkFields(t, "empty description", map[string]any{"description": "Invoice"}, m.do(t, drop(invoiceParams("inv-d"), "description")))

	// expired_date passes on the virtual clock: the invoice fails.
	m.do(t, invoiceParams("inv-exp", "expired_date", "2000-01-01 00:00:00"))
	m.advance(t, "0s")
	checkFields(t, "expired invoice", map[string]any{"status": "failure", "err_code": "expired_invoice"}, m.statusOf(t, "inv-exp"))

	units := m.do(t, map[string]any{"version": 3, "action": "invoice_units_get_list"})
	data, _ := units["data"].([]any)
	if units["result"] != "ok" || len(data) < 5 {
		t.Fatalf("invoice_units_get_list: %v", units)
	}
	first := data[0].(map[string]any)
	checkFields(t, "first unit", map[string]any{"name_uk": "штука", "name_en": "piece"}, first)
	en := m.do(t, map[string]any{"version": 3, "action": "invoice_units_get_list_by_lang", "language": "en"})
	checkFields(t, "by_lang en", map[string]any{"id": first["id"], "name": "piece", "short_name": "pcs"}, en["data"].([]any)[0].(map[string]any))
	hidden := m.do(t, map[string]any{"version": 3, "action": "invoice_units_get_list_by_lang", "language": "uk", "hide_name_lang": 1})
	checkFields(t, "hide_name_lang", map[string]any{"name": nil, "short_name": "шт."}, hidden["data"].([]any)[0].(map[string]any))
	checkFields(t, "by_lang without language", map[string]any{"err_code": "err_missing"},
		m.do(t, map[string]any{"version": 3, "action": "invoice_units_get_list_by_lang"}))
	if r, _ := payerPage(t, http.MethodGet, m.base+"/apipay/invoice/invoice_nope", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown invoice page: HTTP %d", r.StatusCode)
	}
}
