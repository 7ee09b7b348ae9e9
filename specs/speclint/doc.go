// Package speclint holds the authoring-time checks of the specs, run by `make spec-check` (its tests):
// Lint (the project's rules kin-openapi does not check, see the Rule constants), CheckChangelog (a
// CHANGELOG heading per info.version) and CheckExamples (every example validates against its schema).
//
// Non-goals: anything live traffic needs (specs loads, routes and validates); style rules Spectral and
// Redocly already check (make lint-specs).
package speclint
