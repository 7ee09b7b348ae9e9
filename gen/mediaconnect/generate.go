// Package mediaconnectapi is generated from specs/mediaconnect/openapi.yaml. Do not edit.
package mediaconnectapi

//go:generate go tool oapi-codegen -config types.cfg.yaml ../../specs/mediaconnect/openapi.yaml
//go:generate go tool oapi-codegen -config server.cfg.yaml ../../specs/mediaconnect/openapi.yaml
//go:generate go tool oapi-codegen -config client.cfg.yaml ../../specs/mediaconnect/openapi.yaml
//go:generate go tool oapi-codegen -config fallback.cfg.yaml ../../specs/mediaconnect/openapi.yaml
//go:generate go tool oapi-codegen -config requests.cfg.yaml ../../specs/mediaconnect/openapi.yaml
