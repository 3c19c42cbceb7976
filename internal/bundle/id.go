package bundle

// MaxIDLength is the longest schema id.
const MaxIDLength = 128

// ValidID reports whether id is a schema id: ^[a-z][a-z0-9_.-]{0,127}$.
// Every part checks ids with it before using one in a path, a key or a URL.
func ValidID(id string) bool {
	if len(id) == 0 || len(id) > MaxIDLength || id[0] < 'a' || id[0] > 'z' {
		return false
	}
	for i := 1; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// validVersionName reports whether v can name a file and a key: the
// characters of a semantic version, nothing that walks a path.
func validVersionName(v string) bool {
	if len(v) == 0 || len(v) > 128 || v[0] < '0' || v[0] > '9' {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
