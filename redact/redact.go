// Package redact names the keys whose values must never be printed,
// inherited into child spans, or turned into metric labels: passwords,
// tokens, credentials. spanlog.WithRedactedKeys hands one set to every
// layer.
package redact

import "strings"

// Placeholder replaces a redacted value.
const Placeholder = "[REDACTED]"

// Common is a starting set of secret-bearing keys.
var Common = []string{"password", "passwd", "secret", "token", "access_token", "refresh_token",
	"api_key", "apikey", "authorization", "cookie", "set-cookie", "private_key"}

// Keys is a set of secret keys. A key matches when, ignoring case, it
// equals one of the names or ends with "." or "_" and the name:
// "authorization" matches "http.request.header.authorization" and
// "password" matches "metric_label_password". A nil *Keys matches nothing.
// Keys is immutable and safe for concurrent use.
type Keys struct {
	names []string
}

// New returns the set of names; empty names are ignored.
func New(names ...string) *Keys {
	k := &Keys{}
	for _, n := range names {
		if n != "" {
			k.names = append(k.names, n)
		}
	}
	return k
}

// Match reports whether key is secret.
func (k *Keys) Match(key string) bool {
	if k == nil || len(k.names) == 0 {
		return false
	}
	for _, n := range k.names {
		if len(key) < len(n) || !strings.EqualFold(key[len(key)-len(n):], n) {
			continue
		}
		if rest := len(key) - len(n); rest == 0 || key[rest-1] == '.' || key[rest-1] == '_' {
			return true
		}
	}
	return false
}
