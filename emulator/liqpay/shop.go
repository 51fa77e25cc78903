package liqpay

import (
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/mockpay/mockpay/internal/capped"
	"github.com/mockpay/mockpay/internal/clock"
	"github.com/mockpay/mockpay/internal/config"
	"github.com/mockpay/mockpay/internal/tenant"
)

// shop is one LiqPay merchant's state. One mutex guards it all: operations
// are short, and it makes order_id uniqueness and the status machine atomic
// under concurrent requests.
type shop struct {
	tenant   *tenant.Tenant
	merchant config.LiqPayMerchant

	mu sync.Mutex
	// books is everything a reset forgets, replaced whole by ResetMerchant
	// (merchants.go) so no map can be left behind; its fields read as the
	// shop's own (sh.byID).
	*books
}

// books is a shop's resettable state. A field added here is reset with the
// rest; it still needs its line in state.go to survive a restart.
type books struct {
	byOrder    map[string]*Payment // newest payment per order_id
	byID       map[int64]*Payment
	byToken    map[string]*Payment // confirm tokens
	cardTokens map[string]card     // issued card_token → card
	nextID     int64
	// tokens holds what token_create/token_update know of card tokens.
	tokens tokenBook
	// invoices are the payer pages by their token (invoice_send, payment_prepare).
	invoices map[string]*Payment
	// registers are the files reports_compensation_file prepared, by register_token.
	registers map[string][]byte
	// timers are the pending timers of these books' payments (shop.at), so
	// a reset stops every one of them.
	timers map[*clock.Timer]struct{}
	// The order card tokens, token_create_unique's fingerprints and
	// registers were made in, for their caps (caps.go).
	tokenOrder, uniqueOrder, registerOrder capped.Order
	// commons are what payments made alike share (common.go).
	commons map[Common]*Common
}

func newShop(t *tenant.Tenant, m config.LiqPayMerchant) *shop {
	return &shop{tenant: t, merchant: m, books: newBooks()}
}

func newBooks() *books {
	return &books{
		byOrder:    map[string]*Payment{},
		byID:       map[int64]*Payment{},
		byToken:    map[string]*Payment{},
		cardTokens: map[string]card{},
		tokens:     tokenBook{state: map[string]string{}, unique: map[string]string{}, key: []byte(rand.Text())},
		invoices:   map[string]*Payment{},
		registers:  map[string][]byte{},
		timers:     map[*clock.Timer]struct{}{},
		commons:    map[Common]*Common{},
		// Real payment ids were around 2.1e9 in 2022 (reference §2.5); each
		// shop counts from there so ids look real and repeat run to run.
		nextID: 2100000000,
	}
}

// at schedules fn on the merchant's virtual clock. fn runs with sh.mu held,
// and only if the shop has not been reset since: a timer of forgotten books
// (a subscription period, a hold expiry, a deadline) never touches the
// fresh ones or sends a callback. Caller holds sh.mu.
func (sh *shop) at(when time.Time, fn func()) *clock.Timer {
	b := sh.books
	var t *clock.Timer
	t = sh.tenant.Clock.At(when, func() {
		sh.mu.Lock()
		defer sh.mu.Unlock()
		delete(b.timers, t) // t was set under sh.mu, before this could lock it
		if sh.books != b {
			return
		}
		fn()
	})
	b.timers[t] = struct{}{}
	return t
}

// stop cancels a timer made by at. Caller holds sh.mu.
func (sh *shop) stop(t *clock.Timer) {
	if t != nil {
		t.Stop()
		delete(sh.timers, t)
	}
}

// stopTimers cancels every pending timer of b. Caller holds sh.mu.
func (b *books) stopTimers() {
	for t := range b.timers {
		t.Stop()
	}
	clear(b.timers)
}

// The generators below run under shop.mu: the tenant's faker is not safe
// for concurrent use.

func (sh *shop) newID() int64 {
	sh.nextID++
	return sh.nextID
}

func (sh *shop) randString(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[sh.tenant.Fake.IntRange(0, len(alphabet)-1)]
	}
	return string(b)
}

func (sh *shop) digits(n int) string { return sh.randString("0123456789", n) }

// liqpayOrderID is 8 × [A-Z0-9] + 13-digit epoch ms + 3 digits (reference A.3).
func (sh *shop) liqpayOrderID(now time.Time) string {
	return sh.randString(alnumUpper, 8) + fmt.Sprintf("%013d", now.UnixMilli()) + sh.digits(3)
}

// cardToken looks like the documented samples: 40 upper-case hex digits.
func (sh *shop) cardToken() string { return sh.randString("0123456789ABCDEF", 40) }

// confirmToken is 30 alphanumerics like the doc sample JmV2qDgC3LotB8njGDcEYjHFpmpAZR.
func (sh *shop) confirmToken() string { return sh.randString(alnum, 30) }

// The alphabets of the tokens and ids a shop makes up.
const (
	alnumUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)
