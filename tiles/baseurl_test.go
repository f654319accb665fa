package tiles

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestHandlerBaseURL checks where the tile URLs of TileJSON and the style point, and that
// an answer built from request headers names them in Vary: a cache in front of the server
// must never hand a document made for one (poisoned) Host to a request for another.
func TestHandlerBaseURL(t *testing.T) {
	m := memorySource(t)
	named := fmt.Sprintf("?run=%d", m.run.ID)
	tests := []struct {
		name      string
		opts      Options
		tls       bool
		headers   []string // name, value pairs
		wantBase  string
		wantVary  []string // nil: no Vary at all
		wantNoted string   // a header whose value must not appear in the answer
	}{
		{"request host", Options{}, false, nil, "http://example.com", []string{"Host"}, ""},
		{"request host on TLS", Options{}, true, nil, "https://example.com", []string{"Host"}, ""},
		{"poisoned host, untrusted forwarding", Options{}, false,
			[]string{"Host", "evil.example", "X-Forwarded-Host", "evil2.example", "X-Forwarded-Proto", "https", "Forwarded", "host=evil3.example;proto=https"},
			"http://evil.example", []string{"Host"}, "evil2.example"},
		{"X-Forwarded-Proto trusted", Options{TrustProxy: true}, false,
			[]string{"X-Forwarded-Proto", "https"}, "https://example.com", []string{"Host", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host"}, ""},
		{"X-Forwarded-Host and Proto trusted, last of a list", Options{TrustProxy: true}, false,
			[]string{"X-Forwarded-Proto", "http, https", "X-Forwarded-Host", "injected.example, maps.example.org"},
			"https://maps.example.org", []string{"Host", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host"}, "injected.example"},
		{"Forwarded trusted", Options{TrustProxy: true}, false,
			[]string{"Forwarded", `for=1.2.3.4;host="injected.example", for=10.0.0.1;proto=https;host=maps.example.org:8443`, "X-Forwarded-Host", "other.example"},
			"https://maps.example.org:8443", []string{"Host", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host"}, "other.example"},
		{"trusted but malformed", Options{TrustProxy: true}, false,
			[]string{"X-Forwarded-Proto", "javascript", "X-Forwarded-Host", "evil.example/path?x="},
			"http://example.com", []string{"Host", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host"}, "evil.example"},
		{"base URL wins over everything", Options{BaseURL: "https://tasi.example.org/map/", TrustProxy: true}, false,
			[]string{"Host", "evil.example", "X-Forwarded-Host", "evil2.example", "X-Forwarded-Proto", "http"},
			"https://tasi.example.org/map", nil, "evil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHandler(m, tc.opts)
			for _, path := range []string{"/tiles/tasi.json" + named, "/tiles/admin.json" + named, "/styles/tasi.json" + named, "/tiles/tasi.json"} {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				if tc.tls {
					req = httptest.NewRequest(http.MethodGet, "https://example.com"+path, nil)
				}
				for i := 0; i+1 < len(tc.headers); i += 2 {
					if tc.headers[i] == "Host" {
						req.Host = tc.headers[i+1]
						continue
					}
					req.Header.Set(tc.headers[i], tc.headers[i+1])
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
				}
				var doc struct {
					Tiles   []string `json:"tiles"`
					Sources map[string]struct {
						Tiles []string `json:"tiles"`
					} `json:"sources"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
					t.Fatal(err)
				}
				urls := doc.Tiles
				if strings.HasPrefix(path, "/styles/") {
					urls = doc.Sources["tasi"].Tiles
				}
				if len(urls) != 1 || !strings.HasPrefix(urls[0], tc.wantBase+"/tiles/") {
					t.Errorf("%s: tiles %q, want under %s/tiles/", path, urls, tc.wantBase)
				}
				if tc.wantNoted != "" && strings.Contains(rec.Body.String(), tc.wantNoted) {
					t.Errorf("%s: the answer holds %q", path, tc.wantNoted)
				}
				vary := rec.Header().Values("Vary")
				if !slices.Equal(vary, tc.wantVary) {
					t.Errorf("%s: Vary %q, want %q", path, vary, tc.wantVary)
				}
				// The property the issue asks for: whatever a shared cache may keep (public)
				// and was built from the Host names Host in Vary.
				cc := rec.Header().Get("Cache-Control")
				if strings.Contains(cc, "public") && tc.opts.BaseURL == "" && !slices.Contains(vary, "Host") {
					t.Errorf("%s: %q without Vary: Host", path, cc)
				}
			}
		})
	}
}
