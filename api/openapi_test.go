package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/tasi-gis/tasi/api"
)

// TestOpenAPI checks that the OpenAPI document is served, is OpenAPI 3.1, and describes
// exactly the routes the router serves: each route is a documented path, and each
// documented path is served. The tile server and the web map are mounted on prefixes
// ("/tiles/*"); their paths are documented below them.
func TestOpenAPI(t *testing.T) {
	stub := http.NotFoundHandler()
	h := handler(newMemory(t, theDemo(t)), func(o *api.Options) { o.Tiles, o.Web = stub, stub })
	r := get(t, h, "/api/openapi.json")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d %s", r.status, r.header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r.decode(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}

	var routes []string
	err := chi.Walk(h.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodGet {
			if route != "/" {
				route = strings.TrimSuffix(route, "/") // chi.Walk writes sub-router roots with a slash
			}
			routes = append(routes, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	served := func(path string) bool {
		for _, route := range routes {
			if route == path || strings.HasSuffix(route, "/*") && strings.HasPrefix(path, strings.TrimSuffix(route, "*")) {
				return true
			}
		}
		return false
	}
	for _, route := range routes {
		found := false
		for path := range doc.Paths {
			if path == route || strings.HasSuffix(route, "/*") && strings.HasPrefix(path, strings.TrimSuffix(route, "*")) {
				found = true
			}
		}
		if !found {
			t.Errorf("route %s is not in the document", route)
		}
	}
	for path, ops := range doc.Paths {
		if !served(path) {
			t.Errorf("documented path %s is not served", path)
		}
		if _, ok := ops["get"]; !ok || len(ops) != 1 {
			t.Errorf("%s: operations %v, want get only (the server is read-only)", path, keys(ops))
		}
	}
	if len(routes) < 14 {
		t.Errorf("only %d routes: %v", len(routes), routes)
	}
	// Every path parameter of a route is declared.
	for path, ops := range doc.Paths {
		var op struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		}
		if err := json.Unmarshal(ops["get"], &op); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
			name := m[1]
			if !slices.ContainsFunc(op.Parameters, func(p struct {
				Name string `json:"name"`
				In   string `json:"in"`
			}) bool {
				return p.Name == name && p.In == "path"
			}) {
				t.Errorf("%s: path parameter %s not declared", path, name)
			}
		}
	}
	// Every API answer carries an ETag and answers If-None-Match with 304 (see
	// TestConditionalGet): the document says so.
	for path, ops := range doc.Paths {
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		var op struct {
			Parameters []struct {
				Ref string `json:"$ref"`
			} `json:"parameters"`
			Responses map[string]struct {
				Ref     string                     `json:"$ref"`
				Headers map[string]json.RawMessage `json:"headers"`
			} `json:"responses"`
		}
		if err := json.Unmarshal(ops["get"], &op); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if op.Responses["304"].Ref != "#/components/responses/NotModified" || op.Responses["200"].Headers["ETag"] == nil ||
			!slices.ContainsFunc(op.Parameters, func(p struct {
				Ref string `json:"$ref"`
			}) bool {
				return p.Ref == "#/components/parameters/IfNoneMatch"
			}) {
			t.Errorf("%s: ETag, If-None-Match or 304 undocumented", path)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
