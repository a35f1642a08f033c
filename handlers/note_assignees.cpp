#include "handlers/note_assignees.hpp"

#include <string_view>

#include "handlers/note_answers.hpp"
#include "handlers/path_id.hpp"
#include "handlers/locked_write.hpp"
#include "handlers/customer_notes.hpp"
#include "handlers/request_body.hpp"

namespace notes::note_assignees {
namespace {

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
std::vector<sql::Result> change_and_note(HandlerContext& context, sql::Query change, int64_t note_id) {
  int64_t company_id = context.caller.company_id;
  return locked_write(
      context.db, note_id, company_id,
      sql::query::with_note_parts({std::move(change), sql::query::note_by_id(note_id, company_id)}, {note_id},
                                       company_id));
}

// Answers the Note of change_and_note().
Response answer(HandlerContext& context, const std::vector<sql::Result>& results) {
  checked(results);
  if (results[1].rows() == 0) throw ApiError::internal();
  return note_answers::note_answer(context, "write", 200, results[1], 0, note_json::parts_of(results));
}

}  // namespace

Response add(const Request& request, HandlerContext& context) {
  int64_t id = path_id(request, "note_id");
  rapidjson::Document body;
  read_json_object(request, body);
  std::vector<int64_t> ids = checked(assignee_ids(body));

  auto results = change_and_note(
      context, sql::query::note_assignees_add(id, context.sql_caller(), ids, kMaxAssigneesPerNote), id);
  const sql::Result& added = checked(results[0]);
  if (added.int64(0, 0) == 0) throw ApiError::not_found("No such note.");
  if (added.text(0, 1) != "[]") {
    throw ApiError{422, "unknown_users", "Some ids are not users of this note's company; nobody was added.",
                   "{\"user_ids\":" + std::string(added.text(0, 1)) + "}"};
  }
  if (added.int64(0, 3) > kMaxAssigneesPerNote) {
    throw ApiError{422, "too_many_assignees",
                   "A note has at most " + std::to_string(kMaxAssigneesPerNote) + " assignees; nobody was added.",
                   "{\"field\":\"assignees\",\"limit\":" + std::to_string(kMaxAssigneesPerNote) + "}"};
  }
  return answer(context, results);
}

Response remove(const Request& request, HandlerContext& context) {
  int64_t id = path_id(request, "note_id");
  int64_t user_id = path_id(request, "user_id");

  auto results = change_and_note(context, sql::query::note_assignee_remove(id, context.sql_caller(), user_id), id);
  const sql::Result& removed = checked(results[0]);
  if (removed.int64(0, 0) == 0) throw ApiError::not_found("No such note.");
  if (removed.int64(0, 1) == 0) throw ApiError::not_found("That user is not assigned to this note.");
  return answer(context, results);
}

Response replay_add(const Request& request, HandlerContext& context, Response first) {
  Response response = customer_notes::note_now(path_id(request, "note_id"), context);
  response.status = first.status;
  return response;
}

}  // namespace notes::note_assignees
