package tiles

import (
	"net/http"
	"strings"
)

// baseURL returns the scheme, host and path prefix that the absolute URLs of TileJSON and
// the style start with, and the request headers it was read from, for Vary.
//
// A configured BaseURL wins and depends on no header. Otherwise the request's Host is
// used, with "https" on TLS; with TrustProxy, the Forwarded header (RFC 7239) or else
// X-Forwarded-Proto and X-Forwarded-Host tell the scheme and host the client used. Of a
// header that several proxies appended to, the last element counts: it was added by the
// proxy in front of this server, the one trusted, while the earlier ones came from
// whoever sent the request to it. Values that are not a plain http or https scheme, or
// not a plain host[:port], are ignored rather than copied into URLs.
//
// Relative tile URLs would need no host at all, but MapLibre fetches tiles in web
// workers and resolves a tile URL against the page, not against the TileJSON or style it
// came from, so a TileJSON used by another page would break: absolute URLs it is.
func (h *Handler) baseURL(r *http.Request) (base string, vary []string) {
	if h.opts.BaseURL != "" {
		return h.opts.BaseURL, nil
	}
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	vary = []string{"Host"}
	if h.opts.TrustProxy {
		vary = append(vary, "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host")
		if p, hst, ok := forwarded(r.Header.Values("Forwarded")); ok {
			if p != "" {
				scheme = p
			}
			if hst != "" {
				host = hst
			}
		} else {
			if p := lastValue(r.Header.Values("X-Forwarded-Proto")); validScheme(p) {
				scheme = strings.ToLower(p)
			}
			if hst := lastValue(r.Header.Values("X-Forwarded-Host")); validHost(hst) {
				host = hst
			}
		}
	}
	return scheme + "://" + host, vary
}

// forwarded reads the proto and host of the last element of a Forwarded header (RFC 7239),
// and whether there was one. Invalid values are left out.
func forwarded(values []string) (proto, host string, ok bool) {
	last := lastValue(values)
	if last == "" {
		return "", "", false
	}
	for _, pair := range strings.Split(last, ";") {
		k, v, found := strings.Cut(strings.TrimSpace(pair), "=")
		if !found {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "proto":
			if validScheme(v) {
				proto = strings.ToLower(v)
			}
		case "host":
			if validHost(v) {
				host = v
			}
		}
	}
	return proto, host, true
}

// lastValue returns the last comma-separated element of a header sent once or more.
func lastValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	v := values[len(values)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}

func validScheme(s string) bool {
	return strings.EqualFold(s, "http") || strings.EqualFold(s, "https")
}

// validHost accepts a host name, IPv4 or bracketed IPv6 address, with an optional port:
// nothing that could carry a path, a user or a second URL into the documents.
func validHost(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == ':', c == '[', c == ']':
		default:
			return false
		}
	}
	return true
}

// setVary adds the headers an answer was made from to its Vary header.
func setVary(w http.ResponseWriter, headers []string) {
	for _, h := range headers {
		w.Header().Add("Vary", h)
	}
}
