// Package vitecmaklareapi is generated from specs/vitecmaklare/openapi.yaml. Do not edit.
package vitecmaklareapi

//go:generate go tool oapi-codegen -config types.cfg.yaml ../../specs/vitecmaklare/openapi.yaml
//go:generate go tool oapi-codegen -config server.cfg.yaml ../../specs/vitecmaklare/openapi.yaml
//go:generate go tool oapi-codegen -config client.cfg.yaml ../../specs/vitecmaklare/openapi.yaml
//go:generate go tool oapi-codegen -config fallback.cfg.yaml ../../specs/vitecmaklare/openapi.yaml
