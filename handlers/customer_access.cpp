#include "handlers/customer_access.hpp"

#include <stdexcept>

#include "handlers/etag.hpp"
#include "sql/note_columns.hpp"
#include "sql/pg_array.hpp"

namespace notes::customer_access {

int64_t path_id(const Request& request, const char* name) {
  auto text = request.path_params.get(name);
  if (!text) throw std::logic_error(std::string("the route has no {") + name + "}");
  if (auto id = parse_positive_id(*text)) return *id;
  throw ApiError::invalid_field(name, std::string(name) + " must be a positive 64-bit integer.");
}

std::vector<sql::Connection::Step> with_note_parts(std::vector<sql::Connection::Step> steps,
                                                   const std::vector<int64_t>& note_ids, int64_t company_id) {
  sql::Params params;
  params.add(std::string_view(sql::bigint_array_literal(note_ids))).add(company_id);
  steps.push_back({sql::Statement::note_assignees_of, params});
  steps.push_back({sql::Statement::note_messages_of, std::move(params)});
  return steps;
}

std::vector<sql::Result> locked_write(sql::Connection& db, int64_t note_id, int64_t company_id,
                                      std::vector<sql::Connection::Step> steps) {
  sql::Params lock;
  lock.add(note_id).add(company_id);
  steps.insert(steps.begin(), {sql::Statement::note_lock, std::move(lock)});
  auto results = db.execute_pipeline(steps);
  results.erase(results.begin());
  return results;
}

note_json::NoteParts note_parts(const std::vector<sql::Result>& results) {
  return {&results[results.size() - 2], &results[results.size() - 1]};
}

Response note_answer(int status, const sql::Result& notes, int base, note_json::NoteParts parts) {
  Response response = Response::json(status, note_json::note(notes, 0, base, parts));
  response.header("ETag", note_etag(notes.text(0, base + sql::full_note::note + sql::note_column::revision)));
  return response;
}

}  // namespace notes::customer_access
