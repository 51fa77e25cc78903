package control

import (
	_ "embed"
	"net/http"
)

// openAPI is the control plane's OpenAPI 3.1 document, written by hand. A
// test walks the server's routes and fails when one is missing from it, or
// when it names one that does not exist.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPIDocument returns the document (for tests).
func OpenAPIDocument() []byte { return openAPI }

// OpenAPI serves GET /_mockpay/openapi.json.
func OpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPI)
}
