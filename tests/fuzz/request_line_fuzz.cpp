// libFuzzer target: the parts of a request that are not its body: method and
// path through the router, the query string through the list parsers (and
// the work queue's statement built from it), a cursor, and
// the header values the worker reads (Content-Length, If-Match, page_size).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/content_length.hpp"
#include "http/iso8601.hpp"
#include "http/query_string.hpp"
#include "credentials/api_key.hpp"
#include "handlers/etag.hpp"
#include "handlers/list_query.hpp"
#include "handlers/queue_cursor.hpp"
#include "handlers/queue_query.hpp"
#include "handlers/routes.hpp"
#include "sql/statements.hpp"
#include "sql/work_queue.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  // Split the input into fields at NUL bytes: method, path, query, header.
  std::vector<std::string> parts(4);
  std::size_t part = 0;
  for (char c : input) {
    if (c == '\0' && part < 3) {
      ++part;
    } else {
      parts[part] += c;
    }
  }
  notes::PathParams params;
  auto match = notes::route_table().match(parts[0], parts[1], params);
  for (const char* name : {"note_id", "customer_id", "account_id", "user_id", "message_id"}) {
    if (auto value = params.get(name)) (void)notes::parse_positive_id(*value);
  }
  (void)match;
  (void)notes::split_path(parts[1]);
  if (auto query = notes::parse_query_string(parts[2])) {
    (void)notes::note_list_query(*query, parts[3].c_str(), 42);
    (void)notes::paging_only(*query, parts[3].c_str());
    // The work queue's statement is made from what the query says: every
    // shape it accepts must number its parameters without a gap.
    auto queue = notes::queue_query(*query, parts[3].c_str(), 42);
    if (auto* accepted = std::get_if<notes::QueueQuery>(&queue)) {
      notes::sql::QueueStart start = accepted->after ? notes::sql::QueueStart(*accepted->after)
                                                     : notes::sql::QueueStart(accepted->paging.offset());
      auto statement = notes::sql::queue_page({1, 42, "admin"}, accepted->filters, accepted->sort,
                                              accepted->paging.page_size, start);
      if (!notes::sql::parameters_without_gaps(statement.sql) ||
          statement.params.size() != notes::sql::parameter_count(statement.sql)) {
        __builtin_trap();
      }
    }
  }
  (void)notes::decode_cursor(parts[2]);
  (void)notes::parse_content_length(parts[3].c_str());
  (void)notes::if_match_revisions(parts[3].c_str());
  (void)notes::key_from_authorization(parts[3]);
  (void)notes::is_iso8601_date_or_datetime(parts[2]);
  (void)notes::parse_positive_id(parts[1]);
  return 0;
}
