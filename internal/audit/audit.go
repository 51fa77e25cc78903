// Package audit judges a merchant's callback receiver from outside: it sends
// the receiver's URL a battery of callbacks signed exactly as LiqPay or
// Liquido sign them (package liqpay's and liquido's own signing and
// encoding code) and judges each answer. It needs no running mockpay.
//
// A case is either a must (a forged callback that any 2xx would let anyone
// mark an order paid with, and the positive control that a genuine callback
// is accepted) or advice (replays, duplicates, late and unknown statuses: a
// safe receiver may still answer 2xx, so only a break — 5xx, no answer, a
// cut connection — fails).
package audit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Providers are the values Config.Provider takes.
var Providers = []string{"liqpay", "liquido"}

// Default limits: a receiver gets this long to answer one callback, and the
// whole audit ends after MaxTotal however slow the receiver is.
const (
	DefaultTimeout = 5 * time.Second
	MaxTotal       = 2 * time.Minute
)

// Config says what to audit and with which keys.
type Config struct {
	Provider string // liqpay | liquido
	URL      string // the receiver's callback endpoint
	// Merchant is the LiqPay public_key or the Liquido client_id.
	Merchant string
	// Order is an order the receiver knows (LiqPay order_id, Liquido
	// idempotencyKey): the positive control is about it.
	Order string
	// Amount in minor units and Currency of that order.
	Amount   int64
	Currency string
	// Secret is the LiqPay private_key or the Liquido client_secret.
	Secret string
	// Version is the LiqPay API version the callbacks carry; 7 and later
	// are signed with SHA3-256, earlier ones with SHA-1.
	Version int
	// Timeout bounds each request (default DefaultTimeout).
	Timeout time.Duration
	// Client sends the callbacks; nil: a client that follows no redirect.
	Client *http.Client
	// Now is the wall clock (tests pin it); nil: time.Now.
	Now func() time.Time
}

// Kind is a case's weight.
type Kind string

const (
	Must   Kind = "must"   // failing it means the receiver is unsafe or broken
	Advice Kind = "advice" // fails only when the receiver breaks
)

// expect is what a case's answers are judged against.
type expect int

const (
	accepted expect = iota // every answer 2xx
	refused                // no answer 2xx, and an answer at all
	survives               // no 5xx, no missing answer
)

// send is one callback as it goes over the wire.
type send struct {
	contentType string
	header      http.Header
	body        []byte
}

// kase is one case before it runs.
type kase struct {
	id, title, safe string
	kind            Kind
	expect          expect
	sends           []send
}

// Answer is what the receiver did with one callback.
type Answer struct {
	Status   int    `json:"status,omitempty"` // 0: no answer
	Millis   int64  `json:"ms"`
	Error    string `json:"error,omitempty"` // timeout, refused, cut connection
	BodyHead string `json:"body,omitempty"`  // the first bytes of the answer
}

// Result is one judged case.
type Result struct {
	ID      string   `json:"id"`
	Kind    Kind     `json:"kind"`
	Title   string   `json:"title"`
	Safe    string   `json:"safe"` // what a safe receiver does
	Passed  bool     `json:"passed"`
	Did     string   `json:"did"` // what this one did, in words
	Answers []Answer `json:"answers"`
	Millis  int64    `json:"ms"`
}

// Report is a whole audit.
type Report struct {
	Provider string    `json:"provider"`
	URL      string    `json:"url"`
	Merchant string    `json:"merchant"`
	Order    string    `json:"order"`
	Started  time.Time `json:"started"`
	Results  []Result  `json:"results"`
	Passed   int       `json:"passed"`
	Failed   int       `json:"failed"`
}

// OK reports whether every case passed.
func (r Report) OK() bool { return r.Failed == 0 }

// Check validates a Config and fills its defaults; the error is for a person.
func (c *Config) Check() error {
	switch c.Provider {
	case "liqpay", "liquido":
	case "":
		return errors.New("provider is required (liqpay or liquido)")
	default:
		return fmt.Errorf("unknown provider %q (liqpay or liquido)", c.Provider)
	}
	u, err := url.Parse(c.URL)
	if c.URL == "" {
		return errors.New("url is required: the receiver's callback endpoint")
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("url %q is not an http(s) URL", c.URL)
	}
	if c.Amount < 0 {
		return errors.New("amount must not be negative")
	}
	// The versions LiqPay's API documents: 3 (SHA-1, every SDK) and 7
	// (SHA3-256); 0 means the default, 3.
	if c.Version != 0 && c.Version != 3 && c.Version != 7 {
		return fmt.Errorf("version %d: LiqPay callbacks are version 3 (SHA-1) or 7 (SHA3-256)", c.Version)
	}
	if c.Timeout < 0 || c.Timeout > MaxTotal {
		return fmt.Errorf("timeout must be between 0 and %s", MaxTotal)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Order == "" {
		c.Order = "mockpay-audit-order"
	}
	if c.Amount == 0 {
		c.Amount = 10000
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Client == nil {
		c.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	switch c.Provider {
	case "liqpay":
		return c.liqpayDefaults()
	default:
		return c.liquidoDefaults()
	}
}

// Run audits the receiver. Cases run one after another, in order (a
// duplicate follows the original), each request bounded by c.Timeout and
// the whole by MaxTotal or ctx.
func Run(ctx context.Context, c Config) (Report, error) {
	if err := c.Check(); err != nil {
		return Report{}, err
	}
	var cases []kase
	var err error
	if c.Provider == "liqpay" {
		cases, err = liqpayCases(c)
	} else {
		cases, err = liquidoCases(c)
	}
	if err != nil {
		return Report{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, MaxTotal)
	defer cancel()
	rep := Report{Provider: c.Provider, URL: c.URL, Merchant: c.Merchant, Order: c.Order, Started: c.Now().UTC()}
	for _, k := range cases {
		res := run(ctx, c, k)
		if res.Passed {
			rep.Passed++
		} else {
			rep.Failed++
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

func run(ctx context.Context, c Config, k kase) Result {
	res := Result{ID: k.id, Kind: k.kind, Title: k.title, Safe: k.safe}
	start := time.Now()
	for _, s := range k.sends {
		res.Answers = append(res.Answers, post(ctx, c, s))
	}
	res.Millis = time.Since(start).Milliseconds()
	res.Passed, res.Did = judge(k.expect, res.Answers)
	return res
}

// post sends one callback and reads (a bounded part of) the answer.
func post(parent context.Context, c Config, s send) Answer {
	ctx, cancel := context.WithTimeout(parent, c.Timeout)
	defer cancel()
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(s.body))
	if err != nil {
		return Answer{Error: err.Error()}
	}
	for k, v := range s.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", s.contentType)
	req.Header.Set("User-Agent", "mockpay-audit")
	resp, err := c.Client.Do(req)
	if err != nil {
		return Answer{Millis: time.Since(start).Milliseconds(), Error: describe(parent, ctx, err, c.Timeout)}
	}
	defer resp.Body.Close()
	head, err := io.ReadAll(io.LimitReader(resp.Body, 200))
	a := Answer{Status: resp.StatusCode, BodyHead: string(bytes.TrimSpace(head))}
	if err == nil {
		_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	}
	a.Millis = time.Since(start).Milliseconds()
	if err != nil {
		a.Error = "the answer was cut: " + describe(parent, ctx, err, c.Timeout)
	}
	return a
}

// describe says why a callback got no (whole) answer: the audit as a whole
// was stopped, this callback's time ran out, or the network said why.
func describe(parent, ctx context.Context, err error, timeout time.Duration) string {
	switch {
	case errors.Is(parent.Err(), context.DeadlineExceeded):
		return fmt.Sprintf("not answered before the audit's %s limit", MaxTotal)
	case parent.Err() != nil:
		return "the audit was stopped"
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// judge turns a case's answers into a verdict and a sentence.
func judge(e expect, answers []Answer) (bool, string) {
	did := ""
	ok := true
	for i, a := range answers {
		if i > 0 {
			did += ", then "
		}
		switch {
		case a.Error != "" && a.Status == 0:
			did += a.Error
		case a.Error != "":
			did += fmt.Sprintf("answered %d but %s", a.Status, a.Error)
		default:
			did += fmt.Sprintf("answered %d in %d ms", a.Status, a.Millis)
		}
		broken := a.Error != "" || a.Status == 0
		is2xx := a.Status >= 200 && a.Status < 300
		switch e {
		case accepted:
			ok = ok && is2xx && !broken
		case refused:
			ok = ok && !is2xx && !broken
		case survives:
			ok = ok && !broken && a.Status < 500
		}
	}
	if len(answers) == 0 {
		return false, "nothing was sent"
	}
	switch {
	case ok:
	case e == accepted:
		did += ": a genuine callback must be accepted (2xx), or the receiver misses every real payment (and its refusals of forged ones prove nothing)"
	case e == refused && anyAccepted(answers):
		did += ": it accepted it — anyone could mark an order paid this way"
	default:
		did += ": the receiver broke (5xx, no answer or a cut connection); the provider would retry it for hours"
	}
	return ok, did
}

func anyAccepted(answers []Answer) bool {
	for _, a := range answers {
		if a.Status >= 200 && a.Status < 300 {
			return true
		}
	}
	return false
}

// foreignKey is a key no merchant has: made fresh for every audit, so no
// receiver can know it.
func foreignKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}
