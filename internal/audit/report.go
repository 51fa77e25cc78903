package audit

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
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

// The JUnit XML shape CI tools read (Jenkins, GitLab, GitHub test-report
// actions): <testsuites><testsuite><testcase><failure/>.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []JUnitCase `xml:"testcase"`
}

// JUnitCase is one <testcase>; exported so tests can read the file back.
type JUnitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *JUnitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

// JUnitFailure is a failed case's <failure>.
type JUnitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML: one testsuite for the audit,
// one testcase per case (classname audit.<provider>.<kind>).
func (r Report) WriteJUnit(w io.Writer) error {
	suite := junitSuite{
		Name: "mockpay audit-receiver " + r.Provider + " " + r.URL, Tests: len(r.Results), Failures: r.Failed,
		Timestamp: r.Started.Format("2006-01-02T15:04:05"),
	}
	var total int64
	for _, res := range r.Results {
		total += res.Millis
		c := JUnitCase{
			Name: res.ID, Classname: "audit." + r.Provider + "." + string(res.Kind), Time: seconds(res.Millis),
			SystemOut: res.Title + "\nwhat it did: " + res.Did + "\na safe receiver " + res.Safe,
		}
		if !res.Passed {
			c.Failure = &JUnitFailure{Message: res.Did, Type: string(res.Kind),
				Text: strings.Join([]string{res.Title, "A safe receiver " + res.Safe + "."}, "\n")}
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Time = seconds(total)
	doc := junitSuites{Name: "mockpay audit-receiver", Tests: suite.Tests, Failures: suite.Failures, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }
