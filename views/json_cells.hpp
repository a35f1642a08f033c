#pragma once
// Writing result cells as JSON values: what every handler that turns flat
// rows into JSON (views/note_json.cpp, views/history_json.cpp) shares.
#include <cstddef>
#include <string>
#include <string_view>

#include "http/json.hpp"
#include "sql/pg_timestamp.hpp"
#include "sql/result.hpp"

namespace notes::json_cells {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// The text of the JSON value `write` writes.
template <class Write>
std::string json_text(Write write) {
  rapidjson::StringBuffer buffer;
  JsonWriter out(buffer);
  write(out);
  return {buffer.GetString(), buffer.GetSize()};
}

// The cells of one result row, read from a base column on: each object's
// columns are numbered from 0 wherever its statement placed them.
class Cells {
 public:
  Cells(const sql::Result& result, int row, int base) : result_(result), row_(row), base_(base) {}
  Cells at(int offset) const { return {result_, row_, base_ + offset}; }
  bool null(int column) const { return result_.is_null(row_, base_ + column); }
  std::string_view text(int column) const { return result_.text(row_, base_ + column); }

 private:
  const sql::Result& result_;
  int row_;
  int base_;
};

template <std::size_t N>
void key(JsonWriter& out, const char (&name)[N]) {
  out.Key(name, N - 1);
}

inline void string_or_null(JsonWriter& out, const Cells& cells, int column) {
  if (cells.null(column)) {
    out.Null();
    return;
  }
  auto text = cells.text(column);
  out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// bigint and JSON cells: PostgreSQL's text is already valid JSON.
inline void raw_or_null(JsonWriter& out, const Cells& cells, int column, rapidjson::Type type) {
  if (cells.null(column)) {
    out.Null();
    return;
  }
  auto text = cells.text(column);
  out.RawValue(text.data(), text.size(), type);
}

inline void number_or_null(JsonWriter& out, const Cells& cells, int column) {
  raw_or_null(out, cells, column, rapidjson::kNumberType);
}

inline void boolean_or_null(JsonWriter& out, const Cells& cells, int column) {
  if (cells.null(column)) {
    out.Null();
  } else {
    out.Bool(cells.text(column) == "t");
  }
}

inline void timestamp_or_null(JsonWriter& out, const Cells& cells, int column) {
  if (cells.null(column)) {
    out.Null();
    return;
  }
  std::string iso = sql::iso8601_from_pg_timestamp(cells.text(column));
  out.String(iso.data(), static_cast<rapidjson::SizeType>(iso.size()));
}

}  // namespace notes::json_cells
