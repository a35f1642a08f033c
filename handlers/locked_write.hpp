#pragma once
// A customer note's write under its lock (docs/architecture.md, "Writes and
// the visibility rule").
#include <cstdint>
#include <vector>

#include "sql/connection.hpp"
#include "sql/queries.hpp"
#include "sql/result.hpp"

namespace notes {

// Runs `queries` in one transaction and one round trip after taking note
// `note_id`'s write lock, so that every statement decides visibility on the
// rows as they are once no other writer holds the note. Answers the results
// of `queries` (the lock's own result is dropped; a failure to lock fails
// them).
std::vector<sql::Result> locked_write(sql::Connection& db, int64_t note_id, int64_t company_id,
                                      std::vector<sql::Query> queries);

}  // namespace notes
