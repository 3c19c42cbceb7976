package text

import "testing"

func TestQuoteControl(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain/ü.json", "plain/ü.json"},
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"\x1b[2J\x7f\u0085\u2028", `\x1b[2J\x7f\x85\u2028`},
		{"bad\xffutf8", "bad\xffutf8"},
	}
	for _, tt := range tests {
		if got := QuoteControl(tt.in); got != tt.want {
			t.Errorf("QuoteControl(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShort(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0123456789abcdef0123", "0123456789ab"},
		{"sha256:0123456789abcdef0123", "sha256:0123456789ab"},
		{"abc", "abc"},
		{"sha256:abc", "sha256:abc"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Short(tt.in); got != tt.want {
			t.Errorf("Short(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
