package liquido

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
)

// handleBoletoFile serves a boleto as a PDF: the link GET
// /v1/payments/files/boleto/pdf/{key} answers with.
func (s *Server) handleBoletoFile(w http.ResponseWriter, r *http.Request) {
	token := mux.Vars(r)["token"]
	var pdf []byte
	s.withPage(token, fileBoleto, func(m *merchant, p *Payment) {
		b := p.Details.of().Boleto
		if b == nil {
			return
		}
		who := payerOf(p)
		lines := []string{
			"Boleto bancario - mockpay sandbox (Liquido)",
			"Beneficiario: LIQUIDO BRASIL LTDA",
			"Pagador: " + who.Name + " " + who.Document.Type + " " + who.Document.DocumentID,
			"Valor: " + money(p.FinalAmount, p.FinalCurrency),
			"Vencimento: " + time.Time(b.DueDate).Format("02/01/2006"),
			"Referencia (idempotencyKey): " + p.Key,
			"Situacao: " + string(p.Status),
			"",
			"Linha digitavel:",
			formatLine(b.DigitalLine),
		}
		pdf = boletoPDF(lines, b.Barcode)
	})
	if pdf == nil {
		http.Error(w, "Unknown boleto file.", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="boleto-`+token+`.pdf"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(pdf)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(pdf)
	}
}

// formatLine writes a 47-digit line the way boletos print it:
// AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE.
func formatLine(l string) string {
	if len(l) != 47 {
		return l
	}
	return l[0:5] + "." + l[5:10] + " " + l[10:15] + "." + l[15:21] + " " + l[21:26] + "." + l[26:32] + " " + l[32:33] + " " + l[33:47]
}
