package conform

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the table of checks: one row per check of each operation and flow, each violation
// of a failed check on a line of its own, then the totals.
func WriteText(w io.Writer, rep *Report) error {
	mode := "read-only"
	if rep.AllowWrites {
		mode = "writes allowed"
	}
	fmt.Fprintf(w, "\nconform %s against %s (%s)%s\n\n", rep.API, rep.BaseURL, mode, generationHeader(rep))
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OPERATION\tCHECK\tRESULT\tDETAIL")
	for _, t := range rep.Targets() {
		name := t.Name
		if t.Kind == KindFlow {
			name = "flow " + t.Name
		}
		for _, ch := range t.Checks {
			switch ch.Status {
			case Pass:
				fmt.Fprintf(tw, "%s\t%s\tpass\t%s\n", name, ch.Name, generatedDetail(ch))
			case Skip:
				fmt.Fprintf(tw, "%s\t%s\tskip\t%s\n", name, ch.Name, ch.Reason)
			case Fail:
				for i, v := range ch.Violations {
					if i == 0 {
						fmt.Fprintf(tw, "%s\t%s\tFAIL\t%s\n", name, ch.Name, v)
					} else {
						fmt.Fprintf(tw, "\t\t\t%s\n", v)
					}
					if v.Reproduce != "" {
						fmt.Fprintf(tw, "\t\t\treproduce: %s\n", v.Reproduce)
					}
				}
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimRight(table.String(), "\n"), "\n") {
		if _, err := io.WriteString(w, strings.TrimRight(line, " ")+"\n"); err != nil {
			return err
		}
	}
	if ops := exampleAnswered(rep); len(ops) > 0 {
		fmt.Fprintf(w, "\nexample-answered (the server has no handler; the checks test the spec's examples): %s\n", strings.Join(ops, ", "))
	}
	if err := writeMissingCredentials(w, rep); err != nil {
		return err
	}
	verdict := "PASSED"
	if !rep.Passed() {
		verdict = "FAILED"
	}
	s := rep.Summary
	_, err := fmt.Fprintf(w, "\n%s: %d checks, %d passed, %d failed, %d skipped; %d of %d operations answered 2xx\n",
		verdict, s.Checks, s.Passed, s.Failed, s.Skipped, rep.Answered2xx, len(rep.Operations))
	if err == nil {
		err = writeGenerationSummary(w, rep)
	}
	return err
}

// writeMissingCredentials lists the credentials checks were skipped for, and whether that fails the run.
func writeMissingCredentials(w io.Writer, rep *Report) error {
	if len(rep.MissingCredentials) == 0 {
		return nil
	}
	head := "Checks were skipped for missing credentials, so the run fails (--allow-skips lets it pass):"
	if rep.AllowSkips {
		head = "Checks were skipped for missing credentials (allowed by --allow-skips):"
	}
	if _, err := fmt.Fprintf(w, "\n%s\n", head); err != nil {
		return err
	}
	for _, m := range rep.MissingCredentials {
		if _, err := fmt.Fprintf(w, "  %s (%s)\n", m.Reason, strings.Join(m.Targets, ", ")); err != nil {
			return err
		}
	}
	return nil
}

// exampleAnswered names the operations the server answered from the spec's examples.
func exampleAnswered(rep *Report) []string {
	var ops []string
	for _, t := range rep.Operations {
		if t.ExampleAnswered {
			ops = append(ops, t.Name)
		}
	}
	return ops
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML: a testsuite per operation and flow, a testcase per check;
// a failed check carries its violations, a skipped one its reason.
func WriteJUnit(w io.Writer, rep *Report) error {
	s := rep.Summary
	out := junitSuites{
		Name: "vendorctl conform " + rep.API + generationHeader(rep), Tests: s.Checks, Failures: s.Failed, Skipped: s.Skipped,
		Time: seconds(rep.DurationMS),
	}
	for _, t := range rep.Targets() {
		c := t.Counts()
		suite := junitSuite{Name: rep.API + " " + t.Name, Tests: c.Checks, Failures: c.Failed, Skipped: c.Skipped, Time: seconds(t.DurationMS)}
		if t.Kind == KindOperation {
			suite.Name += " (" + t.Method + " " + t.Path + ")"
		} else {
			suite.Name += " (flow)"
		}
		class := rep.API + "." + t.Name
		for _, ch := range t.Checks {
			tc := junitCase{Classname: class, Name: ch.Name, Time: "0"}
			switch ch.Status {
			case Fail:
				lines := make([]string, len(ch.Violations))
				for i, v := range ch.Violations {
					lines[i] = v.String()
					if v.Reproduce != "" {
						lines[i] += "\nreproduce: " + v.Reproduce
					}
				}
				tc.Failure = &junitFailure{Message: lines[0], Type: ch.Name, Text: strings.Join(lines, "\n")}
				if len(lines) > 1 {
					tc.Failure.Message = fmt.Sprintf("%s (and %d more)", lines[0], len(lines)-1)
				}
			case Skip:
				tc.Skipped = &junitSkipped{Message: ch.Reason}
			}
			suite.Cases = append(suite.Cases, tc)
		}
		out.Suites = append(out.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(ms float64) string { return fmt.Sprintf("%.3f", ms/1000) }
