// Package junit writes JUnit XML, the test report format CI systems read
// (Jenkins, GitLab, GitHub actions that publish test results):
// <testsuites><testsuite><testcase><failure/>. The receiver audit and the
// expectations report both write it; this package knows neither.
package junit

import "encoding/xml"

// Suites is the document.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is one <testsuite>.
type Suite struct {
	Name      string `xml:"name,attr"`
	Tests     int    `xml:"tests,attr"`
	Failures  int    `xml:"failures,attr"`
	Errors    int    `xml:"errors,attr,omitempty"`
	Time      string `xml:"time,attr,omitempty"`
	Timestamp string `xml:"timestamp,attr,omitempty"`
	Cases     []Case `xml:"testcase"`
}

// Case is one <testcase>.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	File      string   `xml:"file,attr,omitempty"`
	Line      int      `xml:"line,attr,omitempty"`
	Time      string   `xml:"time,attr,omitempty"`
	Failure   *Failure `xml:"failure,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Failure is a failed case's <failure>.
type Failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Add appends a case to the suite and counts it, in the document too.
func (d *Suites) Add(suite int, c Case) {
	s := &d.Suites[suite]
	s.Cases = append(s.Cases, c)
	s.Tests++
	d.Tests++
	if c.Failure != nil {
		s.Failures++
		d.Failures++
	}
}

// Marshal renders the document with its XML header.
func (d Suites) Marshal() []byte {
	data, err := xml.MarshalIndent(d, "", "  ")
	if err != nil { // strings and numbers only: cannot happen
		return []byte(xml.Header + "<testsuites/>\n")
	}
	return append(append([]byte(xml.Header), data...), '\n')
}
