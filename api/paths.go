package api

import (
	"strings"
)

// What leaves the server of the files a run read: the API answers anyone who can reach
// it, and the absolute paths of the inputs (/home/ana/…, /srv/…) tell how the server's
// disks are laid out and who works on it. Base names and hashes identify an input as well;
// the full paths stay in the database and the logs, for whoever runs the server.

// fileParameter reports whether the parameter of tasi analyze name (a flag name, as
// analysis.Provenance keeps them) names files or folders, several joined by commas for
// the repeatable ones.
func fileParameter(name string) bool {
	switch name {
	case "shorelines", "coastsat-series", "admin", "land", "transects", "coast", "out", "csv-dir",
		"communities", "population", "sites", "dem", "candidates", "roads", "demand", "profiles":
		return true
	}
	return false
}

// publicParameters returns a copy of a run's parameters in which the files and folders
// they name are reduced to their base names. Values of other parameters that are
// absolute paths are reduced too, so that a parameter added later does not leak one.
func publicParameters(p map[string]string) map[string]string {
	out := make(map[string]string, len(p))
	for k, v := range p {
		if fileParameter(k) {
			parts := strings.Split(v, ",")
			for i, part := range parts {
				parts[i] = baseName(part)
			}
			v = strings.Join(parts, ",")
		} else if absolutePath(v) {
			v = baseName(v)
		}
		out[k] = v
	}
	return out
}

// baseName returns the last element of a path, with slashes or backslashes (a run made
// on Windows and served on Linux) as separators; "" stays "".
func baseName(p string) string {
	p = strings.TrimRight(p, `/\`)
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// absolutePath reports whether s is an absolute path on Unix or Windows.
func absolutePath(s string) bool {
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, `\\`) ||
		(len(s) > 2 && s[1] == ':' && (s[2] == '\\' || s[2] == '/'))
}
