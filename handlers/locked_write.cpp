#include "handlers/locked_write.hpp"

namespace notes {

std::vector<sql::Result> locked_write(sql::Connection& db, int64_t note_id, int64_t company_id,
                                      std::vector<sql::Query> queries) {
  queries.insert(queries.begin(), sql::query::note_lock(note_id, company_id));
  auto results = db.execute_pipeline(queries);
  results.erase(results.begin());
  return results;
}

}  // namespace notes
