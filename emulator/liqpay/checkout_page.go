package liqpay

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mockpay/mockpay/web"
)

// checkoutView is what a checkout page (web/templates/checkout.html) shows.
type checkoutView struct {
	web.Page
	T     map[string]string
	Token string
	Kind  string // message pages: expired, not_found, unavailable

	Merchant, OrderID, Description, Amount, Currency, PayBy string

	// The card form.
	Button        string
	Methods       []paytypeView
	OthersOffered bool
	Cards         []testCardView
	Error         string

	// A verification step.
	Step, StepTitle, StepNote, Phone, OTP string
	Fields                                []fieldView
	RedirectTo                            string

	// The result.
	Status, ErrCode, Tone, Heading, Reason, Message string
	ResultURL, Data, Signature                      string
}

type paytypeView struct {
	Name, Label string
	On          bool
}

type testCardView struct{ Number, Text string }

type fieldView struct {
	Name, Label string
	Secret      bool
}

// successTestCard is LiqPay's documented success card (reference §8); any
// card no default scenario names succeeds, so it has no scenario of its own.
const successTestCard = "4242424242424242"

// checkoutTestCards are the cards the page lists for a person to copy: the
// success card, then every card of the embedded default scenarios with its
// description, so the list cannot drift from what the cards do.
var checkoutTestCards = testCards(defaultScenarios)

func testCards(defaults []byte) []testCardView {
	var file struct {
		Scenarios []struct {
			Description string
			Match       struct{ Card string }
		}
	}
	if err := yaml.Unmarshal(defaults, &file); err != nil {
		panic("liqpay: defaults.yaml: " + err.Error()) // embedded; the scenario tests load it too
	}
	out := []testCardView{{Number: groupDigits(successTestCard), Text: ""}}
	for _, sc := range file.Scenarios {
		if sc.Match.Card == "" {
			continue
		}
		text := strings.TrimSpace(strings.TrimPrefix(sc.Description, sc.Match.Card))
		text = strings.TrimSpace(strings.TrimPrefix(text, "is "))
		out = append(out, testCardView{Number: groupDigits(sc.Match.Card), Text: text})
	}
	return out
}

// groupDigits writes a card number in groups of four, as people copy it;
// the form accepts it with or without the spaces.
func groupDigits(pan string) string {
	var b strings.Builder
	for i, r := range pan {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// paytypeNames are LiqPay's checkout paytypes (reference §2.6) as a customer
// reads them; unknown ones are shown as sent.
var paytypeNames = map[string]string{
	"card": "", "apay": "Apple Pay", "gpay": "Google Pay", "privat24": "Privat24", "moment_part": "Оплата частинами",
	"paypart": "Оплата частинами", "cash": "Cash", "invoice": "Invoice", "qr": "QR",
}

// newCheckoutView fills what every checkout page shows about the order.
// Caller holds sh.mu when p is not nil.
func newCheckoutView(co *checkout, p *Payment) checkoutView {
	t := web.Texts(co.lang)
	v := checkoutView{
		Page:        web.Page{Lang: co.lang, Title: t["checkout"], Banner: t["banner"]},
		T:           t,
		Token:       co.token,
		Merchant:    co.shop.merchant.PublicKey,
		OrderID:     co.params.S("order_id"),
		Description: co.params.S("description"),
		Currency:    co.params.S("currency"),
	}
	if a, ok := parseAmount(co.params.S("amount")); ok {
		v.Amount = displayAmount(a)
	}
	if p != nil {
		v.Amount, v.Currency = displayAmount(p.Amount), p.Currency
	}
	if !co.expires.IsZero() {
		v.PayBy = co.expires.UTC().Format(time.DateTime) + " UTC"
	}
	return v
}

// displayAmount writes an amount as a customer reads it: 12.50.
func displayAmount(a Amount) string { return fmt.Sprintf("%d.%02d", a/100, a%100) }

// formView is the card form.
func (s *Server) formView(co *checkout) checkoutView {
	v := newCheckoutView(co, nil)
	t := v.T
	v.Button = t[map[Action]string{ActionHold: "button_hold", ActionAuth: "button_auth", "subscribe": "button_sub", "paydonate": "button_donate"}[co.action]]
	if v.Button == "" {
		v.Button = t["button_pay"]
	}
	offered := []string{"card"}
	if raw, ok := co.params.Str("paytypes"); ok {
		offered = nil
		for _, name := range strings.Split(raw, ",") {
			if name = strings.TrimSpace(name); name != "" {
				offered = append(offered, name)
			}
		}
	}
	for _, name := range offered {
		label := paytypeNames[name]
		if name == "card" {
			label = t["method_card"]
		} else {
			v.OthersOffered = true
		}
		if label == "" {
			label = name
		}
		v.Methods = append(v.Methods, paytypeView{Name: name, Label: label, On: name == "card"})
	}
	v.Cards = append(v.Cards, checkoutTestCards...)
	v.Cards[0].Text = t["any_other_card"]
	return v
}

// verifyView is the page of a verification step other than 3-D Secure.
// Caller holds sh.mu.
func (s *Server) verifyView(co *checkout, p *Payment) checkoutView {
	v := newCheckoutView(co, p)
	t := v.T
	v.Step = string(p.Verify.Step)
	switch p.Verify.Step {
	case StatusOTPVerify:
		v.StepTitle, v.StepNote, v.Phone, v.OTP = t["otp_title"], t["otp_note"], p.extras().ConfirmPhone, s.opts.Settings.OTP
		v.Fields = []fieldView{{Name: "otp", Label: t["otp_label"], Secret: true}}
	case StatusCVVVerify:
		v.StepTitle, v.StepNote = t["cvv_title"], t["cvv_note"]
		v.Fields = []fieldView{{Name: "card_cvv", Label: t["cvv"], Secret: true}}
	case StatusSenderVerify, StatusReceiverVerify:
		v.StepTitle, v.StepNote = t["sender_title"], t["verify_note"]
		if p.Verify.Step == StatusReceiverVerify {
			v.StepTitle = t["receiver_title"]
		}
		for _, f := range verifyFields(p.Verify.Step) {
			label := t[strings.TrimPrefix(strings.TrimPrefix(f, "sender_"), "receiver_")]
			v.Fields = append(v.Fields, fieldView{Name: f, Label: label})
		}
	}
	return v
}

// resultView is the page of a payment that needs nothing more from the
// customer. With a result_url it carries the payment's data and signature,
// signed like the callback, for the browser to post back (reference §2.6).
// Caller holds sh.mu.
func (s *Server) resultView(co *checkout, p *Payment) checkoutView {
	v := newCheckoutView(co, p)
	t := v.T
	v.Status, v.ErrCode = string(p.Status), string(p.ErrCode)
	switch {
	case p.Status == StatusFailure && p.ErrCode == ErrCancel:
		v.Tone, v.Heading = "bad", t["cancelled"]
	case p.Status == StatusFailure || p.Status == StatusError:
		v.Tone, v.Heading = "bad", t["failure"]
	case p.Status == StatusSuccess || p.Status == StatusSandbox:
		v.Tone, v.Heading = "ok", t["success"]
	case t[string(p.Status)] != "":
		v.Tone, v.Heading = "ok", t[string(p.Status)]
	default:
		v.Tone, v.Heading = "wait", t["other"]
	}
	v.Page.Title = v.Heading
	if p.ErrCode != "" {
		v.Reason = p.wire("").ErrDescription
	}
	if u := co.params.S("result_url"); u != "" {
		v.ResultURL = u
		v.Data, v.Signature = CallbackBody(p, co.shop.merchant.PrivateKey)
	}
	return v
}

// messageView is a page that only tells something: an expired or unknown
// checkout, or one mockpay cannot take.
func messageView(co *checkout, lang, kind, message string) checkoutView {
	t := web.Texts(lang)
	v := checkoutView{Page: web.Page{Lang: lang, Title: t[kind], Banner: t["banner"]}, T: t}
	if co != nil {
		v = newCheckoutView(co, nil)
		v.Page.Title = t[kind]
	}
	v.Kind, v.Heading, v.Message = kind, t[kind], message
	if message == "" {
		v.Message = t[kind+"_note"]
	}
	return v
}

// renderCheckout writes a checkout page.
func (s *Server) renderCheckout(w http.ResponseWriter, code int, name string, v checkoutView) {
	// The result page's form posts to result_url: its origin joins the
	// page's form-action.
	if err := web.Render(w, code, name, v, v.ResultURL); err != nil {
		s.log.Error("render checkout page", "page", name, "err", err)
	}
}
