package scenarios_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mockpay/mockpay/scenarios"
)

func TestCallbackRuleCopiesAndTarget(t *testing.T) {
	type got struct {
		Copies int
		Target string
	}
	tests := []struct {
		name string
		rule scenarios.CallbackRule
		want got
	}{
		{"a zero rule sends the callback once, where it was going", scenarios.CallbackRule{}, got{1, "https://shop.test/cb"}},
		{"drop sends nothing", scenarios.CallbackRule{Drop: true, Duplicate: 2}, got{0, "https://shop.test/cb"}},
		{"duplicate adds copies", scenarios.CallbackRule{Duplicate: 2}, got{3, "https://shop.test/cb"}},
		{"url sends it elsewhere", scenarios.CallbackRule{URL: "http://127.0.0.1:9/x"}, got{1, "http://127.0.0.1:9/x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := got{tc.rule.Copies(), tc.rule.Target("https://shop.test/cb")}
			if diff := cmp.Diff(tc.want, g); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
