// Package kittest holds the test helpers that the tests of mockkit, mockserver and the vendors share: a
// tiny spec to build a kit API from without a vendor, and requests over the wire.
package kittest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// Spec is a tiny spec for exercising mockkit without a vendor.
const Spec = `
openapi: 3.0.3
info: {title: kit, version: 1.0.0}
servers: [{url: "https://example.invalid/base"}]
security: [{key: []}]
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
        "400": {$ref: "#/components/responses/Err"}
        "401": {$ref: "#/components/responses/Err"}
        "404": {$ref: "#/components/responses/Err"}
        "413": {$ref: "#/components/responses/Err"}
        "500": {$ref: "#/components/responses/Err"}
  /items:
    post:
      operationId: postItem
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Item"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
        "400": {$ref: "#/components/responses/Err"}
        "401": {$ref: "#/components/responses/Err"}
        "413": {$ref: "#/components/responses/Err"}
  /public:
    get:
      operationId: getPublic
      security: []
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: x-key}
  responses:
    Err:
      description: error
      content:
        application/json:
          schema:
            type: object
            required: [problem]
            properties: {problem: {type: string}}
  schemas:
    Item:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string, maxLength: 5}
`

// Call sends a request with Do and returns its status and body.
func Call(t *testing.T, method, url, body string, header map[string]string) (int, string) {
	t.Helper()
	resp, b := Do(t, method, url, body, header)
	return resp.StatusCode, string(b)
}

// Do sends a request over the wire (a body as application/json, as the admin API wants it) and
// returns the answer with its body read.
func Do(t *testing.T, method, url, body string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if host := header["Host"]; host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}
