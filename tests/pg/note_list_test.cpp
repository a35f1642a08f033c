// The customer note list's statement, whose rows are of three kinds (a page
// of notes, their assignees, their messages), against a real PostgreSQL:
// what handlers/customer_notes.cpp reads by sql::note_list_column.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sql/connection.hpp"
#include "sql/note_columns.hpp"
#include "sql/queries.hpp"
#include "tests/support/service_connection.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/database.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

namespace lc = sql::note_list_column;

sql::ConnectionSettings settings() { return service_connection_settings(); }

}  // namespace

// Three notes, newest first on a page of two: the page's notes in page
// order, then only their assignees, then only their messages, by note and
// oldest first; each kind's columns where note_list_column puts them.
TEST(NoteList, APageComesAsItsNotesThenTheirAssigneesThenTheirMessages) {
  Company c = make_company("pg-list");
  std::string customer = notesctl_ok("customer add --company " + c.id + " --first-name Lister");
  auto note = [&](const std::string& subject, int minutes_ago) {
    return query_value("INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject, created_on)"
                       " VALUES (" + c.id + ", " + customer + ", " + c.owner_id + ", 'customer', '" + subject +
                       "', now() - interval '" + std::to_string(minutes_ago) + " minutes') RETURNING id");
  };
  std::string oldest = note("oldest", 30), middle = note("middle", 20), newest = note("newest", 10);
  for (const std::string& id : {oldest, middle, newest}) {
    run_sql("INSERT INTO note_assignees (note_id, company_id, user_id) VALUES (" + id + ", " + c.id + ", " +
            c.staff_id + ")");
  }
  auto message = [&](const std::string& id, const std::string& text, int minutes_ago) {
    run_sql("INSERT INTO note_messages (note_id, company_id, posted_by, message, created_on) VALUES (" + id + ", " +
            c.id + ", " + c.admin_id + ", '" + text + "', now() - interval '" + std::to_string(minutes_ago) +
            " minutes')");
  };
  message(middle, "second", 1);
  message(middle, "first", 2);
  message(newest, "only", 3);
  message(oldest, "not on the page", 4);

  sql::Connection db(settings());
  sql::Caller owner{std::stoll(c.id), std::stoll(c.owner_id), "owner"};
  auto page = db.execute(sql::query::note_list(std::stoll(customer), owner, {2, 0}, {}));
  ASSERT_TRUE(page.ok()) << page.error_message();
  ASSERT_EQ(page.columns(), lc::count);
  ASSERT_EQ(page.rows(), 7);

  const int note_id = lc::note + sql::full_note::note + sql::note_column::id;
  std::vector<std::string> parts, ids;
  for (int row = 0; row < page.rows(); ++row) {
    parts.emplace_back(page.text(row, lc::part));
    switch (page.int64(row, lc::part)) {
      case lc::page_note:
        EXPECT_EQ(page.text(row, lc::total), "3");
        EXPECT_EQ(page.text(row, lc::more), "t");
        EXPECT_EQ(page.text(row, lc::note + sql::full_note::customer + sql::customer_column::first_name), "Lister");
        ids.emplace_back(page.text(row, note_id));
        break;
      case lc::assignee_of_note:
        EXPECT_TRUE(page.is_null(row, note_id));
        EXPECT_EQ(page.text(row, lc::assignee + sql::assignee_column::user + sql::user_column::id), c.staff_id);
        ids.emplace_back(page.text(row, lc::assignee + sql::assignee_column::note_id));
        break;
      case lc::message_of_note:
        EXPECT_TRUE(page.is_null(row, lc::assignee + sql::assignee_column::note_id));
        EXPECT_EQ(page.text(row, lc::message + sql::message_column::poster + sql::user_column::id), c.admin_id);
        ids.emplace_back(std::string(page.text(row, lc::message + sql::message_column::note_id)) + ":" +
                         std::string(page.text(row, lc::message + sql::message_column::message)));
        break;
      default:
        ADD_FAILURE() << "row " << row << " is of part " << page.text(row, lc::part);
    }
  }
  // Parts come by note id: `middle` was made before `newest`, so its id is lower.
  ASSERT_LT(std::stoll(middle), std::stoll(newest));
  const std::vector<std::string> expected = {newest, middle, middle, newest,
                                             middle + ":first", middle + ":second", newest + ":only"};
  EXPECT_EQ(parts, (std::vector<std::string>{"0", "0", "1", "1", "2", "2", "2"}));
  EXPECT_EQ(ids, expected);
}

}  // namespace notes::test
