package mockkit

import (
	"errors"

	"github.com/labstack/echo/v4"
)

// AnswerHeader marks an answer taken from the spec's examples rather than from the vendor's behaviour:
// an operation the mock has no handler for (its generated StrictExampleFallback), or a forced Prefer
// answer. Its value is AnswerExample.
const (
	AnswerHeader  = "X-Vendorctl-Answer"
	AnswerExample = "example"
)

// exampleAnswerError is what a generated StrictExampleFallback method returns (gen/<api>'s
// *ExampleAnswer): the operation has no handler in the mock.
type exampleAnswerError interface {
	error
	ExampleOperationID() string
}

// IsExampleAnswer reports whether err says that the operation has no handler and is to be answered from
// the spec's examples (the error of a generated StrictExampleFallback method).
func IsExampleAnswer(err error) bool {
	var ex exampleAnswerError
	return errors.As(err, &ex)
}

// answerExamples answers an operation the mock leaves to its StrictExampleFallback from the spec: the
// first success response and its example (a request with Prefer never gets here: prefer answers it). It
// runs inside authentication and request validation, and its answer is self-checked like any other.
func (a *api) answerExamples(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || !IsExampleAnswer(err) || c.Response().Committed {
			return err
		}
		route := RouteOf(c)
		if route == nil {
			return err
		}
		return answerFromSpec(c, route, preference{})
	}
}
