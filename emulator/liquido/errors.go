package liquido

import (
	"net/http"
	"strings"
	"time"
)

// errShape names one of the four error bodies Liquido's stack answers with
// (reference §2.3, §14).
type errShape int

const (
	// shapeGateway is AWS API Gateway's {"message": …}: what stands in
	// front of the API and checks the token and the x-api-key.
	shapeGateway errShape = iota
	// shapeOAuth is the Cognito token endpoint's {"error": …}.
	shapeOAuth
	// shapeSpring is Spring Boot's default error body from the API itself,
	// plus mockpay's field list.
	shapeSpring
	// shapeCashier is the v2 cashier API's envelope (payment links):
	// {"code": 400, "message": …, "data": null} (reference §10, §14.3).
	shapeCashier
)

// apiError is an HTTP-level error in one of Liquido's shapes. Business
// declines are not errors: they are payments with transferStatus FAILED.
type apiError struct {
	status  int
	shape   errShape
	message string // the gateway message, the OAuth error code, or Spring's message
	fields  []FieldError
}

// FieldError is one field-level validation problem.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// The gateway answers (reference §2.3, §14): stock API Gateway bodies.
func errUnauthorized() *apiError {
	return &apiError{status: http.StatusUnauthorized, shape: shapeGateway, message: "Unauthorized"}
}

func errTokenExpired() *apiError {
	return &apiError{status: http.StatusUnauthorized, shape: shapeGateway, message: "The incoming token has expired"}
}

func errForbidden() *apiError {
	return &apiError{status: http.StatusForbidden, shape: shapeGateway, message: "Forbidden"}
}

// OAuth error codes of the token endpoint (RFC 6749 §5.2, as Cognito words them).
const (
	oauthInvalidRequest       = "invalid_request"
	oauthInvalidClient        = "invalid_client"
	oauthUnsupportedGrantType = "unsupported_grant_type"
)

func errOAuth(code string) *apiError {
	return &apiError{status: http.StatusBadRequest, shape: shapeOAuth, message: code}
}

// errInvalid is a validation failure: 400 with one entry per bad field. The
// message lists them too, for clients that print only message.
func errInvalid(fields []FieldError) *apiError {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return &apiError{status: http.StatusBadRequest, shape: shapeSpring,
		message: "Validation failed: " + strings.Join(parts, "; "), fields: fields}
}

// errField is a validation failure of one field.
func errField(field, message string) *apiError {
	return errInvalid([]FieldError{{Field: field, Message: message}})
}

// errBadRequest is a 400 that is about the request as a whole.
func errBadRequest(message string) *apiError {
	return &apiError{status: http.StatusBadRequest, shape: shapeSpring, message: message}
}

func errNotFound(message string) *apiError {
	return &apiError{status: http.StatusNotFound, shape: shapeSpring, message: message}
}

// errKeyReused answers an idempotencyKey sent again with another body
// (reference §14 GUESS: a conflict).
func errKeyReused(key string) *apiError {
	return &apiError{status: http.StatusConflict, shape: shapeSpring,
		message: "idempotencyKey " + key + " was already used with a different request"}
}

// springTime is the timestamp layout of Spring Boot's error body.
const springTime = "2006-01-02T15:04:05.000-07:00"

// encode writes the error's body: the one place each shape is spelled out.
// path and now fill Spring's path and timestamp.
func (e *apiError) encode(path string, now time.Time) []byte {
	var v any
	switch e.shape {
	case shapeGateway:
		v = struct {
			Message string `json:"message"`
		}{e.message}
	case shapeOAuth:
		v = struct {
			Error string `json:"error"`
		}{e.message}
	case shapeCashier:
		v = cashierJSON{Code: e.status, Message: e.message}
	default:
		v = struct {
			Timestamp string       `json:"timestamp"`
			Status    int          `json:"status"`
			Error     string       `json:"error"`
			Message   string       `json:"message"`
			Path      string       `json:"path"`
			Errors    []FieldError `json:"errors,omitempty"`
		}{now.UTC().Format(springTime), e.status, http.StatusText(e.status), e.message, path, e.fields}
	}
	return encode(v, nil)
}

// gatewayErrorType is the x-amzn-ErrorType header API Gateway sends with its
// own answers, so a client logging headers sees what it would see for real.
func (e *apiError) gatewayErrorType() string {
	switch {
	case e.shape != shapeGateway:
		return ""
	case e.status == http.StatusForbidden:
		return "ForbiddenException"
	}
	return "UnauthorizedException"
}
