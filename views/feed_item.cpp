#include "views/feed_item.hpp"

#include <charconv>
#include <cstdint>

#include "http/request.hpp"

namespace notes::feed_item {

using namespace json_cells;

sql::FeedPosition position_of(const sql::Result& page, int row) {
  return {std::string(page.text(row, column::transaction)), page.int64(row, column::history_id)};
}

std::string cursor_text(const sql::FeedPosition& position) {
  return position.transaction + "." + std::to_string(position.id);
}

std::optional<sql::FeedPosition> parse_cursor(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view transaction = text.substr(0, dot);
  uint64_t xact = 0;
  auto [end, error] = std::from_chars(transaction.data(), transaction.data() + transaction.size(), xact);
  if (transaction.empty() || error != std::errc() || end != transaction.data() + transaction.size()) {
    return std::nullopt;
  }
  auto id = parse_whole_number(text.substr(dot + 1), 0, INT64_MAX);
  if (!id) return std::nullopt;
  return sql::FeedPosition{std::to_string(xact), *id};
}

namespace {

void note_subject(JsonWriter& out, const Cells& row) {
  key(out, "note_id");
  number_or_null(out, row, column::subject_id);
}

// A decimal string, as every id of the account family.
void account_subject(JsonWriter& out, const Cells& row) {
  key(out, "account_id");
  string_or_null(out, row, column::subject_id);
}

void tombstone_rest(JsonWriter& out, const char* change) {
  key(out, "change");
  out.String(change);
  key(out, "note");
  out.Null();
}

}  // namespace

void note_change_fields(JsonWriter& out, const Cells& row) {
  note_subject(out, row);
  key(out, "change");
  string_or_null(out, row, column::change);
  key(out, "revision");
  number_or_null(out, row, column::note::revision);
  key(out, "changed_on");
  timestamp_or_null(out, row, column::note::changed_at);
}

void account_change_fields(JsonWriter& out, const Cells& row) {
  account_subject(out, row);
  key(out, "change");
  string_or_null(out, row, column::change);
  key(out, "changed_at");
  timestamp_or_null(out, row, column::account::changed_at);
}

void note_tombstone(JsonWriter& out, const Cells& row) {
  note_subject(out, row);
  tombstone_rest(out, "deleted");
}

void account_tombstone(JsonWriter& out, const Cells& row) {
  account_subject(out, row);
  tombstone_rest(out, "removed");
}

}  // namespace notes::feed_item
