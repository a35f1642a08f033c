#include "handlers/idempotency.hpp"

#include <string>

#include "credentials/api_key.hpp"

namespace notes::idempotency {
namespace {

// The request as far as a retry must repeat it.
std::string request_hash(const Request& request) {
  std::string text;
  text.append(request.method()).append("\n").append(request.path()).append("\n").append(request.body);
  return hash_secret(text);  // SHA-256
}

// The headers worth replaying, one "Name: value" a line.
std::string stored_headers(const Response& response) {
  std::string lines;
  for (const auto& [name, value] : response.headers) lines += name + ": " + value + "\n";
  return lines;
}

Response kept_answer(const sql::Result& stored) {
  Response response;
  response.status = static_cast<int>(stored.int64(0, 1));
  std::string_view headers = stored.text(0, 2);
  while (!headers.empty()) {
    auto end = headers.find('\n');
    std::string_view line = headers.substr(0, end);
    headers = end == std::string_view::npos ? std::string_view() : headers.substr(end + 1);
    auto colon = line.find(": ");
    if (colon != std::string_view::npos) {
      response.header(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
    }
  }
  response.body = std::string(stored.text(0, 3));
  return response;
}

}  // namespace

bool is_valid_key(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (char c : key) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

std::string_view header_of(const Response& first, std::string_view name) {
  for (const auto& [header, value] : first.headers) {
    if (header == name) return value;
  }
  return {};
}

Response run(const Request& request, HandlerContext& context, Handler handler, const Replay& replay) {
  const char* key = request.param("HTTP_IDEMPOTENCY_KEY");
  if (key == nullptr) return handler(request, context);
  if (!is_valid_key(key)) {
    throw ApiError{400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters."};
  }
  // From here on, a refusal (thrown) leaves dispatch to roll the
  // transaction back: neither the write nor the key survives, and the
  // client may retry with the same key.
  sql::Connection& db = context.db;
  if (!db.begin()) throw ApiError::from_database(sql::Failure::unavailable);

  std::string hash = request_hash(request);
  int64_t user_id = context.caller.user_id;
  checked(db.execute(sql::query::idempotency_expire(user_id, key)));
  const auto& claimed =
      checked(db.execute(sql::query::idempotency_claim(user_id, context.caller.company_id, key, hash)));

  if (claimed.rows() == 0) {
    auto stored = db.execute(sql::query::idempotency_find(user_id, key));
    db.rollback();
    checked(stored);
    if (stored.rows() == 0 || stored.is_null(0, 1)) throw ApiError::internal();
    if (stored.text(0, 0) != to_hex(hash)) {
      throw ApiError{422, "idempotency_key_reused", "This Idempotency-Key was used with a different request."};
    }
    Response first = kept_answer(stored);
    Response response = replay.answer ? replay.answer(request, context, std::move(first)) : std::move(first);
    response.header("Idempotent-Replayed", "true");
    return response;
  }

  Response response = handler(request, context);
  if (response.status < 200 || response.status > 299) {
    db.rollback();  // nothing to remember: the client may retry with the same key
    return response;
  }
  checked(db.execute(sql::query::idempotency_store(user_id, key, response.status, stored_headers(response),
                                                   replay.keeps_body ? response.body : std::string())));
  if (!db.commit()) throw ApiError::from_database(sql::Failure::unavailable);
  return response;
}

}  // namespace notes::idempotency
