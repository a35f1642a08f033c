#include "admin/report.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "http/json.hpp"

namespace notes::admin {
namespace {

// PostgreSQL type oids (pg_type.dat) the JSON output writes unquoted.
constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23;

std::string cell(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) return "-";
  if (PQftype(result, column) == kBool) return PQgetvalue(result, row, column)[0] == 't' ? "yes" : "no";
  return PQgetvalue(result, row, column);
}

void write_value(rapidjson::Writer<rapidjson::StringBuffer>& writer, const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column)) {
    writer.Null();
    return;
  }
  const char* text = PQgetvalue(result, row, column);
  switch (PQftype(result, column)) {
    case kBool:
      writer.Bool(text[0] == 't');
      return;
    case kInt2:
    case kInt4:
    case kInt8:
      writer.Int64(std::stoll(text));
      return;
    default:
      writer.String(text);
  }
}

void write_object(rapidjson::Writer<rapidjson::StringBuffer>& writer, const PGresult* result, int row) {
  writer.StartObject();
  for (int column = 0; column < PQnfields(result); ++column) {
    writer.Key(PQfname(result, column));
    write_value(writer, result, row, column);
  }
  writer.EndObject();
}

}  // namespace

void print_rows(std::ostream& out, const PGresult* result, ReportFormat format) {
  int rows = PQntuples(result), columns = PQnfields(result);
  if (format == ReportFormat::json) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartArray();
    for (int row = 0; row < rows; ++row) write_object(writer, result, row);
    writer.EndArray();
    out << buffer.GetString() << "\n";
    return;
  }
  std::vector<std::size_t> widths(columns);
  for (int column = 0; column < columns; ++column) {
    widths[column] = std::string(PQfname(result, column)).size();
    for (int row = 0; row < rows; ++row) widths[column] = std::max(widths[column], cell(result, row, column).size());
  }
  auto line = [&](auto text_of) {
    std::string text;
    for (int column = 0; column < columns; ++column) {
      std::string value = text_of(column);
      text += value;
      if (column + 1 < columns) text += std::string(widths[column] - value.size() + 2, ' ');
    }
    out << text << "\n";
  };
  line([&](int column) { return std::string(PQfname(result, column)); });
  for (int row = 0; row < rows; ++row) line([&](int column) { return cell(result, row, column); });
}

void print_record(std::ostream& out, const PGresult* result, ReportFormat format) {
  if (format == ReportFormat::json) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    write_object(writer, result, 0);
    out << buffer.GetString() << "\n";
    return;
  }
  std::size_t width = 0;
  for (int column = 0; column < PQnfields(result); ++column) {
    width = std::max(width, std::string(PQfname(result, column)).size());
  }
  for (int column = 0; column < PQnfields(result); ++column) {
    std::string name = PQfname(result, column);
    out << name << ":" << std::string(width - name.size() + 1, ' ') << cell(result, 0, column) << "\n";
  }
}

}  // namespace notes::admin
