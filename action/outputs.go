package action

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/schemareg/schemareg/internal/text"
)

// outputDelimiterPrefix starts each output's delimiter; a random part
// follows, new for every value, as GitHub recommends for multiline values:
// a value cannot end itself early and set another output, since it cannot
// know the delimiter.
const outputDelimiterPrefix = "ghadelimiter_"

// outputFile writes outputs to the GITHUB_OUTPUT file at path as
// "name<<DELIMITER\nvalue\nDELIMITER\n", with a fresh random delimiter per
// value. Names must be the action's own; values have their control
// characters escaped (text.QuoteControl), so a file name holding a
// line break stays one line of one output.
func outputFile(path string, outs [][2]string, random io.Reader) error {
	var b strings.Builder
	for _, o := range outs {
		name, value := o[0], text.QuoteControl(o[1])
		if name == "" || text.HasControl(name) || strings.ContainsAny(name, "<=") {
			return fmt.Errorf("write output %q: not a valid output name", name)
		}
		delim, err := outputDelimiter(random)
		if err != nil {
			return fmt.Errorf("write output %s: %w", name, err)
		}
		if strings.Contains(value, delim) || strings.Contains(name, delim) {
			return fmt.Errorf("write output %s: the value holds its delimiter", name)
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", name, delim, value, delim)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("write outputs: %w", err)
	}
	if _, err := io.WriteString(f, b.String()); err != nil {
		f.Close()
		return fmt.Errorf("write outputs: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write outputs: %w", err)
	}
	return nil
}

// outputDelimiter returns outputDelimiterPrefix and 128 random bits in hex.
func outputDelimiter(random io.Reader) (string, error) {
	var buf [16]byte
	if _, err := io.ReadFull(random, buf[:]); err != nil {
		return "", fmt.Errorf("random delimiter: %w", err)
	}
	return fmt.Sprintf("%s%x", outputDelimiterPrefix, buf), nil
}

// cryptoRandom is the delimiters' source.
func cryptoRandom() io.Reader { return rand.Reader }
