package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/plan"
)

// benchmarkRoutes measures the handler answering the routes a map session uses most, on
// the demo run (98 coastal sucos, 15,670 transects, about 10 shorelines).
func benchmarkRoutes(b *testing.B, store api.Store) {
	h := handler(store)
	d := theDemo(b)
	pcode := d.res.Units[len(d.res.Units)/2].Unit.Code
	label := d.res.Transects[len(d.res.Transects)/2].Label
	for _, bc := range []struct{ name, path, encoding string }{
		{"units", "/api/v1/units", ""},
		{"units-gzip", "/api/v1/units", "gzip"},
		{"units-sorted-20", "/api/v1/units?sort=-mean_lrr&limit=20", ""},
		// The probe of issue 12: every unit, as a browser or hey asks for it.
		{"units-sorted-gzip", "/api/v1/units?sort=-mean_lrr", "gzip"},
		{"units-municipality", "/api/v1/units?municipality=TL01", ""},
		{"unit", "/api/v1/units/" + pcode, ""},
		{"transect", "/api/v1/transects/" + label, ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, bc.path, nil)
			if bc.encoding != "" {
				req.Header.Set("Accept-Encoding", bc.encoding)
			}
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%s: %d", bc.path, rec.Code)
				}
			}
		})
	}
}

func BenchmarkMemory(b *testing.B) { benchmarkRoutes(b, newMemory(b, theDemo(b))) }

func BenchmarkPostGIS(b *testing.B) {
	s, _ := newPostGIS(b, theDemo(b))
	benchmarkRoutes(b, s)
}

// BenchmarkAtRisk measures the national at-risk export of the demo run through the API
// once its assessment is kept (targets: CSV under 200 ms, XLSX under 1 s), and the first
// request of a run, which makes the assessment.
func BenchmarkAtRisk(b *testing.B) {
	d := theDemo(b)
	h := handler(newMemory(b, d), func(o *api.Options) { o.AtRisk = memoryAssessor(d) })
	if r := get(b, h, "/api/v1/at-risk"); r.status != 200 {
		b.Fatalf("%d %s", r.status, r.body)
	}
	for _, f := range export.Formats() {
		for _, q := range []string{"", "&horizon=30"} {
			path := "/api/v1/at-risk?format=" + f.String() + q
			b.Run(f.String()+q, func(b *testing.B) {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				b.ReportAllocs()
				for b.Loop() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != 200 {
						b.Fatalf("%s: %d", path, rec.Code)
					}
				}
			})
		}
	}
	b.Run("first-request", func(b *testing.B) {
		for b.Loop() {
			h := handler(newMemory(b, d), func(o *api.Options) { o.AtRisk = memoryAssessor(d) })
			if r := get(b, h, "/api/v1/at-risk"); r.status != 200 {
				b.Fatalf("%d %s", r.status, r.body)
			}
		}
	})
}

// BenchmarkAtRiskPostGIS measures the first at-risk request of a run stored in PostGIS:
// the run is read back (ReadRun) before it is assessed.
func BenchmarkAtRiskPostGIS(b *testing.B) {
	s, _ := newPostGIS(b, theDemo(b))
	for b.Loop() {
		h := handler(s, func(o *api.Options) { o.AtRisk = postgisAssessor(s) })
		if r := get(b, h, "/api/v1/at-risk"); r.status != 200 {
			b.Fatalf("%d %s", r.status, r.body)
		}
	}
}

// bigAssessor answers an assessment of n communities over 13 municipalities, every one
// at risk from the first horizon: the national list at the size of the gazetteer.
type bigAssessor struct{ n int }

func (b bigAssessor) Assess(_ context.Context, run results.Run) (*plan.Assessment, error) {
	a := smallAssessment(run.ID)
	proto := a.Rows[0]
	a.Rows, a.Municipalities = nil, nil
	for m := 1; m <= 13; m++ {
		a.Municipalities = append(a.Municipalities, plan.Municipality{Code: fmt.Sprintf("TL%02d", m), Name: fmt.Sprintf("Municipality %d", m)})
	}
	for i := range b.n {
		r := proto
		m := a.Municipalities[i%13]
		r.Community.Code, r.Community.Name = fmt.Sprintf("C%04d", i), fmt.Sprintf("Community %d", i)
		r.Community.RegionCode, r.Community.RegionName = m.Code, m.Name
		r.Community.UnitCode = fmt.Sprintf("%s%04d", m.Code, i%40)
		r.Community.Point = orb.Point{124 + float64(i%300)/100, -9 + float64(i%90)/100}
		r.YearReached = 2025 + float64(i%300)/10
		r.Exposure = slices.Clone(proto.Exposure)
		for h := range r.Exposure {
			r.Exposure[h].InBand, r.Exposure[h].Probability = true, float64(i%100)/100
			r.Exposure[h].People, r.Exposure[h].Households = float64(i%400), float64(i%80)
		}
		a.Rows = append(a.Rows, r)
	}
	return a, nil
}

// BenchmarkAtRiskGazetteer measures the national export through the API when every one
// of 3,000 communities (the gazetteer has 2,871) is at risk: the upper bound of the lists
// of Timor-Leste.
func BenchmarkAtRiskGazetteer(b *testing.B) {
	h := handler(fakeStore{}, func(o *api.Options) { o.AtRisk = bigAssessor{n: 3000} })
	for _, f := range export.Formats() {
		path := "/api/v1/at-risk?format=" + f.String()
		b.Run(f.String(), func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
				}
			}
		})
	}
}
