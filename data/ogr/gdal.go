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

// tasi_value is one attribute written or read. kind: 0 NULL, 1 integer (i), 2 real (d),
// 3 string (i is its offset in the arena: NUL-terminated when writing, len bytes when
// reading), 4 date/time (the parts, seconds in d), -1 (reading) a date/time OGR
// cannot split into parts.
typedef struct {
	int kind;
	int year, month, day, hour, minute, tz;
	int len;
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

// tasi_read_batch reads up to n features of l, each into nf values of vals (row by row,
// field k read as kinds[k]: 1 integer, 2 real, 3 string, 4 date/time) and its FID into
// fids, so that a batch of rows costs one cgo call. Strings are copied into arena, of
// size cap, whose used length is returned in *used. A feature whose strings do not fit
// is not read but left in *pending, where the next call starts (it must start with
// *pending as this call left it). Returns the number of rows read, fewer than n at the
// end of the layer or when the arena is full (then *pending is set), or -1 on error.
static int tasi_read_batch(OGRLayerH l, OGRFeatureH *pending, const int *kinds, int nf,
		tasi_value *vals, long long *fids, int n, char *arena, int cap, int *used, char **err) {
	tasi_begin();
	int rows = 0, at = 0;
	while (rows < n) {
		OGRFeatureH f = *pending;
		*pending = NULL;
		if (f == NULL) {
			CPLErrorReset();
			f = OGR_L_GetNextFeature(l);
			if (f == NULL) {
				if (CPLGetLastErrorType() >= CE_Failure) {
					*used = at;
					tasi_end(1, "cannot read feature", err);
					return -1;
				}
				break;
			}
		}
		tasi_value *row = vals + (long long)rows * nf;
		int start = at, full = 0;
		for (int k = 0; k < nf && !full; k++) {
			tasi_value *v = &row[k];
			if (!OGR_F_IsFieldSetAndNotNull(f, k)) {
				v->kind = 0;
				continue;
			}
			v->kind = kinds[k];
			switch (kinds[k]) {
			case 1:
				v->i = OGR_F_GetFieldAsInteger64(f, k);
				break;
			case 2:
				v->d = OGR_F_GetFieldAsDouble(f, k);
				break;
			case 3: {
				const char *s = OGR_F_GetFieldAsString(f, k);
				size_t len = strlen(s);
				if (len > (size_t)(cap - at)) {
					full = 1;
					break;
				}
				memcpy(arena + at, s, len);
				v->i = at;
				v->len = (int)len;
				at += (int)len;
				break;
			}
			case 4: {
				float sec = 0;
				if (!OGR_F_GetFieldAsDateTimeEx(f, k, &v->year, &v->month, &v->day,
						&v->hour, &v->minute, &sec, &v->tz)) {
					v->kind = -1;
				}
				v->d = sec;
				break;
			}
			}
		}
		if (full) {
			at = start;
			*pending = f;
			break;
		}
		fids[rows] = OGR_F_GetFID(f);
		OGR_F_Destroy(f);
		rows++;
	}
	*used = at;
	tasi_end(0, "", err);
	return rows;
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

// fieldTime reads a Date or DateTime field as civilTime does.
func fieldTime(h C.OGRFeatureH, i C.int, dateOnly bool) (time.Time, bool) {
	var y, mo, d, hh, mi, tz C.int
	var sec C.float
	if C.OGR_F_GetFieldAsDateTimeEx(h, i, &y, &mo, &d, &hh, &mi, &sec, &tz) == 0 {
		return time.Time{}, false
	}
	return civilTime(dateParts{int(y), int(mo), int(d), int(hh), int(mi), int(tz), float64(sec)}, dateOnly, nil)
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

// batchReader reads the rows of a layerReader a batch at a time, one cgo call a batch
// (tasi_read_batch), into buffers allocated once: per row, a value per field and the FID.
// The buffers hold no Go pointers, as cgo requires of memory passed to C.
type batchReader struct {
	r     *layerReader
	kinds []C.int // per field: 1 integer, 2 real, 3 string, 4 date/time
	vals  []C.tasi_value
	fids  []int64
	arena []byte
	rows  int // rows in the buffers
	used  C.int
	msg   *C.char
}

// Value kinds of tasi_value and batchReader.kinds.
const (
	kindBadDate = -1 // a date/time OGR cannot split into parts
	kindNull    = 0
	kindInt     = 1
	kindReal    = 2
	kindString  = 3
	kindTime    = 4
)

// newBatchReader reads r in batches of up to rows rows with an arena of arena bytes for
// their strings to start with, each field as kinds says.
func newBatchReader(r *layerReader, kinds []int, rows, arena int) *batchReader {
	b := &batchReader{
		r:     r,
		kinds: make([]C.int, len(kinds)+1), // one spare so &kinds[0] always exists
		vals:  make([]C.tasi_value, max(rows*len(kinds), 1)),
		fids:  make([]int64, rows),
		arena: make([]byte, max(arena, 1)),
	}
	for k, kind := range kinds {
		b.kinds[k] = C.int(kind)
	}
	return b
}

// read reads the next batch and returns its number of rows, 0 at the end. An arena too
// small for a single row is grown until it holds it.
func (b *batchReader) read() (int, error) {
	nf := len(b.kinds) - 1
	for {
		n := C.tasi_read_batch(b.r.layer, &b.r.feature, &b.kinds[0], C.int(nf), &b.vals[0],
			(*C.longlong)(unsafe.Pointer(unsafe.SliceData(b.fids))), C.int(len(b.fids)),
			(*C.char)(unsafe.Pointer(unsafe.SliceData(b.arena))), C.int(len(b.arena)), &b.used, &b.msg)
		if n < 0 {
			b.rows = 0
			return 0, cError(b.msg)
		}
		b.rows = int(n)
		if n > 0 || b.r.feature == nil {
			return b.rows, nil
		}
		if len(b.arena) >= 1<<30 { // C.int holds the next size no more
			return 0, errors.New("a row's strings exceed 1 GiB")
		}
		b.arena = make([]byte, 2*len(b.arena))
	}
}

// kind returns the kind of value k of row i of the batch: kindNull, the field's kind,
// or kindBadDate.
func (b *batchReader) kind(i, k int) int { return int(b.vals[i*(len(b.kinds)-1)+k].kind) }

func (b *batchReader) int(i, k int) int64 { return int64(b.vals[i*(len(b.kinds)-1)+k].i) }

func (b *batchReader) real(i, k int) float64 { return float64(b.vals[i*(len(b.kinds)-1)+k].d) }

// bytes returns a string value as bytes in the arena, valid until the next read.
func (b *batchReader) bytes(i, k int) []byte {
	v := &b.vals[i*(len(b.kinds)-1)+k]
	return b.arena[v.i : v.i+C.longlong(v.len)]
}

func (b *batchReader) date(i, k int) dateParts {
	v := &b.vals[i*(len(b.kinds)-1)+k]
	return dateParts{int(v.year), int(v.month), int(v.day), int(v.hour), int(v.minute), int(v.tz), float64(v.d)}
}

// columnKind returns how QueryColumns reads a field of fd's type: kindInt, kindReal,
// kindString or kindTime (dateOnly for a Date), or kindNull for a type it does not
// read; typeName is OGR's name for the type.
func (fd fieldDefn) columnKind() (kind int, dateOnly bool, typeName string) {
	typeName = C.GoString(C.OGR_GetFieldTypeName(fd.typ))
	switch fd.typ {
	case C.OFTInteger, C.OFTInteger64:
		return kindInt, false, typeName
	case C.OFTReal:
		return kindReal, false, typeName
	case C.OFTString:
		return kindString, false, typeName
	case C.OFTDate:
		return kindTime, true, typeName
	case C.OFTDateTime:
		return kindTime, false, typeName
	}
	return kindNull, false, typeName
}
