#include "sql/work_queue.hpp"

#include <vector>

#include "sql/note_columns.hpp"
#include "sql/note_visibility.hpp"
#include "sql/statements.hpp"

namespace notes::sql {
namespace {

// The statement's text and arguments, built together so that each argument
// gets the next $n.
class Shape {
 public:
  explicit Shape(const Caller& caller) {
    params.add(caller.company_id).add(caller.user_id).add(caller.role);
  }
  template <class T>
  std::string bind(const T& value, const char* type) {
    params.add(value);
    return "$" + std::to_string(params.size()) + "::" + type;
  }
  Params params;
};

// What a sort orders by, as SQL on the notes row `n`; `q` is the search's
// tsquery. A reminder sort puts notes without a reminder last either way.
std::string sort_key(QueueSort sort, const std::string& q) {
  switch (sort.key) {
    case QueueSortKey::created_on:
      return "n.created_on";
    case QueueSortKey::reminder:
      return sort.descending ? "coalesce(n.reminder, '-infinity'::timestamptz)"
                             : "coalesce(n.reminder, 'infinity'::timestamptz)";
    case QueueSortKey::priority:
      return "n.priority";
    case QueueSortKey::relevance:
      return "ts_rank(n.search, " + q + ")";
  }
  return "n.created_on";
}

const char* sort_type(QueueSortKey key) {
  switch (key) {
    case QueueSortKey::priority:
      return "boolean";
    case QueueSortKey::relevance:
      return "real";
    default:
      return "timestamptz";
  }
}

// The conditions every note of the page and of the count meets.
std::string conditions(Shape& shape, const QueueFilters& f, const std::string& q) {
  std::string where = "n.company_id = $1::bigint AND " NOTES_VISIBLE("n", "$2", "$3");
  auto also = [&](const std::string& condition) { where += " AND " + condition; };
  if (f.customer_id) also("n.customer_id = " + shape.bind(*f.customer_id, "bigint"));
  if (f.status) also("n.status = " + shape.bind(std::string_view(*f.status), "text"));
  if (f.reference_type) also("n.reference_type = " + shape.bind(std::string_view(*f.reference_type), "text"));
  if (f.reference_id) also("n.reference_id = " + shape.bind(*f.reference_id, "bigint"));
  if (f.tag) also(shape.bind(std::string_view(*f.tag), "text") + " = ANY (n.tags)");
  if (f.assignee) {
    also("EXISTS (SELECT 1 FROM note_assignees a WHERE a.note_id = n.id AND a.user_id = " +
         shape.bind(*f.assignee, "bigint") + ")");
  }
  if (f.priority) also("n.priority = " + shape.bind(*f.priority, "boolean"));
  if (f.created_from) also("n.created_on >= " + shape.bind(std::string_view(*f.created_from), "timestamptz"));
  if (f.created_to) also("n.created_on <= " + shape.bind(std::string_view(*f.created_to), "timestamptz"));
  if (f.reminder_after) also("n.reminder >= " + shape.bind(std::string_view(*f.reminder_after), "timestamptz"));
  if (f.reminder_before) also("n.reminder < " + shape.bind(std::string_view(*f.reminder_before), "timestamptz"));
  if (f.q) also("n.search @@ " + q);
  return where;
}

}  // namespace

ShapedQuery queue_page(const Caller& caller, const QueueFilters& filters, QueueSort sort, int limit,
                       const QueueStart& start) {
  Shape shape(caller);
  // The search's words, parsed with the language the notes were indexed in.
  std::string q = filters.q ? "websearch_to_tsquery(notes_search_language(), " +
                                  shape.bind(std::string_view(*filters.q), "text") + ")"
                            : std::string();
  std::string where = conditions(shape, filters, q);
  std::string key = sort_key(sort, q);
  const char* direction = sort.descending ? " DESC" : "";
  std::string limit_param = shape.bind(static_cast<int64_t>(limit), "int");

  std::string page_where = where;
  std::string offset;
  if (const auto* position = std::get_if<QueuePosition>(&start)) {
    std::string value = shape.bind(std::string_view(position->value), sort_type(sort.key));
    page_where += " AND (" + key + ", n.id) " + (sort.descending ? "<" : ">") + " (" + value + ", " +
                  shape.bind(position->id, "bigint") + ")";
  } else {
    offset = " OFFSET " + shape.bind(std::get<int64_t>(start), "bigint");
  }

  std::string sql =
      "WITH page_and_one AS ("
      "  SELECT n.id, " + key + " AS sort_key FROM notes n WHERE " + page_where +
      "  ORDER BY " + key + direction + ", n.id" + direction + " LIMIT " + limit_param + " + 1" + offset + "),"
      " page AS (SELECT id, sort_key FROM page_and_one ORDER BY sort_key" + direction + ", id" + direction +
      "          LIMIT " + limit_param + ")"
      " SELECT (SELECT count(*) FROM (SELECT 1 FROM notes n WHERE " + where +
      "         LIMIT " NOTES_EXACT_COUNT_UP_TO " + 1) counted),"
      "        (SELECT count(*) FROM page_and_one) > " + limit_param + ","
      "        p.sort_key::text, " NOTES_FULL_NOTE_COLUMNS
      " FROM (SELECT 1) one LEFT JOIN (page p CROSS JOIN LATERAL (SELECT * FROM notes WHERE id = p.id) n"
      "   JOIN customers c ON c.id = n.customer_id LEFT JOIN users u ON u.id = n.user_id) ON true"
      " ORDER BY p.sort_key" + direction + ", p.id" + direction;
  return {std::move(sql), std::move(shape.params)};
}

}  // namespace notes::sql
