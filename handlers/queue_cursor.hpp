#pragma once
// The work queue's cursor (docs/api.md, "The work queue"): where a walk
// through the queue goes on, opaque to clients. It carries the sort it was
// made under, the last note's sort value and id, and the page number it
// leads to, so that the paging JSON stays meaningful along a walk.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sql/work_queue.hpp"

namespace notes {

struct QueueCursor {
  std::string sort;  // the `sort` parameter, "-created_on" for the default
  sql::QueuePosition after;
  int64_t page = 1;
};

// The queue's `sort` parameter: created_on, reminder, priority or
// relevance, "-" first for descending. Nothing when it is none of them.
std::optional<sql::QueueSort> parse_queue_sort(std::string_view text);

// URL-safe base64 without padding, so it goes into a query string as is.
std::string encode_cursor(const QueueCursor& cursor);

// The cursor and the sort it names, or nothing when `text` is not one that
// encode_cursor made: a forged or damaged cursor never reaches the database
// as a value it would refuse.
struct DecodedCursor {
  QueueCursor cursor;
  sql::QueueSort sort;
};
std::optional<DecodedCursor> decode_cursor(std::string_view text);

}  // namespace notes
