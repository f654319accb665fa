package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
)

// inlineScript matches the inline scripts of a page: the import map is one.
var inlineScript = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)

// pagePolicy returns the Content-Security-Policy of the page: everything from the server
// itself, nothing inline but the page's own inline scripts by their hashes (the import
// map), no plugins, and framing only by pages of the same origin.
//
// What the map needs beyond 'self': images as data: and blob: URLs (the page's empty
// icon, MapLibre's decoded images), workers as blob: URLs (MapLibre starts its workers
// from a blob: URL when it cannot load the worker script directly), and connections to
// tileOrigins when the tiles are on another host. MapLibre sets styles through the DOM,
// which style-src does not restrict, and needs no eval.
func pagePolicy(page []byte, tileOrigins []string) (string, error) {
	scripts := []string{"'self'"}
	for _, m := range inlineScript.FindAllSubmatch(page, -1) {
		if bytes.Contains(bytes.ToLower(m[1]), []byte("src=")) {
			continue
		}
		sum := sha256.Sum256(m[2])
		scripts = append(scripts, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	connect := []string{"'self'"}
	for _, o := range tileOrigins {
		if strings.ContainsAny(o, " ;,'\"") {
			return "", fmt.Errorf("tile origin %q: not an origin", o)
		}
		connect = append(connect, o)
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src " + strings.Join(scripts, " "),
		"style-src 'self'",
		"img-src 'self' data: blob:",
		"connect-src " + strings.Join(connect, " "),
		"worker-src 'self' blob:",
		"child-src 'self' blob:",
		"font-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'none'",
		"frame-ancestors 'self'",
	}, "; "), nil
}
