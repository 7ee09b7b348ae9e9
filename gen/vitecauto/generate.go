// Package vitecautoapi is generated from specs/vitecauto/openapi.yaml. Do not edit.
package vitecautoapi

//go:generate go tool oapi-codegen -config types.cfg.yaml ../../specs/vitecauto/openapi.yaml
//go:generate go tool oapi-codegen -config server.cfg.yaml ../../specs/vitecauto/openapi.yaml
//go:generate go tool oapi-codegen -config client.cfg.yaml ../../specs/vitecauto/openapi.yaml
//go:generate go tool oapi-codegen -config fallback.cfg.yaml ../../specs/vitecauto/openapi.yaml
