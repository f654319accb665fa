package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// httpGet fetches url and returns its status, headers and body.
func httpGet(t *testing.T, url string, hdr ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestServeBehindProxy runs tasi serve as an operator behind a proxy would: metrics on a
// private listener only, tile URLs from --base-url, CORS restricted to one origin.
func TestServeBehindProxy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gpkgPath := filepath.Join(dir, "results.gpkg")
	if out, err := runCLIErr(t, append(straightCoastArgs(t, dir), "--out", gpkgPath)...); err != nil {
		t.Fatalf("analyze: %v\n%s", err, out)
	}
	s := startServe(t, "--gpkg", gpkgPath, "--metrics-addr", "127.0.0.1:0",
		"--base-url", "https://maps.example.org/tasi", "--trust-proxy", "--cors-origins", "https://portal.example.org")
	m := regexp.MustCompile(`metrics on (http://127\.0\.0\.1:\d+/metrics)`).FindStringSubmatch(s.out.String())
	if m == nil {
		t.Fatalf("no metrics address in the output:\n%s", s.out)
	}
	metricsURL := m[1]

	// The map's listener answers everything but /metrics.
	if st, _, _ := httpGet(t, s.base+"/api/v1/runs"); st != 200 {
		t.Errorf("/api/v1/runs: %d", st)
	}
	if st, _, body := httpGet(t, s.base+"/metrics"); st != 404 || strings.Contains(body, "go_goroutines") {
		t.Errorf("public /metrics: %d, want 404", st)
	}
	// The private one has the metrics, counting the public requests, and nothing else.
	st, hdr, body := httpGet(t, metricsURL)
	if st != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") {
		t.Fatalf("private /metrics: %d %s", st, hdr.Get("Content-Type"))
	}
	for _, want := range []string{
		`tasi_http_requests_total{method="GET",route="/api/v1/runs",status="200"} 1`,
		`tasi_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		"go_goroutines ", "process_resident_memory_bytes ", "tasi_tile_cache_max_bytes ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("private /metrics lacks %q", want)
		}
	}
	if st, _, _ := httpGet(t, strings.TrimSuffix(metricsURL, "metrics")+"api/v1/runs"); st != 404 {
		t.Errorf("the metrics listener serves the API: %d", st)
	}

	// --base-url wins over a forwarded host, even with --trust-proxy.
	st, hdr, body = httpGet(t, s.base+"/tiles/tasi.json", "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "http")
	if st != 200 || !strings.Contains(body, `"https://maps.example.org/tasi/tiles/all/{z}/{x}/{y}.mvt?run=`) || strings.Contains(body, "evil") {
		t.Errorf("TileJSON behind the proxy: %d %s", st, body)
	}
	if hdr.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("TileJSON without nosniff: %v", hdr)
	}
	// CORS for the one origin given, none for others.
	for origin, want := range map[string]string{"https://portal.example.org": "https://portal.example.org", "https://other.example": ""} {
		if _, hdr, _ := httpGet(t, s.base+"/api/v1/runs", "Origin", origin); hdr.Get("Access-Control-Allow-Origin") != want {
			t.Errorf("Origin %s: Access-Control-Allow-Origin %q, want %q", origin, hdr.Get("Access-Control-Allow-Origin"), want)
		}
	}
	// The page may fetch tiles from the base URL's origin.
	if _, hdr, _ := httpGet(t, s.base+"/"); !strings.Contains(hdr.Get("Content-Security-Policy"), "connect-src 'self' https://maps.example.org;") {
		t.Errorf("Content-Security-Policy %q does not let the map reach its tiles", hdr.Get("Content-Security-Policy"))
	}
}
