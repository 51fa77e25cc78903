package e2e

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The README's test-card tables are the embedded default scenarios in
// prose: every card a default scenario names must be in the README.
func TestReadmeListsEveryDefaultTestCard(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	card := regexp.MustCompile(`\b\d{16}\b`)
	for _, provider := range []string{"liqpay", "liquido"} {
		defaults, err := os.ReadFile("../emulator/" + provider + "/defaults.yaml")
		if err != nil {
			t.Fatal(err)
		}
		cards := card.FindAllString(string(defaults), -1)
		if len(cards) == 0 {
			t.Fatalf("%s defaults name no card", provider)
		}
		for _, c := range cards {
			if !strings.Contains(string(readme), "`"+c+"`") {
				t.Errorf("README does not list %s's test card %s", provider, c)
			}
		}
	}
}
