package control

import (
	"fmt"

	"github.com/mockpay/mockpay/internal/junit"
)

// JUnit renders a report as JUnit XML: one testsuite per scenario file, one
// testcase per expectation and merchant, a failure for each unmet one with
// what mockpay saw.
func JUnit(rep ExpectationReport) []byte {
	out := junit.Suites{Name: "mockpay expectations"}
	index := map[string]int{}
	for _, r := range rep.Expectations {
		i, ok := index[r.Set]
		if !ok {
			i = len(out.Suites)
			index[r.Set] = i
			out.Suites = append(out.Suites, junit.Suite{Name: r.Set})
		}
		merchant := r.Tenant
		if merchant == "" {
			merchant = "no merchant"
		}
		c := junit.Case{Name: r.Expectation + " [" + merchant + "]", Classname: "mockpay.expectations",
			Line: r.Line, SystemOut: "seen: " + r.Seen}
		if r.Source == "file" {
			c.File = r.Set
		}
		if !r.Met {
			c.Failure = &junit.Failure{Message: "unmet: " + r.Seen, Type: "unmet",
				Text: fmt.Sprintf("%s:%d:%d: %s for %s, but %s", r.Set, r.Line, r.Column, r.Expectation, merchant, r.Seen)}
		}
		out.Add(i, c)
	}
	return out.Marshal()
}
