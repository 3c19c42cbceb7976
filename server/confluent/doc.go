// Package confluent serves the registry through Confluent Schema Registry's
// REST API, read-only, so that Kafka serializers written for Confluent,
// Karapace or Redpanda read a schemareg registry without a change.
//
// Every schema id is a subject (ticks_v1, or ticks_v1-value with
// NamingValue); its versions are the integers 1..n in publication order, one
// to one with its semantic versions, which the answers carry in their
// metadata. Schema ids in the wire format are the global ids the compiler
// records in the bundle (bundle.Version.GlobalID): one per published
// (schema, version), never reused, never shared.
//
// Nothing is registered through this API: POST /subjects/{s}/versions
// answers the id of a schema already published and refuses anything else
// with 42205, pointing to a pull request.
//
// The other way round, Source reads any Confluent-compatible registry,
// PlanImport turns its JSON subjects into one file version per commit, and
// CommitImport writes them as Git history and compiles it: schemareg import.
// docs/confluent.md describes both.
package confluent
