#pragma once
#include <string>

namespace notes::test {

// The first cell of a query run on the test stack's database ("" for NULL
// or no row), as the cluster's superuser. For checks and fixtures only; the
// service never does this.
std::string query_value(const std::string& sql);

// Runs a statement that returns no rows (CREATE DATABASE, ...); throws
// with the database's words when it fails.
void run_sql(const std::string& sql);

// A digest of every table a request could change: equal before and after a
// rejected request means the request changed nothing.
std::string database_fingerprint();
// The query behind it, for running on a connection of the test's own (one
// that sees its own uncommitted changes).
std::string database_fingerprint_query();

// The stack's database URL as the cluster's superuser, with another
// database name, for a test that needs a database of its own (made with
// OWNER notes_owner, so that notesctl can migrate it).
std::string database_url_named(const std::string& name);

}  // namespace notes::test
