package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mockpay/mockpay/internal/junit"
)

// WriteTable prints the report for people: one line per case, then, for
// every case that failed, what a safe receiver does.
func (r Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "mockpay receiver audit: %s callbacks to %s (merchant %s, order %s)\n\n", r.Provider, r.URL, r.Merchant, r.Order)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RESULT\tKIND\tCASE\tWHAT IT DID")
	for _, res := range r.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", verdict(res.Passed), res.Kind, res.ID, res.Did)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, res := range r.Results {
		if !res.Passed {
			fmt.Fprintf(w, "\nFAIL %s: %s.\n  A safe receiver %s.\n", res.ID, res.Title, res.Safe)
		}
	}
	// Advice cases pass a receiver that did not break; what it did with
	// the callback cannot be seen from outside, so say what to check.
	fmt.Fprintln(w, "\nWhat the audit cannot see from outside; a careful receiver:")
	for _, res := range r.Results {
		if res.Kind == Advice && res.Passed {
			fmt.Fprintf(w, "  %s (%s): %s.\n", res.ID, res.Title, res.Safe)
		}
	}
	_, err := fmt.Fprintf(w, "\n%d passed, %d failed\n", r.Passed, r.Failed)
	return err
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteJUnit writes the report as JUnit XML: one testsuite for the audit,
// one testcase per case (classname audit.<provider>.<kind>).
func (r Report) WriteJUnit(w io.Writer) error {
	doc := junit.Suites{Name: "mockpay audit-receiver", Suites: []junit.Suite{{
		Name: "mockpay audit-receiver " + r.Provider + " " + r.URL, Timestamp: r.Started.Format("2006-01-02T15:04:05"),
	}}}
	var total int64
	for _, res := range r.Results {
		total += res.Millis
		c := junit.Case{
			Name: res.ID, Classname: "audit." + r.Provider + "." + string(res.Kind), Time: seconds(res.Millis),
			SystemOut: res.Title + "\nwhat it did: " + res.Did + "\na safe receiver " + res.Safe,
		}
		if !res.Passed {
			c.Failure = &junit.Failure{Message: res.Did, Type: string(res.Kind),
				Text: strings.Join([]string{res.Title, "A safe receiver " + res.Safe + "."}, "\n")}
		}
		doc.Add(0, c)
	}
	doc.Suites[0].Time = seconds(total)
	_, err := w.Write(doc.Marshal())
	return err
}

func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }
