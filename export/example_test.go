package export_test

import (
	"fmt"
	"math"
	"os"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/plan"
)

// A list of one community at one horizon, written as CSV: the column names, the HXL row,
// then the row, with empty cells where the figures are unknown.
func ExampleAtRiskCSV() {
	ref := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	h := plan.Horizon{Years: 20, Date: ref.AddDate(20, 0, 0)}
	l := &plan.List{
		RunID: "demo", RefDate: ref, Horizons: []plan.Horizon{h},
		Provenance: analysis.Provenance{Synthetic: true}, // a run of tasi demo's shorelines
		Rows: []plan.AtRisk{{
			Community: plan.Community{
				Code: "TL050503-02", Name: "Suai Loro", Point: orb.Point{125.2561, -9.337},
				RegionCode: "TL05", RegionName: "Covalima", ParentCode: "TL0505", ParentName: "Suai",
				UnitCode: "TL050503", UnitName: "Suai Loro",
				Population: math.NaN(), Households: math.NaN(), Rule: plan.Unknown,
			},
			Exposure: []plan.Exposure{{Horizon: h, InZone: true, InBand: true, Probability: 0.62,
				People: math.NaN(), Households: math.NaN()}},
			DistanceToShore: 66, Rate: -1.6, RateCI: 0.55, Method: "LRR", Transects: []string{"T3310"},
			YearReached: 2042.3, YearReachedBand: 2036, Severity: plan.Medium,
		}},
	}
	if err := export.AtRiskCSV(os.Stdout, l); err != nil {
		fmt.Println(err)
	}
	// Output:
	// municipality_code,municipality_name,posto_code,posto_name,suco_code,suco_name,community_name,community_code,lat,lon,distance_to_shore_m,rate_m_yr,rate_ci_m_yr,rate_method,n_transects,transect_ids,year_reached,year_reached_band,horizon_year,in_zone,in_band,p_reached,people_at_risk,households_at_risk,p_reached_2045,population,households,count_rule,severity,run_id,data_synthetic,reference_date
	// #adm1+code,#adm1+name,#adm2+code,#adm2+name,#adm3+code,#adm3+name,#loc+name,#loc+code,#geo+lat,#geo+lon,#indicator+shore_distance,#indicator+shoreline_rate,#indicator+shoreline_rate+ci,#meta+rate_method,#meta+transects+num,#meta+transects+list,#indicator+year_reached,#indicator+year_reached+band,#date+year+horizon,#indicator+in_zone,#indicator+in_band,#indicator+p_reached,#affected,#affected+hh,#indicator+p_reached+y2045,#population,#population+hh,#meta+count_rule,#severity,#meta+run+id,#meta+synthetic,#date+reference
	// TL05,Covalima,TL0505,Suai,TL050503,Suai Loro,Suai Loro,TL050503-02,-9.337000,125.256100,66.0,-1.60,0.55,LRR,1,T3310,2042.3,2036.0,2045,true,true,0.620,,,0.620,,,unknown (no census count),medium,demo,true,2025-01-01
}

// An API handler picks the format from the request and names the download.
func ExampleFormat() {
	ref := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &plan.List{RefDate: ref, Horizons: []plan.Horizon{{Years: 10, Date: ref.AddDate(10, 0, 0)}}}
	for _, name := range []string{"csv", "xlsx", "geojson", "kml"} {
		f, err := export.ParseFormat(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(f.FileName(l, "TL08"), f.ContentType())
	}
	_, err := export.ParseFormat("pdf")
	fmt.Println(err)
	// Output:
	// tasi-at-risk-2035-TL08.csv text/csv; charset=utf-8
	// tasi-at-risk-2035-TL08.xlsx application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
	// tasi-at-risk-2035-TL08.geojson application/geo+json
	// tasi-at-risk-2035-TL08.kml application/vnd.google-earth.kml+xml
	// unknown export format "pdf": want csv, xlsx, geojson or kml
}
