package liqpay

// handler runs one action and returns what to encode: a *apiError,
// paymentJSON or refundJSON.
type handler func(s *Server, c *call) any

// actions maps each emulated action to its handler (reference §4).
var actions = map[Action]handler{
	ActionPay:            (*Server).charge,
	ActionHold:           (*Server).charge,
	ActionAuth:           (*Server).charge,
	ActionPayToken:       (*Server).charge,
	ActionHoldCompletion: (*Server).holdCompletion,
	ActionRefund:         (*Server).refund,
	ActionStatus:         (*Server).status,
	ActionData:           (*Server).data,
	ActionConfirm:        (*Server).confirm,
	// Subscriptions and secured payments (subscriptions.go, secured.go).
	ActionSubscribe:       (*Server).charge,
	ActionSubscribeUpdate: (*Server).subscribeUpdate,
	ActionUnsubscribe:     (*Server).unsubscribe,
	ActionLCDispute:       (*Server).lcDispute,
	ActionLCResolve:       (*Server).lcResolve,

	// The rest of the catalogue (splits.go, methods.go, invoices.go,
	// tokens.go, reports.go).
	ActionPaySplit:                (*Server).charge,
	ActionPayDonate:               (*Server).charge,
	ActionCardVerification:        (*Server).charge,
	ActionP2PDebit:                (*Server).charge,
	ActionP2PCredit:               (*Server).p2pcredit,
	ActionPayCash:                 (*Server).payLater,
	ActionPayQR:                   (*Server).payLater,
	ActionPaymentPrepare:          (*Server).paymentPrepare,
	ActionTicket:                  (*Server).ticket,
	ActionMPI:                     (*Server).mpi,
	ActionInvoiceSend:             (*Server).invoiceSend,
	ActionInvoiceBot:              (*Server).invoiceSend,
	ActionInvoiceCancel:           (*Server).invoiceCancel,
	ActionInvoiceUnits:            (*Server).invoiceUnits,
	ActionInvoiceUnitsByLang:      (*Server).invoiceUnits,
	ActionTokenCreate:             (*Server).tokenCreate,
	ActionTokenCreateUnique:       (*Server).tokenCreate,
	ActionTokenUpdate:             (*Server).tokenUpdate,
	ActionReports:                 (*Server).reports,
	ActionRegister:                (*Server).register,
	ActionReportsCompensation:     (*Server).reportsCompensation,
	ActionReportsCompensationFile: (*Server).reportsCompensationFile,
	ActionReportsCompensationStat: (*Server).reportsCompensationStatus,
}
