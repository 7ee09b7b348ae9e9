package mockkit_test

// A tiny spec for exercising mockkit without a vendor.
const testSpec = `
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
