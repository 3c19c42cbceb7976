package compat

import (
	"fmt"
	"strings"
)

// Policy is Confluent's compatibility policy for open content models.
type Policy string

// The policies. LENIENT is the default.
const (
	// PolicyLenient treats an open content model as open: adding a property
	// to it is compatible.
	PolicyLenient Policy = "LENIENT"
	// PolicyStrict uses value-set semantics: adding a property to an open
	// content model narrows the values it accepts, which breaks.
	PolicyStrict Policy = "STRICT"
)

// ParsePolicy parses a policy name, case-insensitively; "" is LENIENT.
func ParsePolicy(s string) (Policy, error) {
	switch strings.ToUpper(s) {
	case "", string(PolicyLenient):
		return PolicyLenient, nil
	case string(PolicyStrict):
		return PolicyStrict, nil
	}
	return "", fmt.Errorf("unknown compatibility policy %q; use LENIENT or STRICT", s)
}
