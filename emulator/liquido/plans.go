package liquido

import (
	"net/http"

	"github.com/mockpay/mockpay/scenarios"
)

// Installment plans: GET /v1/payments/plans and GET
// /v1/payments/plans/{planId} (reference §4, §5.8; the SDK's
// CreditCardClient::getInstallmentPlans). The plan object's shape is not
// known (reference §19.9). mockpay's GUESS: a fixed catalogue, the same for
// every merchant, listed as {"data": [plan, …]} like the other list Liquido
// answers (PSE's banks), each plan {planId, name, country, currency,
// options: [{installments, interestRate}]} with interestRate the monthly
// rate charged to the payer (0: interest-free, Mexico's "meses sin
// intereses"). ?country=XX narrows the list. Payment links take a planId as
// paymentIntentInfo.installmentPlanId (reference §10).

type planOption struct {
	Installments int     `json:"installments"`
	InterestRate float64 `json:"interestRate"`
}

type plan struct {
	PlanID   string       `json:"planId"`
	Name     string       `json:"name"`
	Country  string       `json:"country"`
	Currency string       `json:"currency"`
	Options  []planOption `json:"options"`
}

// opts builds options: n installments interest-free up to free, then at rate.
func opts(rate float64, free int, counts ...int) []planOption {
	out := make([]planOption, len(counts))
	for i, n := range counts {
		out[i] = planOption{Installments: n}
		if n > free {
			out[i].InterestRate = rate
		}
	}
	return out
}

// plans is the catalogue, in the order GET /v1/payments/plans lists it.
var plans = []plan{
	{"BR-STANDARD", "Parcelado lojista, up to 3x interest-free, up to 12x", "BR", "BRL", opts(0.0199, 3, 1, 2, 3, 4, 5, 6, 10, 12)},
	{"BR-INTEREST-FREE-6", "Up to 6x interest-free", "BR", "BRL", opts(0, 6, 1, 2, 3, 4, 5, 6)},
	{"MX-MSI", "Meses sin intereses", "MX", "MXN", opts(0, 12, 1, 3, 6, 9, 12)},
	{"CO-STANDARD", "Cuotas, up to 36", "CO", "COP", opts(0.0189, 1, 1, 2, 3, 6, 12, 24, 36)},
	{"CL-STANDARD", "Cuotas, up to 12, 3 interest-free", "CL", "CLP", opts(0.0159, 3, 1, 2, 3, 6, 12)},
}

// planByID finds a plan of the catalogue.
func planByID(id string) (plan, bool) {
	for _, p := range plans {
		if p.PlanID == id {
			return p, true
		}
	}
	return plan{}, false
}

// plansRequest lists the plans (one, with an id in the path).
type plansRequest struct {
	id      string
	one     bool
	country string
}

func decodePlans(c *call) (request, *apiError) {
	in := &plansRequest{country: c.r.URL.Query().Get("country")}
	if _, ok := countries[in.country]; in.country != "" && !ok {
		return nil, errField("country", "must be one of "+countryList())
	}
	return in, nil
}

func decodePlan(c *call) (request, *apiError) {
	if !validKey(c.key) {
		return nil, errBadRequest("Invalid planId in the path")
	}
	return &plansRequest{id: c.key, one: true}, nil
}

func (in *plansRequest) run(s *Server, c *call) answer {
	if !s.decide(c, scenarios.Request{Action: string(ActionPlans), Country: in.country, OrderID: in.id}) {
		return answer{skip: true}
	}
	if in.one {
		p, ok := planByID(in.id)
		if !ok {
			return failed(errNotFound("No installment plan found with planId " + in.id))
		}
		return answer{code: http.StatusOK, body: encode(p, nil), key: p.PlanID}
	}
	out := []plan{}
	for _, p := range plans {
		if in.country == "" || p.Country == in.country {
			out = append(out, p)
		}
	}
	return answer{code: http.StatusOK, body: encode(struct {
		Data []plan `json:"data"`
	}{out}, nil)}
}
