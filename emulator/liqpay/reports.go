package liqpay

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
)

// Reports over the merchant's own payments (reference §4.19): reports for a
// date range, register for a day, and the compensation reports. All read
// the shop's payments under its lock; nothing here changes a payment.

// rawAnswer is an answer that is not JSON: reports in csv or xml.
type rawAnswer struct {
	contentType string
	body        []byte
}

// reportColumns are the CSV columns liqpy's Report model reads (§4.19).
var reportColumns = []string{"ID", "AMOUNT", "SENDER_COMMISSION", "RECEIVER_COMMISSION", "AGENT_COMMISSION",
	"CURRENCY", "AMOUNT_CREDIT", "COMISSION_CREDIT", "CURRENCY_CREDIT", "CREATE_DATE", "END_DATE", "TYPE",
	"STATUS", "STATUS_ERR_CODE", "AUTH_CODE", "SHOP_ORDER_ID", "DESCRIPTION", "PHONE", "SENDER_COUNTRY_CODE",
	"CARD", "ISSUER_BANK", "CARD_COUNTRY", "CARD_TYPE", "PAY_WAY", "RECEIVER_CARD", "RECEIVER_OKPO",
	"REFUND_AMOUNT", "REFUND_DATE_LAST", "REFUND_RESERVE_IDS", "RESERVE_REFUND_ID", "RESERVE_PAYMENT_ID",
	"RESERVE_AMOUNT", "RESERVE_DATE", "COMPLETION_DATE", "INFO", "LIQPAY_ORDER_ID", "COMPENSATION_ID",
	"COMPENSATION_DATE", "BONUSPLUS_ACCOUNT", "BONUS_TYPE", "BONUS_PERCENT", "BONUS_AMOUNT"}

// reportDate is how dates read in csv and xml reports. GUESS: LiqPay's
// cabinet export format, "YYYY-MM-DD HH:MM:SS" in UTC.
func reportDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateTime)
}

// reportRow is one payment as a report line, column by column.
func reportRow(p *Payment) []string {
	amt := func(a Amount) string { return a.String() }
	row := map[string]string{
		"ID": strconv.FormatInt(p.ID, 10), "AMOUNT": amt(p.Amount), "SENDER_COMMISSION": "0.0",
		"RECEIVER_COMMISSION": amt(commission(p.Amount)), "AGENT_COMMISSION": "0.0", "CURRENCY": p.Currency,
		"AMOUNT_CREDIT": amt(p.Amount), "COMISSION_CREDIT": amt(commission(p.Amount)), "CURRENCY_CREDIT": p.Currency,
		"CREATE_DATE": reportDate(p.Created.Time()), "END_DATE": reportDate(p.Ended.Time()), "TYPE": p.Type,
		"STATUS": string(p.Status), "STATUS_ERR_CODE": string(p.ErrCode), "AUTH_CODE": p.AuthcodeDebit.String(),
		"SHOP_ORDER_ID": p.OrderID, "DESCRIPTION": p.Description, "PHONE": p.extras().Phone,
		"CARD": p.Card.Mask2, "ISSUER_BANK": p.Card.Bank, "CARD_TYPE": p.Card.Type, "PAY_WAY": p.Paytype,
		"REFUND_AMOUNT": amt(p.RefundAmount), "REFUND_DATE_LAST": reportDate(p.flow().RefundedAt),
		"COMPLETION_DATE": reportDate(p.Completed.Time()), "INFO": p.extras().Info, "LIQPAY_ORDER_ID": p.LiqPayOrderID,
	}
	if p.Card.Country != 0 {
		row["CARD_COUNTRY"] = strconv.Itoa(p.Card.Country)
	}
	out := make([]string, len(reportColumns))
	for i, col := range reportColumns {
		out[i] = row[col]
	}
	return out
}

// paymentsBetween are the shop's payments created in [from, to], oldest
// first. Caller holds sh.mu.
func (sh *shop) paymentsBetween(from, to time.Time) []*Payment {
	var out []*Payment
	for _, p := range sh.byID {
		if created := p.Created.Time(); !created.Before(from) && !created.After(to) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// reportJSON is the json report: result first, data last, as liqpy's regex
// expects (§4.19).
type reportJSON struct {
	Result string        `json:"result"`
	Data   []paymentJSON `json:"data"`
}

// reports answers a date range (date_from, date_to: epoch ms, inclusive)
// in resp_format json (default), csv or xml.
func (s *Server) reports(c *call) any {
	var bounds [2]time.Time
	for i, k := range []string{"date_from", "date_to"} {
		if _, ok := c.params.Str(k); !ok {
			return newError(ErrMissing, c.lang, k)
		}
		ms, ok := c.params.Int(k)
		if !ok || ms < 0 {
			return newError(ErrWrong, c.lang, k)
		}
		bounds[i] = time.UnixMilli(ms)
	}
	if bounds[1].Before(bounds[0]) {
		return newError(ErrWrong, c.lang, "date_to")
	}
	format, e := reportFormat(c, "resp_format")
	if e != nil {
		return e
	}
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return renderReport(sh.paymentsBetween(bounds[0], bounds[1]), format)
}

func reportFormat(c *call, key string) (string, *apiError) {
	f := strings.ToLower(c.params.S(key))
	switch f {
	case "":
		return "json", nil
	case "json", "csv", "xml":
		return f, nil
	}
	return "", newError(ErrWrong, c.lang, key)
}

// renderReport writes payments in a format. Caller holds sh.mu.
func renderReport(ps []*Payment, format string) any {
	switch format {
	case "csv":
		return rawAnswer{contentType: "text/csv; charset=utf-8", body: reportCSV(ps)}
	case "xml":
		return rawAnswer{contentType: "application/xml; charset=utf-8", body: reportXML(ps)}
	}
	out := reportJSON{Result: "success", Data: make([]paymentJSON, 0, len(ps))}
	for _, p := range ps {
		j := p.wire("")
		j.overrides = nil
		out.Data = append(out.Data, j)
	}
	return out
}

func reportCSV(ps []*Payment) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(reportColumns)
	for _, p := range ps {
		_ = w.Write(reportRow(p))
	}
	w.Flush()
	return buf.Bytes()
}

// reportXML writes <payments><payment><id>…</id>…</payment></payments>
// with the CSV's columns in lower case (GUESS: LiqPay publishes no schema).
func reportXML(ps []*Payment) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	start := func(n string) xml.StartElement { return xml.StartElement{Name: xml.Name{Local: n}} }
	_ = enc.EncodeToken(start("payments"))
	for _, p := range ps {
		_ = enc.EncodeToken(start("payment"))
		for i, v := range reportRow(p) {
			_ = enc.EncodeElement(v, start(strings.ToLower(reportColumns[i])))
		}
		_ = enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: "payment"}})
	}
	_ = enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: "payments"}})
	_ = enc.Flush()
	buf.WriteString("\n")
	return buf.Bytes()
}

// dayParam reads a YYYY-MM-DD day (UTC).
func dayParam(c *call, key string) (time.Time, *apiError) {
	raw, ok := c.params.Str(key)
	if !ok {
		return time.Time{}, newError(ErrMissing, c.lang, key)
	}
	d, err := time.Parse(time.DateOnly, raw)
	if err != nil {
		return time.Time{}, newError(ErrWrong, c.lang, key)
	}
	return d, nil
}

// settledOn are the payments that ended successfully on a day: what a
// register or a daily compensation (settlement) holds. GUESS: mockpay
// settles every successful payment the day it ends. Caller holds sh.mu.
func (sh *shop) settledOn(day time.Time) []*Payment {
	var out []*Payment
	next := day.AddDate(0, 0, 1)
	for _, p := range sh.byID {
		settled := p.Status == StatusSuccess || p.Status == StatusSandbox || (p.Status == StatusReversed && p.RefundAmount < p.Amount)
		if ended := p.Ended.Time(); settled && !ended.Before(day) && ended.Before(next) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// registerJSON answers register and reports_compensation: {result, data};
// data is the payment list for json, the file's text for csv and xml.
type registerJSON struct {
	Result string `json:"result"`
	Data   any    `json:"data"`
}

// register answers the register of a day (date, format).
func (s *Server) register(c *call) any {
	day, e := dayParam(c, "date")
	if e != nil {
		return e
	}
	format, e := reportFormat(c, "format")
	if e != nil {
		return e
	}
	return c.shop.registerOf(day, format)
}

// registerOf is the register of a day's settled payments in format.
func (sh *shop) registerOf(day time.Time, format string) registerJSON {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return registerAnswer(sh.settledOn(day), format)
}

func registerAnswer(ps []*Payment, format string) registerJSON {
	switch r := renderReport(ps, format).(type) {
	case rawAnswer:
		return registerJSON{Result: "success", Data: string(r.body)}
	case reportJSON:
		return registerJSON{Result: "success", Data: r.Data}
	}
	return registerJSON{Result: "success"}
}

// compensationDay reads compensation_id or date. GUESS: a compensation is
// one day's settlement, and its id is that day as YYYYMMDD.
func compensationDay(c *call) (time.Time, *apiError) {
	if id, ok := c.params.Str("compensation_id"); ok {
		d, err := time.Parse("20060102", id)
		if err != nil {
			return time.Time{}, newError(ErrWrong, c.lang, "compensation_id")
		}
		return d, nil
	}
	if _, ok := c.params.Str("date"); !ok {
		return time.Time{}, newError(ErrMissing, c.lang, "compensation_id")
	}
	return dayParam(c, "date")
}

// reportsCompensation answers a day's compensation like register.
func (s *Server) reportsCompensation(c *call) any {
	day, e := compensationDay(c)
	if e != nil {
		return e
	}
	format, e := reportFormat(c, "resp_format")
	if e != nil {
		return e
	}
	return c.shop.registerOf(day, format)
}

// reportsCompensationFile prepares a day's compensation as a CSV file at
// once: {result, status: "success", register_token}. GUESS: LiqPay builds
// the file in the background; mockpay's is ready immediately.
func (s *Server) reportsCompensationFile(c *call) any {
	day, e := compensationDay(c)
	if e != nil {
		return e
	}
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	tok := "register_" + sh.randString(alnum, 24)
	sh.registers[tok] = reportCSV(sh.settledOn(day))
	sh.registerOrder.Add(tok)
	s.mu.Lock()
	s.tokens[tok] = sh
	s.mu.Unlock()
	return struct {
		Result        string `json:"result"`
		Status        string `json:"status"`
		RegisterToken string `json:"register_token"`
	}{"ok", "success", tok}
}

// reportsCompensationStatus answers {result, status, filelink} for a
// register_token; filelink is served by mockpay.
func (s *Server) reportsCompensationStatus(c *call) any {
	tok, ok := c.params.Str("register_token")
	if !ok {
		return newError(ErrMissing, c.lang, "register_token")
	}
	sh := c.shop
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.registers[tok]; !ok {
		return newError(ErrWrong, c.lang, "register_token")
	}
	return struct {
		Result   string `json:"result"`
		Status   string `json:"status"`
		Filelink string `json:"filelink"`
	}{"ok", "success", c.baseURL + "/apipay/register/" + tok}
}

// handleRegisterFile serves a prepared compensation file.
func (s *Server) handleRegisterFile(w http.ResponseWriter, r *http.Request) {
	tok := mux.Vars(r)["token"]
	s.mu.RLock()
	sh := s.tokens[tok]
	s.mu.RUnlock()
	var body []byte
	if sh != nil {
		sh.mu.Lock()
		body = sh.registers[tok]
		sh.mu.Unlock()
	}
	if body == nil {
		http.Error(w, "unknown register file", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="compensation.csv"`)
	_, _ = w.Write(body)
}
