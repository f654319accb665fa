package tiles

import "regexp"

// A shoreline's source is the label the reader gave it: "<file> layer "<name>" feature
// <fid>", several joined by "; ". The file is the path the analysis was given, often
// absolute, which says how the server's disks are laid out: tiles publish its base name
// only, while the database and the logs keep the path.
//
// dirPart matches the folders of each file in such a label: from the start of the label
// or of a part after "; " up to the last slash or backslash before the next "; ".
var dirPart = regexp.MustCompile(`(^|; )[^;]*[/\\]`)

// publicSource returns a shoreline source label with its files' folders left out.
func publicSource(label string) string { return dirPart.ReplaceAllString(label, "$1") }

// sourceSQL is publicSource in SQL, for tiles cut by PostGIS.
const sourceSQL = `regexp_replace(t.source, '(^|; )[^;]*[/\\]', '\1', 'g')`
