package liqpay

import "testing"

func TestCleanID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"order-1", true},
		{"замовлення 42", true},
		{"a b", true},
		{"nul\x00", false},
		{"line\nbreak", false},
		{"tab\there", false},
		{"del\x7f", false},
		{"c1\u0085", false},
		{"bad\xffutf8", false},
	}
	for _, tt := range tests {
		if got := cleanID(tt.id); got != tt.want {
			t.Errorf("cleanID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}
