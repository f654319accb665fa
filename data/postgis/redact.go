package postgis

import (
	"regexp"
	"strings"
)

// mask replaces a password, as net/url's URL.Redacted does.
const mask = "xxxxx"

var (
	// urlPassword matches the password of a URL (postgres://, or any scheme given by
	// mistake): after the user name's colon, up to the last @ before the path. libpq ends
	// the user info at the first '@' or '/'; running to the last '@' also masks a password
	// with an unescaped '@' in it.
	urlPassword = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]*:)[^/\s]*@`)
	// kvPassword matches password=value and sslpassword=value, in a DSN (value quoted with
	// single quotes and backslash escapes, or up to white space) or a URL query (where the
	// value ends at '&'; running to white space masks more than needed, never less).
	kvPassword = regexp.MustCompile(`(?i)\b((?:ssl)?password\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|[^\s]*)`)
)

// Redact returns s with every password it can recognise replaced by xxxxx: the password
// in the user info of a URL (postgres://user:password@host), and password= and sslpassword= settings in a
// key=value DSN or a URL query. s may be a bare URL or DSN, or a message that quotes one
// (such as an error from pgx). The rest of s is kept, so that the host, port, user and
// database still show.
func Redact(s string) string {
	return redactSecrets(s, "")
}

// redactSecrets is Redact that also masks every occurrence of secret, the password a
// Store was opened with, when it is long enough not to mask ordinary words.
func redactSecrets(s, secret string) string {
	s = urlPassword.ReplaceAllString(s, "${1}"+mask+"@")
	s = kvPassword.ReplaceAllString(s, "${1}"+mask)
	if len(secret) >= 4 {
		s = strings.ReplaceAll(s, secret, mask)
	}
	return s
}

// redactedError is an error whose message has passwords masked. Unwrap still reaches the
// original error so that errors.Is and errors.As work; callers must not print what they
// dig out of it (pgconn.ConnectError keeps the whole configuration, password included).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err with passwords masked in its message, nil for nil.
func redactError(err error, secret string) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: redactSecrets(err.Error(), secret), err: err}
}
