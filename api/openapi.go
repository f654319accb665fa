package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
)

// openAPI is the hand-written OpenAPI 3.1 document of the routes New serves; a test checks
// that it lists every route and no other.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache")
	_, _ = w.Write(openAPI)
}

// mustJSON encodes v, which cannot fail for the plain structs it is given.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
