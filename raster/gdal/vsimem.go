package gdal

// The one call godal v0.0.18 does not wrap: putting a buffer into GDAL's /vsimem/ file
// system. godal can unlink the file afterwards (godal.VSIUnlink).

/*
#cgo pkg-config: gdal
#include <stdlib.h>
#include <cpl_vsi.h>

// tasi_vsimem_put makes buf (n bytes, allocated with malloc) the content of the /vsimem/
// file name. GDAL takes ownership of buf and frees it when the file is unlinked; on
// failure buf is freed here. Returns 0 on success.
static int tasi_vsimem_put(const char *name, void *buf, size_t n) {
	VSILFILE *f = VSIFileFromMemBuffer(name, (GByte *)buf, (vsi_l_offset)n, TRUE);
	if (f == NULL) {
		free(buf);
		return 1;
	}
	VSIFCloseL(f);
	return 0;
}
*/
import "C"

import (
	"crypto/rand"
	"errors"
	"path"
	"unsafe"

	"github.com/airbusgeo/godal"
)

// memFile is a file in GDAL's /vsimem/ file system.
type memFile struct{ path string }

// newMemFile copies b into a new /vsimem/ file with a unique path ending in base (GDAL
// picks some drivers by extension). The copy lives in C memory: GDAL keeps the buffer
// after the call returns, which cgo forbids for Go memory.
func newMemFile(base string, b []byte) (*memFile, error) {
	p := "/vsimem/tasi-raster-" + rand.Text() + "/" + path.Base("/"+base)
	cpath := C.CString(p)
	defer C.free(unsafe.Pointer(cpath))
	var buf unsafe.Pointer
	if len(b) > 0 {
		buf = C.CBytes(b)
	} else {
		buf = C.malloc(1)
	}
	if C.tasi_vsimem_put(cpath, buf, C.size_t(len(b))) != 0 {
		return nil, errors.New("cannot create an in-memory file")
	}
	return &memFile{p}, nil
}

// remove deletes the file and frees its buffer.
func (f *memFile) remove() error { return godal.VSIUnlink(f.path) }
