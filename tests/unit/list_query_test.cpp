#include "handlers/list_query.hpp"

#include <gtest/gtest.h>

#include "sql/statements.hpp"

namespace notes {
namespace {

std::variant<NoteListQuery, ApiError> parse(const std::string& query, const char* header = nullptr) {
  auto params = parse_query_string(query);
  EXPECT_TRUE(params) << query;
  return note_list_query(*params, header, 42);
}

}  // namespace

TEST(QueryString, DecodesEscapesAndPlus) {
  auto params = parse_query_string("a=1&tag=hello+world&x=%C3%A9%2B&empty=&flag");
  ASSERT_TRUE(params);
  EXPECT_EQ(*params, (QueryParams{{"a", "1"}, {"tag", "hello world"}, {"x", "é+"}, {"empty", ""}, {"flag", ""}}));
  EXPECT_FALSE(parse_query_string("a=%zz"));
  EXPECT_FALSE(parse_query_string("a=%4"));
  EXPECT_FALSE(parse_query_string("a=%00"));
  EXPECT_FALSE(parse_query_string("a=%ff"));
  EXPECT_TRUE(parse_query_string("")->empty());
}

TEST(NoteListQuery, DefaultsAndPaging) {
  auto query = std::get<NoteListQuery>(parse(""));
  EXPECT_EQ(query.paging.page, 1);
  EXPECT_EQ(query.paging.page_size, 25);
  EXPECT_FALSE(query.filters.any());
  auto paged = std::get<NoteListQuery>(parse("page=3&page_size=10"));
  EXPECT_EQ(paged.paging.offset(), 20);
  EXPECT_EQ(std::get<NoteListQuery>(parse("", "7")).paging.page_size, 7);
  EXPECT_EQ(std::get<NoteListQuery>(parse("page_size=9", "7")).paging.page_size, 9);  // the query wins
}

TEST(NoteListQuery, PageNumberIsThePageAndPageItsAlias) {
  EXPECT_EQ(std::get<NoteListQuery>(parse("page_number=4")).paging.page, 4);
  EXPECT_EQ(std::get<NoteListQuery>(parse("page=4")).paging.page, 4);
  EXPECT_EQ(std::get<NoteListQuery>(parse("page=4&page_number=4")).paging.page, 4);
  auto conflict = parse("page_number=4&page=5");
  ASSERT_TRUE(std::holds_alternative<ApiError>(conflict));
  EXPECT_EQ(std::get<ApiError>(conflict).details_json, R"({"parameter":"page"})");
}

TEST(NoteListQuery, FiltersAndMe) {
  auto query = std::get<NoteListQuery>(
      parse("status=open&reference_type=order&reference_id=5&tag=vip&assignee=me&priority=false"
            "&created_from=2024-01-01&created_to=2024-01-31T12:00:00Z"));
  const auto& f = query.filters;
  EXPECT_EQ(f.status, "open");
  EXPECT_EQ(f.reference_type, "order");
  EXPECT_EQ(f.reference_id, 5);
  EXPECT_EQ(f.tag, "vip");
  EXPECT_EQ(f.assignee, 42);
  EXPECT_EQ(f.priority, false);
  EXPECT_EQ(f.created_from, "2024-01-01T00:00:00Z");
  EXPECT_EQ(f.created_to, "2024-01-31T12:00:00Z");
  EXPECT_EQ(std::get<NoteListQuery>(parse("created_to=2024-01-31")).filters.created_to, "2024-01-31T23:59:59.999999Z");
}

TEST(NoteListQuery, BadParametersAre400NamingThem) {
  for (const char* bad : {"page=0", "page=abc", "page_size=101", "page_size=0", "status=done", "priority=1",
                          "assignee=someone", "reference_id=-2", "created_from=2024-13-01", "unknown=1",
                          "page=1&page=1", "tag=", "page_number=0", "page_number=1&page_number=1"}) {
    auto result = parse(bad);
    ASSERT_TRUE(std::holds_alternative<ApiError>(result)) << bad;
    EXPECT_EQ(std::get<ApiError>(result).status, 400) << bad;
    EXPECT_NE(std::get<ApiError>(result).details_json.find("parameter"), std::string::npos) << bad;
  }
  EXPECT_TRUE(std::holds_alternative<ApiError>(parse("", "abc")));
}

TEST(Pagination, HeaderJson) {
  EXPECT_EQ(pagination_json(Paging{2, 10}, ListTotal{25, false}),
            R"({"page_number":2,"page_size":10,"total_pages":3,"total_count":25,"total_count_estimated":false,)"
            R"("has_previous_page":true,"has_next_page":true})");
  EXPECT_EQ(pagination_json(Paging{1, 25}, ListTotal{0, false}),
            R"({"page_number":1,"page_size":25,"total_pages":0,"total_count":0,"total_count_estimated":false,)"
            R"("has_previous_page":false,"has_next_page":false})");
}

// Past the exact bound, the total is a lower bound that always leaves one
// more page while more notes follow, and exact again on the last page.
TEST(Pagination, TotalsPastTheExactBound) {
  const int64_t bound = sql::kExactCountUpTo;
  EXPECT_EQ(list_total(Paging{1, 25}, bound, 25, true).count, bound);
  EXPECT_FALSE(list_total(Paging{1, 25}, bound, 25, true).estimated);
  ListTotal first = list_total(Paging{1, 25}, bound + 1, 25, true);
  EXPECT_EQ(first.count, bound + 1);
  EXPECT_TRUE(first.estimated);
  ListTotal deep = list_total(Paging{100, 25}, bound + 1, 25, true);  // notes 2476-2500 of more
  EXPECT_EQ(deep.count, 2501);
  EXPECT_TRUE(deep.estimated);
  EXPECT_NE(pagination_json(Paging{100, 25}, deep).find(R"("total_pages":101)"), std::string::npos);
  ListTotal last = list_total(Paging{100, 25}, bound + 1, 7, false);
  EXPECT_EQ(last.count, 2482);
  EXPECT_FALSE(last.estimated);
  ListTotal past_the_end = list_total(Paging{500, 25}, bound + 1, 0, false);
  EXPECT_EQ(past_the_end.count, bound + 1);
  EXPECT_NE(pagination_json(Paging{500, 25}, past_the_end).find(R"("has_next_page":false)"), std::string::npos);
}

}  // namespace notes
