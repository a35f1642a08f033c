#include "handlers/account_notes.hpp"

#include <variant>

#include "handlers/account_note_body.hpp"
#include "handlers/error_envelope.hpp"
#include "views/history_json.hpp"
#include "handlers/list_query.hpp"
#include "handlers/request_body.hpp"

namespace notes::account_notes {
namespace {

constexpr std::string_view kSuccess = "{\"result\":\"success\"}";

// The route's {account_id}; refuses with a 400 naming it.
int64_t path_account_id(const Request& request) {
  auto text = request.path_params.get("account_id");
  if (auto id = text ? parse_positive_id(*text) : std::nullopt) return *id;
  throw ApiError::invalid_field("account_id", "The account id must be a decimal 64-bit id.");
}

// Answers a write statement's row: (may_modify, id of the note written).
Response answer_write(const sql::Result& result, const char* when_no_note, int no_note_status) {
  checked(result);
  if (result.rows() == 0) throw ApiError::not_found("No such account.");
  if (!result.boolean(0, 0)) throw ApiError::forbidden("You need the modify right on this account.");
  if (result.is_null(0, 1)) throw ApiError{no_note_status, "", when_no_note};
  return Response::json(200, std::string(kSuccess));
}

// The statement of a POST or PATCH: account_note_create or _update.
using NoteWrite = sql::Query (*)(int64_t account_id, const sql::Caller& caller, std::string_view note);

// Validates a POST or PATCH and runs `write` with the note's text.
Response write_note(const Request& request, HandlerContext& context, NoteWrite write, const char* when_no_note,
                    int no_note_status) {
  int64_t account_id = path_account_id(request);
  rapidjson::Document body;
  read_json_object(request, body);
  std::string text = checked(account_note_text(body, account_id));
  return answer_write(context.db.execute(write(account_id, context.sql_caller(), text)), when_no_note,
                      no_note_status);
}

}  // namespace

Response spec(const Request&, HandlerContext&) {
  // The attributes of the AccountNoteModel (docs/api.md, "AccountNoteModel").
  static const std::string body =
      "{\"result\":\"success\",\"account_note\":{"
      "\"id\":{\"type\":\"string\",\"required\":false,\"readonly\":true,\"protected\":true,"
      "\"description\":\"Account note identifier.\"},"
      "\"account_id\":{\"type\":\"string\",\"required\":true,\"readonly\":false,\"immutable\":true,"
      "\"description\":\"ID of the account the note is assigned to. Requires the read right on the "
      "account for GET and the modify right for POST, PATCH and DELETE.\"},"
      "\"note\":{\"type\":\"string\",\"required\":true,\"readonly\":false,\"max_length\":" +
      std::to_string(kMaxAccountNoteBytes) + ",\"description\":\"Note.\"},"
      "\"created_at\":{\"type\":\"datetime\",\"required\":false,\"readonly\":true,"
      "\"description\":\"Timestamp of creation.\"},"
      "\"modified_at\":{\"type\":\"datetime\",\"required\":false,\"readonly\":true,"
      "\"description\":\"Timestamp of modification.\"},"
      "\"removed\":{\"type\":\"boolean\",\"required\":false,\"readonly\":true,"
      "\"description\":\"Whether the note was removed.\"}}}";
  return Response::json(200, body);
}

Response get(const Request& request, HandlerContext& context) {
  int64_t account_id = path_account_id(request);
  const auto& result =
      checked(context.db.execute(sql::query::account_note_get(account_id, context.sql_caller())));
  if (result.rows() == 0) throw ApiError::not_found("No such account.");
  if (!result.boolean(0, 0)) throw ApiError::forbidden("You need the read right on this account.");
  if (result.is_null(0, 1)) throw ApiError::not_found("This account has no note.");
  return Response::json(200, "{\"note\":" + json_string(result.text(0, 1)) + ",\"result\":\"success\"}");
}

Response create(const Request& request, HandlerContext& context) {
  return write_note(request, context, sql::query::account_note_create,
                    "This account already has a note; change it with PATCH or remove it first.", 409);
}

Response update(const Request& request, HandlerContext& context) {
  return write_note(request, context, sql::query::account_note_update, "This account has no note.", 404);
}

Response remove(const Request& request, HandlerContext& context) {
  int64_t account_id = path_account_id(request);
  return answer_write(
      context.db.execute(sql::query::account_note_remove(account_id, context.sql_caller())),
      "This account has no note.", 404);
}

Response history(const Request& request, HandlerContext& context) {
  int64_t account_id = path_account_id(request);
  Paging page = requested_page(request);
  const auto& result = checked(
      context.db.execute(sql::query::account_note_history_list(account_id, context.sql_caller(), page.window())));
  if (result.rows() == 0) throw ApiError::not_found("No such account.");
  if (!result.boolean(0, 0)) throw ApiError::forbidden("You need the read right on this account.");
  constexpr int kEntriesBase = 2;  // after may_read and the total
  std::string entries =
      result.is_null(0, kEntriesBase) ? std::string("[]") : history_json::account_note_changes(result, kEntriesBase);
  Response response = Response::json(200, "{\"result\":\"success\",\"history\":" + entries + "}");
  set_pagination(response, page, ListTotal{result.int64(0, 1), false});
  return response;
}

}  // namespace notes::account_notes
