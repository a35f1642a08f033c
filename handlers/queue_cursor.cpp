#include "handlers/queue_cursor.hpp"

#include <sodium.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include "http/iso8601.hpp"
#include "http/request.hpp"

namespace notes {
namespace {

constexpr std::string_view kVersion = "q1";
constexpr char kSeparator = '|';

// A sort value as the queue's statement prints it (sql/work_queue.hpp).
bool is_sort_value(const std::string& value, sql::QueueSortKey key) {
  switch (key) {
    case sql::QueueSortKey::priority:
      return value == "true" || value == "false";
    case sql::QueueSortKey::relevance: {
      if (value.empty() || value.find_first_not_of("0123456789.e+-") != std::string::npos) return false;
      char* end = nullptr;
      double rank = std::strtod(value.c_str(), &end);
      return end == value.c_str() + value.size() && std::isfinite(rank) && rank >= 0;
    }
    case sql::QueueSortKey::created_on:
    case sql::QueueSortKey::reminder:
      break;
  }
  if (value == "infinity" || value == "-infinity") return key == sql::QueueSortKey::reminder;
  // PostgreSQL's ISO style in UTC: "2026-11-24 19:44:55.123456+00".
  if (value.size() < 22 || value[10] != ' ' || !value.ends_with("+00")) return false;
  std::string iso = value.substr(0, value.size() - 3) + "Z";
  iso[10] = 'T';
  return is_iso8601_datetime(iso);
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t at; (at = text.find(kSeparator, from)) != std::string::npos; from = at + 1) {
    parts.push_back(text.substr(from, at - from));
  }
  parts.push_back(text.substr(from));
  return parts;
}

}  // namespace

std::optional<sql::QueueSort> parse_queue_sort(std::string_view text) {
  sql::QueueSort sort;
  sort.descending = text.starts_with('-');
  if (sort.descending) text.remove_prefix(1);
  if (text == "created_on") {
    sort.key = sql::QueueSortKey::created_on;
  } else if (text == "reminder") {
    sort.key = sql::QueueSortKey::reminder;
  } else if (text == "priority") {
    sort.key = sql::QueueSortKey::priority;
  } else if (text == "relevance") {
    sort.key = sql::QueueSortKey::relevance;
  } else {
    return std::nullopt;
  }
  return sort;
}

std::string encode_cursor(const QueueCursor& cursor) {
  std::string plain = std::string(kVersion) + kSeparator + cursor.sort + kSeparator + cursor.after.value +
                      kSeparator + std::to_string(cursor.after.id) + kSeparator + std::to_string(cursor.page);
  std::string encoded(sodium_base64_ENCODED_LEN(plain.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.resize(encoded.size() - 1);  // the terminating NUL
  return encoded;
}

std::optional<DecodedCursor> decode_cursor(std::string_view text) {
  if (text.empty() || text.size() > 512) return std::nullopt;
  std::string plain(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(plain.data()), plain.size(), text.data(), text.size(),
                        nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  plain.resize(length);
  auto parts = split(plain);
  if (parts.size() != 5 || parts[0] != kVersion) return std::nullopt;
  auto sort = parse_queue_sort(parts[1]);
  auto id = parse_positive_id(parts[3]);
  auto page = parse_positive_id(parts[4]);
  // The page number stays in the range page_number allows.
  if (!sort || !id || !page || *page > 1'000'000'000 || !is_sort_value(parts[2], sort->key)) return std::nullopt;
  return DecodedCursor{QueueCursor{parts[1], {parts[2], *id}, *page}, *sort};
}

}  // namespace notes
