#include "sql/work_queue.hpp"

#include <vector>

#include "sql/note_columns.hpp"
#include "sql/note_visibility.hpp"
#include "sql/statements.hpp"

namespace notes::sql {
namespace {

// The statement's text and arguments, built together so that each argument
// gets the next $n. $1 is the caller's company; when the statement tests
// visibility, $2 and $3 are the caller's id and role (NOTES_VISIBLE's text
// names them so).
class Shape {
 public:
  Shape(const Caller& caller, bool tests_visibility) {
    params.add(caller.company_id);
    if (tests_visibility) params.add(caller.user_id).add(caller.role);
  }
  template <class T>
  std::string bind(const T& value, const char* type) {
    params.add(value);
    return "$" + std::to_string(params.size()) + "::" + type;
  }
  Params params;
};

// Where a page's notes come from: every note of the company (`n`), or,
// with an assignee, that user's assignments (`a`) joined to their notes,
// read in the order of note_assignees_user_newest when the sort is by
// creation.
struct Source {
  std::string from;  // FROM ... for the page and the count
  std::string id;    // the note's id, as the order and the cursor read it
  bool assignments = false;
};

// What a sort orders by, as SQL; `q` is the search's tsquery. A reminder
// sort puts notes without a reminder last either way.
std::string sort_key(QueueSort sort, const Source& source, const std::string& q) {
  switch (sort.key) {
    case QueueSortKey::created_on:
      return source.assignments ? "a.note_created_on" : "n.created_on";
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

// The conditions on the note `n` besides its company: visibility and the
// filters. Notes assigned to the caller are visible to it by the rule
// itself, so the assignee=me queue skips the test (and with no other
// filter, its count reads assignments alone).
std::vector<std::string> note_conditions(Shape& shape, bool tests_visibility, const QueueFilters& f,
                                         const std::string& q) {
  std::vector<std::string> where;
  if (tests_visibility) where.emplace_back(NOTES_VISIBLE("n", "$2", "$3"));
  if (f.customer_id) where.push_back("n.customer_id = " + shape.bind(*f.customer_id, "bigint"));
  if (f.status) where.push_back("n.status = " + shape.bind(std::string_view(*f.status), "text"));
  if (f.reference_type) {
    where.push_back("n.reference_type = " + shape.bind(std::string_view(*f.reference_type), "text"));
  }
  if (f.reference_id) where.push_back("n.reference_id = " + shape.bind(*f.reference_id, "bigint"));
  if (f.tag) where.push_back(shape.bind(std::string_view(*f.tag), "text") + " = ANY (n.tags)");
  if (f.priority) where.push_back("n.priority = " + shape.bind(*f.priority, "boolean"));
  if (f.created_from) {
    where.push_back("n.created_on >= " + shape.bind(std::string_view(*f.created_from), "timestamptz"));
  }
  if (f.created_to) where.push_back("n.created_on <= " + shape.bind(std::string_view(*f.created_to), "timestamptz"));
  // Written on notes_company_reminder's expression, so that "due before"
  // is a range of that index; a missing reminder is 'infinity' there,
  // never before and, with the plain test, never after.
  if (f.reminder_after) {
    std::string after = shape.bind(std::string_view(*f.reminder_after), "timestamptz");
    where.push_back("n.reminder >= " + after + " AND coalesce(n.reminder, 'infinity'::timestamptz) >= " + after);
  }
  if (f.reminder_before) {
    where.push_back("coalesce(n.reminder, 'infinity'::timestamptz) < " +
                    shape.bind(std::string_view(*f.reminder_before), "timestamptz"));
  }
  if (f.q) where.push_back("n.search @@ " + q);
  return where;
}

std::string joined(const std::vector<std::string>& conditions) {
  std::string text;
  for (const auto& condition : conditions) text += " AND " + condition;
  return text;
}

}  // namespace

ShapedQuery queue_page(const Caller& caller, const QueueFilters& filters, QueueSort sort, int limit,
                       const QueueStart& start) {
  bool tests_visibility = filters.assignee != caller.user_id;
  Shape shape(caller, tests_visibility);
  // The search's words in the language the notes were indexed in.
  // Ranked by relevance, the statement reads every match through the
  // search index whatever the words, so it keeps one plan, and the words
  // are parsed once in a CTE (spelled out in a generic plan, the parse ran
  // for every match, twice). Sorted otherwise, it is planned for the
  // words (below), and the parse folds into a constant.
  bool ranked = sort.key == QueueSortKey::relevance;
  std::string parse = filters.q ? "websearch_to_tsquery(notes_search_language(), " +
                                      shape.bind(std::string_view(*filters.q), "text") + ")"
                                : std::string();
  // A ranked search of the whole company for one word, with no other
  // filter, reads that word's postings (migration 015): its matches in
  // rank order with what the visibility rule needs, from one index,
  // instead of one heap page per matching note (docs/performance.md,
  // "Search postings"). The statement holds both ways to the matches; the
  // parsed words choose one as it runs, so it keeps one plan.
  bool by_postings = ranked && !filters.any() && !filters.customer_id &&
                     !filters.reminder_before && !filters.reminder_after;
  std::string search_cte =
      !ranked ? std::string()
      : by_postings
          ? "search AS MATERIALIZED (SELECT query, notes_single_word(query) AS word FROM (SELECT " + parse +
                " AS query) parsed), "
          : "search AS MATERIALIZED (SELECT " + parse + " AS query), ";
  std::string q = ranked ? "(SELECT query FROM search)" : parse;
  Source source;
  std::string on_assignments;  // with an assignee: the conditions on `a`
  if (filters.assignee) {
    source = {"note_assignees a JOIN notes n ON n.id = a.note_id", "a.note_id", true};
    on_assignments = "a.user_id = " + shape.bind(*filters.assignee, "bigint") + " AND a.company_id = $1::bigint";
  } else {
    source = {"notes n", "n.id", false};
  }
  std::vector<std::string> on_notes = note_conditions(shape, tests_visibility, filters, q);
  // The note's company even where the assignment's implies it: the notes
  // indexes start with it.
  std::string where = (source.assignments ? on_assignments + " AND " : "") + "n.company_id = $1::bigint" +
                      joined(on_notes);
  // assignee=me alone: its count needs no note. Counting assignments in
  // their index's order keeps the count on that index whatever the
  // planner guesses of how many a user has.
  bool count_assignments_alone = source.assignments && on_notes.empty();
  std::string count_query =
      count_assignments_alone
          ? "SELECT 1 FROM note_assignees a WHERE " + on_assignments + " ORDER BY a.note_created_on DESC, a.note_id DESC"
          : "SELECT 1 FROM " + source.from + " WHERE " + where;

  std::string key = sort_key(sort, source, q);
  const char* direction = sort.descending ? " DESC" : "";
  std::string limit_param = shape.bind(static_cast<int64_t>(limit), "int");

  // The page is read from the notes; or, ranked by relevance, from every
  // match ranked once ("matching"), which the count then reads too: a
  // ranking reads every match anyway, and reading them twice cost a third
  // of a search.
  std::string matching;
  std::string page_from = source.from, page_key = key, page_id = source.id, page_where = where;
  if (ranked) {
    std::string matches = "SELECT " + source.id + " AS id, " + key + " AS sort_key FROM " + source.from +
                          " WHERE " + where;
    if (by_postings) {
      // Each branch runs only when the parsed words say so: one word, its
      // postings; anything else, the notes.
      matches = "SELECT p.note_id AS id, p.rank AS sort_key FROM note_search_postings p"
                " WHERE p.company_id = $1::bigint AND p.word = (SELECT word FROM search)"
                " AND " NOTES_VISIBLE_BY("p.note_id", "p", "$2", "$3") " UNION ALL " +
                matches + " AND (SELECT word FROM search) IS NULL";
    }
    matching = "matching AS MATERIALIZED (" + matches + "), ";
    page_from = "matching m";
    page_key = "m.sort_key";
    page_id = "m.id";
    page_where = "true";
    count_query = "SELECT 1 FROM matching";
  }
  std::string offset;
  if (const auto* position = std::get_if<QueuePosition>(&start)) {
    std::string value = shape.bind(std::string_view(position->value), sort_type(sort.key));
    page_where += " AND (" + page_key + ", " + page_id + ") " + (sort.descending ? "<" : ">") + " (" + value +
                  ", " + shape.bind(position->id, "bigint") + ")";
  } else {
    offset = " OFFSET " + shape.bind(std::get<int64_t>(start), "bigint");
  }

  std::string sql =
      "WITH " + search_cte + matching + "page_and_one AS ("
      "  SELECT " + page_id + " AS id, " + page_key + " AS sort_key FROM " + page_from + " WHERE " + page_where +
      "  ORDER BY " + page_key + direction + ", " + page_id + direction + " LIMIT " + limit_param + " + 1" +
      offset + "),"
      " page AS (SELECT id, sort_key FROM page_and_one ORDER BY sort_key" + direction + ", id" + direction +
      "          LIMIT " + limit_param + ")"
      " SELECT (SELECT count(*) FROM (" + count_query + " LIMIT " NOTES_EXACT_COUNT_UP_TO " + 1) counted),"
      "        (SELECT count(*) FROM page_and_one) > " + limit_param + ","
      "        p.sort_key::text, " NOTES_FULL_NOTE_COLUMNS
      " FROM (SELECT 1) one LEFT JOIN (page p CROSS JOIN LATERAL (SELECT * FROM notes WHERE id = p.id) n"
      "   JOIN customers c ON c.id = n.customer_id LEFT JOIN users u ON u.id = n.user_id) ON true"
      " ORDER BY p.sort_key" + direction + ", p.id" + direction;
  // Walking an index in the sort's order, or ranking every match of the
  // search index, a generic plan is the right one whatever the values.
  // Otherwise how many notes a user was assigned, how many fall due before
  // a date or how common a word is decide the plan: one generic plan was a
  // hundred times slower than the right one for some (docs/performance.md,
  // "The work queue"), and planning costs about a millisecond.
  // An assignee or a customer picks the index walked; every other filter
  // narrows it by an amount only the values tell.
  NoteFilters narrowing = filters;
  narrowing.assignee.reset();
  bool walks_an_index = sort.key == QueueSortKey::created_on && !narrowing.any() && !filters.q &&
                        !filters.reminder_before && !filters.reminder_after;
  bool one_plan = walks_an_index || (ranked && !filters.assignee);
  return {std::move(sql), std::move(shape.params), !one_plan};
}

}  // namespace notes::sql
