package control

import (
	"encoding/xml"
	"fmt"
)

// JUnit XML, the test report format CI systems read (GitLab, Jenkins,
// GitHub actions that publish test results): one testsuite per scenario
// file, one testcase per expectation and merchant, a failure for each
// unmet one with what mockpay saw.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// JUnit renders a report as JUnit XML.
func JUnit(rep ExpectationReport) []byte {
	out := junitSuites{Name: "mockpay expectations"}
	index := map[string]int{}
	for _, r := range rep.Expectations {
		i, ok := index[r.Set]
		if !ok {
			i = len(out.Suites)
			index[r.Set] = i
			out.Suites = append(out.Suites, junitSuite{Name: r.Set})
		}
		merchant := r.Tenant
		if merchant == "" {
			merchant = "no merchant"
		}
		c := junitCase{Name: r.Expectation + " [" + merchant + "]", Classname: "mockpay.expectations",
			Line: r.Line, SystemOut: "seen: " + r.Seen}
		if r.Source == "file" {
			c.File = r.Set
		}
		s := &out.Suites[i]
		s.Tests++
		out.Tests++
		if !r.Met {
			s.Failures++
			out.Failures++
			c.Failure = &junitFailure{Message: "unmet: " + r.Seen, Type: "unmet",
				Text: fmt.Sprintf("%s:%d:%d: %s for %s, but %s", r.Set, r.Line, r.Column, r.Expectation, merchant, r.Seen)}
		}
		s.Cases = append(s.Cases, c)
	}
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil { // only plain strings and numbers: cannot happen
		return []byte(xml.Header + "<testsuites/>\n")
	}
	return append(append([]byte(xml.Header), data...), '\n')
}
