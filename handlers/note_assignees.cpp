#include "handlers/note_assignees.hpp"

#include <string_view>

#include "handlers/customer_access.hpp"
#include "handlers/request_body.hpp"
#include "sql/pg_array.hpp"

namespace notes::note_assignees {
namespace {

using customer_access::fail;

// {"assignees": [user ids]}; null or [] adds nobody.
std::variant<std::vector<int64_t>, ApiError> assignee_ids(const rapidjson::Value& body) {
  std::vector<int64_t> ids;
  for (const auto& member : body.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (name != "assignees") return ApiError::invalid_field(name, std::string(name) + " is not a field here.");
  }
  auto found = body.FindMember("assignees");
  if (found == body.MemberEnd() || found->value.IsNull()) return ids;
  if (!found->value.IsArray()) return ApiError::invalid_field("assignees", "assignees must be an array of user ids.");
  if (found->value.Size() > kMaxAssigneesPerRequest) {
    return ApiError::invalid_field("assignees", "assignees holds more than " +
                                                    std::to_string(kMaxAssigneesPerRequest) + " ids.");
  }
  for (const auto& id : found->value.GetArray()) {
    if (!id.IsInt64() || id.GetInt64() < 1) {
      return ApiError::invalid_field("assignees", "assignees must hold positive 64-bit user ids.");
    }
    ids.push_back(id.GetInt64());
  }
  return ids;
}

// The change and the Note it leaves, in one transaction and one round trip:
// the change's own answer first, then the note, its assignees and messages.
std::vector<sql::Result> change_and_note(HandlerContext& context, sql::Statement change,
                                         const sql::Params& change_params, int64_t note_id) {
  sql::Params note;
  note.add(note_id).add(context.caller.company_id);
  return customer_access::locked_write(context.db, note_id, context.caller.company_id,
                                       customer_access::with_note_parts(
      {{change, change_params}, {sql::Statement::note_by_id, note}}, {note_id}, context.caller.company_id));
}

// Answers the Note of change_and_note().
Response answer(const std::vector<sql::Result>& results) {
  if (auto error = customer_access::first_failure(results)) return fail(*error);
  if (results[1].rows() == 0) return fail(ApiError::internal());
  return customer_access::note_answer(200, results[1], 0, customer_access::note_parts(results));
}

}  // namespace

Response add(const Request& request, HandlerContext& context) {
  auto note_id = customer_access::path_id(request, "note_id");
  if (auto* error = std::get_if<ApiError>(&note_id)) return fail(*error);
  rapidjson::Document body;
  if (auto error = read_json_object(request, body)) return fail(*error);
  auto ids = assignee_ids(body);
  if (auto* error = std::get_if<ApiError>(&ids)) return fail(*error);

  int64_t id = std::get<int64_t>(note_id);
  sql::Params params = customer_access::note_params(id, context.caller);
  params.add(std::string_view(sql::bigint_array_literal(std::get<std::vector<int64_t>>(ids))))
      .add(kMaxAssigneesPerNote);
  auto results = change_and_note(context, sql::Statement::note_assignees_add, params, id);
  const sql::Result& added = results[0];
  if (!added.ok()) return fail(ApiError::from_database(added.failure()));
  if (added.int64(0, 0) == 0) return fail(ApiError::not_found("No such note."));
  if (added.text(0, 1) != "[]") {
    return fail(ApiError{422, "unknown_users", "Some ids are not users of this note's company; nobody was added.",
                         "{\"user_ids\":" + std::string(added.text(0, 1)) + "}"});
  }
  if (added.int64(0, 3) > kMaxAssigneesPerNote) {
    return fail(ApiError{422, "too_many_assignees",
                         "A note has at most " + std::to_string(kMaxAssigneesPerNote) + " assignees; nobody was added.",
                         "{\"field\":\"assignees\",\"limit\":" + std::to_string(kMaxAssigneesPerNote) + "}"});
  }
  return answer(results);
}

Response remove(const Request& request, HandlerContext& context) {
  auto note_id = customer_access::path_id(request, "note_id");
  if (auto* error = std::get_if<ApiError>(&note_id)) return fail(*error);
  auto user_id = customer_access::path_id(request, "user_id");
  if (auto* error = std::get_if<ApiError>(&user_id)) return fail(*error);

  int64_t id = std::get<int64_t>(note_id);
  sql::Params params = customer_access::note_params(id, context.caller);
  params.add(std::get<int64_t>(user_id));
  auto results = change_and_note(context, sql::Statement::note_assignee_remove, params, id);
  const sql::Result& removed = results[0];
  if (!removed.ok()) return fail(ApiError::from_database(removed.failure()));
  if (removed.int64(0, 0) == 0) return fail(ApiError::not_found("No such note."));
  if (removed.int64(0, 1) == 0) return fail(ApiError::not_found("That user is not assigned to this note."));
  return answer(results);
}

}  // namespace notes::note_assignees
