package text

// Plural returns one when n is 1, else many: Plural(n, "schema", "schemas").
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
