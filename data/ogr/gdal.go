package ogr

// This file holds all calls to the OGR C API that godal v0.0.18 does not wrap: the
// per-feature work of reading and writing. godal opens, closes and lists datasets and
// runs transactions; the helpers here act on the handles godal holds.

/*
#cgo pkg-config: gdal
#include <stdlib.h>
#include <string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

// Every helper that may raise a GDAL error silences the default handler (which would
// print to stderr) and hands the message back in *err, to be freed with CPLFree. The
// error state is thread-local, so it is read inside the same cgo call.

static void tasi_begin(void) {
	CPLErrorReset();
	CPLPushErrorHandler(CPLQuietErrorHandler);
}

static int tasi_end(int failed, const char *fallback, char **err) {
	if (failed) {
		const char *m = CPLGetLastErrorMsg();
		*err = CPLStrdup(m != NULL && *m != 0 ? m : fallback);
	}
	CPLPopErrorHandler();
	return failed;
}

// tasi_new_srs parses a CRS given as "EPSG:n", WKT, PROJ string..., with x = east or
// longitude and y = north or latitude.
static OGRSpatialReferenceH tasi_new_srs(const char *def, char **err) {
	tasi_begin();
	OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
	OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
	if (OSRSetFromUserInput(s, def) != OGRERR_NONE) {
		OSRRelease(s);
		tasi_end(1, "unrecognised CRS", err);
		return NULL;
	}
	tasi_end(0, "", err);
	return s;
}

// tasi_to_wgs84 returns a transformation from src, whose data axis mapping tells the
// order of coordinates in the geometries, to WGS84 lon/lat. *same is set and NULL
// returned when src already is WGS84 in lon/lat order.
static OGRCoordinateTransformationH tasi_to_wgs84(OGRSpatialReferenceH src, int *same, char **err) {
	tasi_begin();
	OGRSpatialReferenceH dst = OSRNewSpatialReference(NULL);
	OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
	OSRImportFromEPSG(dst, 4326);
	*same = OSRIsSame(src, dst);
	OGRCoordinateTransformationH ct = NULL;
	if (!*same) {
		ct = OCTNewCoordinateTransformation(src, dst);
	}
	OSRRelease(dst);
	tasi_end(!*same && ct == NULL, "no transformation to WGS 84", err);
	return ct;
}

static OGRFeatureH tasi_next_feature(OGRLayerH l, char **err) {
	tasi_begin();
	OGRFeatureH f = OGR_L_GetNextFeature(l);
	tasi_end(f == NULL && CPLGetLastErrorType() >= CE_Failure, "cannot read feature", err);
	return f;
}

// tasi_prepare_geometry leaves in f a 2D linear geometry in lon/lat, transformed by
// ct unless it is NULL, and returns its WKB size: 0 when f has no geometry or an empty
// one, -1 on error.
static int tasi_prepare_geometry(OGRFeatureH f, OGRCoordinateTransformationH ct, char **err) {
	tasi_begin();
	OGRGeometryH g = OGR_F_GetGeometryRef(f);
	if (g == NULL || OGR_G_IsEmpty(g)) {
		tasi_end(0, "", err);
		return 0;
	}
	if (OGR_G_HasCurveGeometry(g, TRUE)) {
		OGRGeometryH lin = OGR_G_GetLinearGeometry(g, 0, NULL);
		if (lin == NULL) {
			tasi_end(1, "cannot linearise curved geometry", err);
			return -1;
		}
		OGR_F_SetGeometryDirectly(f, lin);
		g = lin;
	}
	switch (wkbFlatten(OGR_G_GetGeometryType(g))) {
	case wkbTriangle:
	case wkbPolyhedralSurface:
	case wkbTIN:
		g = OGR_G_ForceTo(OGR_F_StealGeometry(f), wkbMultiPolygon, NULL);
		OGR_F_SetGeometryDirectly(f, g);
		break;
	default:
		break;
	}
	if (OGR_G_Is3D(g) || OGR_G_IsMeasured(g)) {
		OGR_G_FlattenTo2D(g);
	}
	if (ct != NULL && OGR_G_Transform(g, ct) != OGRERR_NONE) {
		tasi_end(1, "cannot transform geometry", err);
		return -1;
	}
	tasi_end(0, "", err);
	return OGR_G_WkbSize(g);
}

// tasi_export_geometry writes f's geometry, prepared above, as little-endian WKB to buf.
static int tasi_export_geometry(OGRFeatureH f, unsigned char *buf, char **err) {
	tasi_begin();
	OGRErr e = OGR_G_ExportToWkb(OGR_F_GetGeometryRef(f), wkbNDR, buf);
	return tasi_end(e != OGRERR_NONE, "cannot export geometry", err);
}

static OGRLayerH tasi_create_layer(GDALDatasetH ds, const char *name, int epsg,
		OGRwkbGeometryType gtype, char **options, char **err) {
	tasi_begin();
	OGRSpatialReferenceH srs = NULL;
	if (gtype != wkbNone) {
		srs = OSRNewSpatialReference(NULL);
		OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
		if (OSRImportFromEPSG(srs, epsg) != OGRERR_NONE) {
			OSRRelease(srs);
			tasi_end(1, "unknown EPSG code", err);
			return NULL;
		}
	}
	OGRLayerH l = GDALDatasetCreateLayer(ds, name, srs, gtype, options);
	if (srs != NULL) {
		OSRRelease(srs);
	}
	tasi_end(l == NULL, "cannot create layer", err);
	return l;
}

static int tasi_create_field(OGRLayerH l, const char *name, OGRFieldType t, char **err) {
	tasi_begin();
	OGRFieldDefnH fd = OGR_Fld_Create(name, t);
	OGRErr e = OGR_L_CreateField(l, fd, FALSE);
	OGR_Fld_Destroy(fd);
	return tasi_end(e != OGRERR_NONE, "cannot create field", err);
}

// tasi_value is one attribute to write. kind: 0 NULL, 1 integer (i), 2 real (d),
// 3 string (i is the offset of a NUL-terminated string in the arena), 4 date/time
// (the parts, seconds in d).
typedef struct {
	int kind;
	int year, month, day, hour, minute, tz;
	long long i;
	double d;
} tasi_value;

// tasi_write_feature sets every field of the reused feature f and inserts it into l.
// wkb is NULL for a feature without geometry.
static int tasi_write_feature(OGRLayerH l, OGRFeatureH f, const unsigned char *wkb, int wkbLen,
		const tasi_value *vals, int n, const char *arena, char **err) {
	tasi_begin();
	OGR_F_SetFID(f, OGRNullFID);
	if (wkb != NULL) {
		OGRGeometryH g = NULL;
		if (OGR_G_CreateFromWkb(wkb, NULL, &g, wkbLen) != OGRERR_NONE) {
			return tasi_end(1, "invalid WKB", err);
		}
		OGR_F_SetGeometryDirectly(f, g);
	} else if (OGR_F_GetGeometryRef(f) != NULL) {
		OGR_F_SetGeometryDirectly(f, NULL);
	}
	for (int k = 0; k < n; k++) {
		const tasi_value *v = &vals[k];
		switch (v->kind) {
		case 1:
			OGR_F_SetFieldInteger64(f, k, v->i);
			break;
		case 2:
			OGR_F_SetFieldDouble(f, k, v->d);
			break;
		case 3:
			OGR_F_SetFieldString(f, k, arena + v->i);
			break;
		case 4:
			OGR_F_SetFieldDateTimeEx(f, k, v->year, v->month, v->day, v->hour, v->minute,
				(float)v->d, v->tz);
			break;
		default:
			OGR_F_SetFieldNull(f, k);
		}
	}
	return tasi_end(OGR_L_CreateFeature(l, f) != OGRERR_NONE, "cannot insert feature", err);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/airbusgeo/godal"
)

// setup registers GDAL's drivers and checks godal's struct layout, once per process
// (GDALAllRegister scans the plugin directory each time it is called).
var setup = sync.OnceValue(func() error {
	godal.RegisterAll()
	return checkGodalLayout()
})

// checkGodalLayout verifies that godal.Dataset and godal.Layer are a single C handle,
// which datasetHandle and layerHandle rely on.
func checkGodalLayout() error {
	word := unsafe.Sizeof(uintptr(0))
	for _, t := range []reflect.Type{reflect.TypeFor[godal.Dataset](), reflect.TypeFor[godal.Layer]()} {
		f := reflect.StructField{Type: t}
		for f.Type.Kind() == reflect.Struct && f.Type.NumField() == 1 {
			f = f.Type.Field(0)
		}
		if t.Size() != word || f.Type.Kind() != reflect.UnsafePointer {
			return fmt.Errorf("godal.%s no longer wraps a single C handle: update data/ogr/gdal.go", t.Name())
		}
	}
	return nil
}

func datasetHandle(ds *godal.Dataset) C.GDALDatasetH {
	return C.GDALDatasetH(*(*unsafe.Pointer)(unsafe.Pointer(ds)))
}

func layerHandle(l *godal.Layer) C.OGRLayerH {
	return C.OGRLayerH(*(*unsafe.Pointer)(unsafe.Pointer(l)))
}

// cError turns a message from a tasi_* helper into an error and frees it.
func cError(msg *C.char) error {
	err := errors.New(C.GoString(msg))
	C.CPLFree(unsafe.Pointer(msg))
	return err
}

// fieldDefn is one attribute column of a layer being read.
type fieldDefn struct {
	name    string
	typ     C.OGRFieldType
	subtype C.OGRFieldSubType
}

// layerReader reads the features of one layer, reprojected to WGS84 lon/lat unless keepCRS.
type layerReader struct {
	layer   C.OGRLayerH
	fields  []fieldDefn
	srsName string // authority:code, else the CRS name; "" if none
	ct      C.OGRCoordinateTransformationH
	feature C.OGRFeatureH // current feature
	wkb     []byte        // reused export buffer
	native  bool          // geometry stays in the layer's CRS (keepCRS)
}

// errNoCRS is returned by newLayerReader for a layer with geometries but no CRS.
var errNoCRS = errors.New("no CRS")

// newLayerReader prepares l for reading. assume is the CRS to use when l has none.
func newLayerReader(l *godal.Layer, assume string) (*layerReader, error) {
	r := &layerReader{layer: layerHandle(l)}
	defn := C.OGR_L_GetLayerDefn(r.layer)
	r.fields = make([]fieldDefn, int(C.OGR_FD_GetFieldCount(defn)))
	for i := range r.fields {
		fd := C.OGR_FD_GetFieldDefn(defn, C.int(i))
		r.fields[i] = fieldDefn{
			name:    C.GoString(C.OGR_Fld_GetNameRef(fd)),
			typ:     C.OGR_Fld_GetType(fd),
			subtype: C.OGR_Fld_GetSubType(fd),
		}
	}
	if C.OGR_FD_GetGeomFieldCount(defn) == 0 {
		return r, nil
	}
	srs := C.OGR_L_GetSpatialRef(r.layer)
	if srs == nil {
		if assume == "" {
			return nil, errNoCRS
		}
		cdef := C.CString(assume)
		defer C.free(unsafe.Pointer(cdef))
		var msg *C.char
		if srs = C.tasi_new_srs(cdef, &msg); srs == nil {
			return nil, fmt.Errorf("assumed CRS %q: %w", assume, cError(msg))
		}
		defer C.OSRRelease(srs)
	}
	r.srsName = srsName(srs)
	var same C.int
	var msg *C.char
	r.ct = C.tasi_to_wgs84(srs, &same, &msg)
	if r.ct == nil && same == 0 {
		return nil, fmt.Errorf("transform from %s: %w", r.srsName, cError(msg))
	}
	return r, nil
}

// fieldNames returns the attribute names of layer l in layer order.
func fieldNames(l *godal.Layer) []string {
	defn := C.OGR_L_GetLayerDefn(layerHandle(l))
	out := make([]string, int(C.OGR_FD_GetFieldCount(defn)))
	for i := range out {
		out[i] = C.GoString(C.OGR_Fld_GetNameRef(C.OGR_FD_GetFieldDefn(defn, C.int(i))))
	}
	return out
}

// srsName returns "AUTHORITY:CODE" for s, or its name when it has no authority code.
func srsName(s C.OGRSpatialReferenceH) string {
	auth, code := C.OSRGetAuthorityName(s, nil), C.OSRGetAuthorityCode(s, nil)
	if auth != nil && code != nil {
		return C.GoString(auth) + ":" + C.GoString(code)
	}
	if name := C.OSRGetName(s); name != nil {
		return C.GoString(name)
	}
	return "unnamed CRS"
}

// next moves to the next feature and returns its FID; ok is false at the end.
func (r *layerReader) next() (fid int64, ok bool, err error) {
	if r.feature != nil {
		C.OGR_F_Destroy(r.feature)
		r.feature = nil
	}
	var msg *C.char
	r.feature = C.tasi_next_feature(r.layer, &msg)
	if r.feature == nil {
		if msg != nil {
			return 0, false, cError(msg)
		}
		return 0, false, nil
	}
	return int64(C.OGR_F_GetFID(r.feature)), true, nil
}

// geometryWKB returns the current feature's geometry as 2D WKB in lon/lat, or nil
// when it has none. The slice is reused by the next call.
func (r *layerReader) geometryWKB() ([]byte, error) {
	var msg *C.char
	n := int(C.tasi_prepare_geometry(r.feature, r.ct, &msg))
	if n <= 0 {
		if n < 0 {
			return nil, cError(msg)
		}
		return nil, nil
	}
	if cap(r.wkb) < n {
		r.wkb = make([]byte, max(n, 2*cap(r.wkb)))
	}
	buf := r.wkb[:n]
	if C.tasi_export_geometry(r.feature, (*C.uchar)(unsafe.Pointer(unsafe.SliceData(buf))), &msg) != 0 {
		return nil, cError(msg)
	}
	return buf, nil
}

// values stores the current feature's non-null attributes in m, by field name.
func (r *layerReader) values(m map[string]any) {
	h := r.feature
	for i, fd := range r.fields {
		ci := C.int(i)
		if C.OGR_F_IsFieldSetAndNotNull(h, ci) == 0 {
			continue
		}
		switch fd.typ {
		case C.OFTInteger:
			if fd.subtype == C.OFSTBoolean {
				m[fd.name] = C.OGR_F_GetFieldAsInteger(h, ci) != 0
			} else {
				m[fd.name] = int64(C.OGR_F_GetFieldAsInteger(h, ci))
			}
		case C.OFTInteger64:
			m[fd.name] = int64(C.OGR_F_GetFieldAsInteger64(h, ci))
		case C.OFTReal:
			m[fd.name] = float64(C.OGR_F_GetFieldAsDouble(h, ci))
		case C.OFTDate, C.OFTDateTime:
			if t, ok := fieldTime(h, ci, fd.typ == C.OFTDate); ok {
				m[fd.name] = t
			} else if C.OGR_F_IsFieldSetAndNotNull(h, ci) != 0 {
				// A date OGR holds but no calendar has (2019-02-30): the text, for the
				// caller to refuse, never a date rolled over into March.
				m[fd.name] = C.GoString(C.OGR_F_GetFieldAsString(h, ci))
			}
		case C.OFTIntegerList:
			var n C.int
			p := C.OGR_F_GetFieldAsIntegerList(h, ci, &n)
			vals := make([]int64, int(n))
			for k, v := range unsafe.Slice(p, int(n)) {
				vals[k] = int64(v)
			}
			m[fd.name] = vals
		case C.OFTInteger64List:
			var n C.int
			p := C.OGR_F_GetFieldAsInteger64List(h, ci, &n)
			vals := make([]int64, int(n))
			for k, v := range unsafe.Slice(p, int(n)) {
				vals[k] = int64(v)
			}
			m[fd.name] = vals
		case C.OFTRealList:
			var n C.int
			p := C.OGR_F_GetFieldAsDoubleList(h, ci, &n)
			vals := make([]float64, int(n))
			for k, v := range unsafe.Slice(p, int(n)) {
				vals[k] = float64(v)
			}
			m[fd.name] = vals
		case C.OFTStringList:
			p := C.OGR_F_GetFieldAsStringList(h, ci)
			n := int(C.CSLCount(p))
			vals := make([]string, n)
			for k, s := range unsafe.Slice(p, n) {
				vals[k] = C.GoString(s)
			}
			m[fd.name] = vals
		case C.OFTBinary:
			var n C.int
			p := C.OGR_F_GetFieldAsBinary(h, ci, &n)
			m[fd.name] = C.GoBytes(unsafe.Pointer(p), n)
		default: // OFTString, OFTTime and any newer type: OGR's text form
			m[fd.name] = C.GoString(C.OGR_F_GetFieldAsString(h, ci))
		}
	}
}

// fieldTime reads a Date or DateTime field. Dates are midnight UTC; date-times with
// an unknown or "local" time zone are taken as UTC, those with an offset keep it.
func fieldTime(h C.OGRFeatureH, i C.int, dateOnly bool) (time.Time, bool) {
	var y, mo, d, hh, mi, tz C.int
	var sec C.float
	if C.OGR_F_GetFieldAsDateTimeEx(h, i, &y, &mo, &d, &hh, &mi, &sec, &tz) == 0 {
		return time.Time{}, false
	}
	if day := time.Date(int(y), time.Month(mo), int(d), 0, 0, 0, 0, time.UTC); day.Day() != int(d) || day.Month() != time.Month(mo) {
		return time.Time{}, false // no such day: time.Date would roll it into the next month
	}
	if dateOnly {
		return time.Date(int(y), time.Month(mo), int(d), 0, 0, 0, 0, time.UTC), true
	}
	loc := time.UTC
	if tz > 1 && tz != 100 {
		loc = time.FixedZone("", (int(tz)-100)*15*60)
	}
	// OGR keeps seconds as a float32: round to the millisecond GeoPackage stores.
	ms := int64(float64(sec)*1000 + 0.5)
	return time.Date(int(y), time.Month(mo), int(d), int(hh), int(mi), 0, 0, loc).
		Add(time.Duration(ms) * time.Millisecond), true
}

// keepCRS makes r hand out geometry in the layer's own CRS, untransformed.
func (r *layerReader) keepCRS() {
	if r.ct != nil {
		C.OCTDestroyCoordinateTransformation(r.ct)
		r.ct = nil
	}
	r.native = true
}

func (r *layerReader) close() {
	if r.feature != nil {
		C.OGR_F_Destroy(r.feature)
		r.feature = nil
	}
	if r.ct != nil {
		C.OCTDestroyCoordinateTransformation(r.ct)
		r.ct = nil
	}
}

// cLayer is a layer handle being written.
type cLayer struct{ h C.OGRLayerH }

// createLayer creates a layer in ds through the C API, which unlike godal's
// CreateLayer takes layer creation options. epsg is ignored for kind None.
func createLayer(ds *godal.Dataset, name string, epsg int, kind GeometryKind, options []string) (cLayer, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	copts := make([]*C.char, 0, len(options)+1)
	for _, o := range options {
		copts = append(copts, C.CString(o))
	}
	copts = append(copts, nil)
	defer func() {
		for _, p := range copts {
			C.free(unsafe.Pointer(p))
		}
	}()
	var msg *C.char
	h := C.tasi_create_layer(datasetHandle(ds), cname, C.int(epsg), C.OGRwkbGeometryType(kind.ogrType()), &copts[0], &msg)
	if h == nil {
		return cLayer{}, cError(msg)
	}
	return cLayer{h}, nil
}

// createField adds an attribute column to l.
func (l cLayer) createField(name string, t FieldType) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	ct := C.OFTString
	switch t {
	case Integer:
		ct = C.OFTInteger64
	case Real:
		ct = C.OFTReal
	case Date:
		ct = C.OFTDate
	case DateTime:
		ct = C.OFTDateTime
	}
	var msg *C.char
	if C.tasi_create_field(l.h, cname, C.OGRFieldType(ct), &msg) != 0 {
		return cError(msg)
	}
	return nil
}

// featureBuffer holds one feature's values on the Go side and writes them with one
// cgo call into a reused OGRFeature, so that a feature costs no allocation but its
// geometry's.
type featureBuffer struct {
	layer   C.OGRLayerH
	feature C.OGRFeatureH
	vals    []C.tasi_value
	arena   []byte  // NUL-terminated strings that vals point into
	msg     *C.char // error message out-parameter; a field so that &msg costs no allocation
}

func newFeatureBuffer(l cLayer, nfields int) *featureBuffer {
	return &featureBuffer{
		layer:   l.h,
		feature: C.OGR_F_Create(C.OGR_L_GetLayerDefn(l.h)),
		vals:    make([]C.tasi_value, nfields+1), // one spare so &vals[0] always exists
	}
}

func (b *featureBuffer) reset() { b.arena = b.arena[:0] }

func (b *featureBuffer) setNull(i int) { b.vals[i].kind = 0 }

func (b *featureBuffer) setInt(i int, v int64) {
	b.vals[i].kind, b.vals[i].i = 1, C.longlong(v)
}

func (b *featureBuffer) setReal(i int, v float64) {
	b.vals[i].kind, b.vals[i].d = 2, C.double(v)
}

func (b *featureBuffer) setString(i int, s string) {
	b.vals[i].kind, b.vals[i].i = 3, C.longlong(len(b.arena))
	b.arena = append(b.arena, s...)
	b.arena = append(b.arena, 0)
}

// setTime stores t's calendar date in t's location for a Date field, and for a
// DateTime field the instant in UTC to the millisecond.
func (b *featureBuffer) setTime(i int, t time.Time, dateOnly bool) {
	v := &b.vals[i]
	v.kind = 4
	if dateOnly {
		v.year, v.month, v.day = C.int(t.Year()), C.int(t.Month()), C.int(t.Day())
		v.hour, v.minute, v.d, v.tz = 0, 0, 0, 0
		return
	}
	t = t.UTC().Round(time.Millisecond)
	v.year, v.month, v.day = C.int(t.Year()), C.int(t.Month()), C.int(t.Day())
	v.hour, v.minute = C.int(t.Hour()), C.int(t.Minute())
	v.d = C.double(float64(t.Second()) + float64(t.Nanosecond())/1e9)
	v.tz = 100 // UTC
}

// write inserts the buffered values with the geometry in wkb (nil for none).
func (b *featureBuffer) write(wkb []byte) error {
	var p *C.uchar
	if wkb != nil {
		p = (*C.uchar)(unsafe.Pointer(unsafe.SliceData(wkb)))
	}
	var arena *C.char
	if len(b.arena) > 0 {
		arena = (*C.char)(unsafe.Pointer(unsafe.SliceData(b.arena)))
	}
	if C.tasi_write_feature(b.layer, b.feature, p, C.int(len(wkb)), &b.vals[0], C.int(len(b.vals)-1), arena, &b.msg) != 0 {
		return cError(b.msg)
	}
	return nil
}

func (b *featureBuffer) close() {
	if b.feature != nil {
		C.OGR_F_Destroy(b.feature)
		b.feature = nil
	}
}
