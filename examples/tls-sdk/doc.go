// Package tlssdk shows a LiqPay client whose URL is hard-coded to
// https://www.liqpay.ua talking to mockpay unchanged: mockpay runs with
// --tls, the client's process sends www.liqpay.ua:443 to mockpay's port (as
// an /etc/hosts entry or a container network alias would) and trusts the CA
// file mockpay wrote. Nothing in the client is edited.
//
// The client, package liqpay, stands in for LiqPay's official Go SDK
// (github.com/liqpay/sdk-go, liqpay.go @a6f81f8): the Go module proxy
// refuses that module ("403 This module version is not available"), so it
// cannot be a dependency. The stand-in does what the SDK does as the
// project's LiqPay reference records it: the hard-coded URL, base64 JSON
// signed with SHA-1, and http.Post, which ignores the *http.Client given to
// New and goes through http.DefaultTransport — which is why the test
// replaces that transport's dialer rather than passing a client.
//
// This is a module of its own so that the SDK stand-in, and any real SDK
// put in its place, never becomes a dependency of mockpay itself. Run it
// from this folder: go test ./...
package tlssdk
