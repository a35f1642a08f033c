// The work queue's pure parts: its statement binds what it numbers in every
// shape, its cursor survives the round trip and refuses forgeries, and its
// query parameters are read as docs/api.md ("The work queue") says.
#include <gtest/gtest.h>

#include <functional>

#include "handlers/queue_cursor.hpp"
#include "handlers/queue_query.hpp"
#include "sql/statements.hpp"
#include "sql/work_queue.hpp"

namespace notes {
namespace {

std::vector<sql::QueueFilters> every_filter_alone_and_all() {
  std::vector<sql::QueueFilters> shapes(1);  // no filter
  sql::QueueFilters all;
  auto with = [&](auto set) {
    sql::QueueFilters one;
    set(one);
    set(all);
    shapes.push_back(one);
  };
  with([](sql::QueueFilters& f) { f.status = "open"; });
  with([](sql::QueueFilters& f) { f.reference_type = "order"; });
  with([](sql::QueueFilters& f) { f.reference_id = 5; });
  with([](sql::QueueFilters& f) { f.tag = "vip"; });
  with([](sql::QueueFilters& f) { f.assignee = 9; });
  sql::QueueFilters mine;  // the caller's own: no visibility test
  mine.assignee = 11;
  shapes.push_back(mine);
  mine.q = "locker";
  shapes.push_back(mine);
  with([](sql::QueueFilters& f) { f.priority = true; });
  with([](sql::QueueFilters& f) { f.created_from = "2026-01-01T00:00:00Z"; });
  with([](sql::QueueFilters& f) { f.created_to = "2026-02-01T00:00:00Z"; });
  with([](sql::QueueFilters& f) { f.q = "locker"; });
  with([](sql::QueueFilters& f) { f.customer_id = 3; });
  with([](sql::QueueFilters& f) { f.reminder_before = "2026-03-01T00:00:00Z"; });
  with([](sql::QueueFilters& f) { f.reminder_after = "2026-02-01T00:00:00Z"; });
  shapes.push_back(all);
  return shapes;
}

TEST(WorkQueueStatement, EveryShapeBindsExactlyWhatItNumbers) {
  const sql::Caller caller{7, 11, "admin"};
  int shapes = 0;
  for (const auto& filters : every_filter_alone_and_all()) {
    for (auto key : {sql::QueueSortKey::created_on, sql::QueueSortKey::reminder, sql::QueueSortKey::priority,
                     sql::QueueSortKey::relevance}) {
      if (key == sql::QueueSortKey::relevance && !filters.q) continue;
      for (bool descending : {false, true}) {
        for (const sql::QueueStart& start : {sql::QueueStart(int64_t{50}), sql::QueueStart(sql::QueuePosition{"v", 4})}) {
          auto query = sql::queue_page(caller, filters, {key, descending}, 25, start);
          EXPECT_TRUE(sql::parameters_without_gaps(query.sql)) << query.sql;
          EXPECT_EQ(query.params.size(), sql::parameter_count(query.sql)) << query.sql;
          ++shapes;
        }
      }
    }
  }
  EXPECT_GT(shapes, 100);
}

// The postings hold one rank per word and what visibility needs, nothing
// more: only a search ranked by relevance over the whole company, with no
// other filter, may read them (sql/migrations/015_search_postings.sql).
TEST(WorkQueueStatement, OnlyARankedSearchWithNoOtherFilterReadsThePostings) {
  const sql::Caller caller{7, 11, "admin"};
  auto reads_postings = [&](const sql::QueueFilters& filters, sql::QueueSortKey key) {
    auto query = sql::queue_page(caller, filters, {key, true}, 25, sql::QueueStart(int64_t{0}));
    return query.sql.find("note_search_postings") != std::string::npos;
  };
  sql::QueueFilters search;
  search.q = "locker";
  EXPECT_TRUE(reads_postings(search, sql::QueueSortKey::relevance));
  EXPECT_FALSE(reads_postings(search, sql::QueueSortKey::created_on));
  for (auto narrow : std::vector<std::function<void(sql::QueueFilters&)>>{
           [](sql::QueueFilters& f) { f.customer_id = 3; }, [](sql::QueueFilters& f) { f.assignee = 11; },
           [](sql::QueueFilters& f) { f.status = "open"; }, [](sql::QueueFilters& f) { f.tag = "vip"; },
           [](sql::QueueFilters& f) { f.reminder_before = "2026-03-01T00:00:00Z"; },
           [](sql::QueueFilters& f) { f.reminder_after = "2026-03-01T00:00:00Z"; },
           [](sql::QueueFilters& f) { f.created_from = "2026-01-01T00:00:00Z"; }}) {
    sql::QueueFilters narrowed = search;
    narrow(narrowed);
    EXPECT_FALSE(reads_postings(narrowed, sql::QueueSortKey::relevance));
  }
}

TEST(WorkQueueStatement, FilterValuesAreArgumentsNeverText) {
  sql::QueueFilters filters;
  filters.q = "x') OR true --";
  filters.tag = "'; DROP TABLE notes; --";
  auto query = sql::queue_page({7, 11, "admin"}, filters, {sql::QueueSortKey::relevance, true}, 25,
                               sql::QueuePosition{"0.5", 3});
  EXPECT_EQ(query.sql.find("DROP"), std::string::npos);
  EXPECT_EQ(query.sql.find("OR true"), std::string::npos);
}

TEST(QueueCursor, RoundTripsEverySortValue) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"-created_on", "2026-11-24 19:44:55.123456+00"}, {"created_on", "2026-11-24 19:44:55+00"},
      {"reminder", "infinity"}, {"-reminder", "-infinity"}, {"-priority", "true"}, {"priority", "false"},
      {"-relevance", "0.0607927"}, {"relevance", "1e-20"}};
  for (const auto& [sort, value] : cases) {
    QueueCursor cursor{sort, {value, 1234}, 7};
    std::string text = encode_cursor(cursor);
    EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    auto decoded = decode_cursor(text);
    ASSERT_TRUE(decoded) << sort << " " << value;
    EXPECT_EQ(decoded->cursor.sort, sort);
    EXPECT_EQ(decoded->cursor.after.value, value);
    EXPECT_EQ(decoded->cursor.after.id, 1234);
    EXPECT_EQ(decoded->cursor.page, 7);
    EXPECT_EQ(decoded->sort.descending, sort.starts_with('-'));
  }
}

TEST(QueueCursor, ForgedOrDamagedCursorsAreRefused) {
  // Values encode_cursor would carry but no sort of theirs can have.
  EXPECT_FALSE(decode_cursor(encode_cursor({"-created_on", {"infinity", 5}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-created_on", {"2026-02-30 10:00:00+00", 5}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-created_on", {"2026-11-24 19:44:55+01", 5}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-created_on", {"now", 5}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-priority", {"t", 5}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-relevance", {"nan", 5}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-relevance", {"1e999", 5}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-relevance", {"-1", 5}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-relevance", {"0x1p3", 5}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"name", {"true", 5}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-priority", {"true", 0}, 2})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-priority", {"true", 5}, 0})));
  EXPECT_FALSE(decode_cursor(encode_cursor({"-priority", {"true", 5}, 1'000'000'001})));
  // Not made by encode_cursor at all.
  EXPECT_FALSE(decode_cursor(""));
  EXPECT_FALSE(decode_cursor("abc"));
  EXPECT_FALSE(decode_cursor("cTF8LXByaW9yaXR5fHRydWV8NXwy="));  // padding
  EXPECT_FALSE(decode_cursor("cTF8LXByaW9yaXR5fHRydWV8NXwy+"));
  EXPECT_FALSE(decode_cursor(std::string(600, 'A')));
  std::string good = encode_cursor({"-priority", {"true", 5}, 2});
  EXPECT_TRUE(decode_cursor(good));
  EXPECT_FALSE(decode_cursor(good.substr(0, good.size() - 2)));
}

std::variant<QueueQuery, ApiError> parse(const std::string& query) {
  auto params = parse_query_string(query);
  EXPECT_TRUE(params) << query;
  return queue_query(*params, nullptr, 42);
}

std::string refused_parameter(const std::string& query) {
  auto result = parse(query);
  if (!std::holds_alternative<ApiError>(result)) return "accepted";
  const ApiError& error = std::get<ApiError>(result);
  EXPECT_EQ(error.status, 400) << query;
  return error.details_json;
}

TEST(QueueQuery, SortsNewestFirstOrByRelevanceWhenSearching) {
  auto plain = std::get<QueueQuery>(parse(""));
  EXPECT_EQ(plain.sort_name, "-created_on");
  EXPECT_EQ(plain.sort.key, sql::QueueSortKey::created_on);
  EXPECT_TRUE(plain.sort.descending);
  auto search = std::get<QueueQuery>(parse("q=locker+key"));
  EXPECT_EQ(*search.filters.q, "locker key");
  EXPECT_EQ(search.sort_name, "-relevance");
  auto due = std::get<QueueQuery>(parse("sort=reminder&reminder_before=2026-12-01&assignee=me&customer_id=8"));
  EXPECT_EQ(due.sort.key, sql::QueueSortKey::reminder);
  EXPECT_FALSE(due.sort.descending);
  EXPECT_EQ(*due.filters.reminder_before, "2026-12-01T00:00:00Z");
  EXPECT_EQ(*due.filters.assignee, 42);
  EXPECT_EQ(*due.filters.customer_id, 8);
}

TEST(QueueQuery, BadParametersAre400NamingThem) {
  EXPECT_EQ(refused_parameter("sort=relevance"), R"({"parameter":"sort"})");
  EXPECT_EQ(refused_parameter("sort=name"), R"({"parameter":"sort"})");
  EXPECT_EQ(refused_parameter("sort=--created_on"), R"({"parameter":"sort"})");
  EXPECT_EQ(refused_parameter("q="), R"({"parameter":"q"})");
  EXPECT_EQ(refused_parameter("q=" + std::string(257, 'a')), R"({"parameter":"q"})");
  EXPECT_EQ(refused_parameter("customer_id=0"), R"({"parameter":"customer_id"})");
  EXPECT_EQ(refused_parameter("reminder_before=tomorrow"), R"({"parameter":"reminder_before"})");
  EXPECT_EQ(refused_parameter("reminder_after=2026-02-30"), R"({"parameter":"reminder_after"})");
  EXPECT_EQ(refused_parameter("status=pending"), R"({"parameter":"status"})");
  EXPECT_EQ(refused_parameter("colour=red"), R"({"parameter":"colour"})");
  EXPECT_EQ(refused_parameter("q=a&q=b"), R"({"parameter":"q"})");
  EXPECT_EQ(refused_parameter("cursor=nonsense"), R"({"parameter":"cursor"})");
  EXPECT_EQ(refused_parameter("q=" + std::string(256, 'a')), "accepted");
}

TEST(QueueQuery, ACursorCarriesItsSortAndPage) {
  std::string cursor = encode_cursor({"reminder", {"2026-11-24 19:44:55+00", 77}, 3});
  auto next = std::get<QueueQuery>(parse("cursor=" + cursor));
  EXPECT_EQ(next.sort_name, "reminder");
  EXPECT_EQ(next.sort.key, sql::QueueSortKey::reminder);
  EXPECT_EQ(next.paging.page, 3);
  ASSERT_TRUE(next.after);
  EXPECT_EQ(next.after->id, 77);
  EXPECT_TRUE(std::holds_alternative<QueueQuery>(parse("sort=reminder&cursor=" + cursor)));
  EXPECT_EQ(refused_parameter("sort=-reminder&cursor=" + cursor), R"({"parameter":"cursor"})");
  EXPECT_EQ(refused_parameter("page_number=2&cursor=" + cursor), R"({"parameter":"cursor"})");
  EXPECT_EQ(refused_parameter("page=2&cursor=" + cursor), R"({"parameter":"cursor"})");
  // A relevance cursor is one for a search.
  std::string ranked = encode_cursor({"-relevance", {"0.1", 77}, 2});
  EXPECT_EQ(refused_parameter("cursor=" + ranked), R"({"parameter":"sort"})");
  EXPECT_TRUE(std::holds_alternative<QueueQuery>(parse("q=x&cursor=" + ranked)));
}

}  // namespace
}  // namespace notes
