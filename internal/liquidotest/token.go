package liquidotest

import "net/url"

// TokenForm is the form the SDK's AuthClient posts to /oauth2/token, with
// changes applied: name, value pairs, where an empty value removes the field
// (so a test can send a form with one field missing).
func TokenForm(clientID, secret string, changes ...string) url.Values {
	v := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == "" {
			v.Del(changes[i])
		} else {
			v.Set(changes[i], changes[i+1])
		}
	}
	return v
}
