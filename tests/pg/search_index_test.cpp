// How the search index is kept. The search postings (migration 015)
// against what they stand for: after
// every kind of write, a company's postings are exactly one per word of
// each note's search vector, ranked as ts_rank ranks that note for that
// word, with the note's confidentiality and author. A one-word search
// reads them instead of the notes, so a stale posting would be a wrong
// answer, and a stale confidentiality a leak.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sql/settings.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/database.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/second_connection.hpp"

namespace notes::test {
namespace {

// Rows the postings have and the notes do not give, and the other way
// round; ranked straight from each note's stored vector.
std::string postings_differing(const std::string& company) {
  std::string from_notes =
      "SELECT n.company_id, w.lexeme, ts_rank(n.search, notes_word_query(w.lexeme)), n.id, n.confidential,"
      " n.user_id FROM notes n, unnest(n.search) w WHERE n.company_id = " + company;
  std::string stored =
      "SELECT company_id, word, rank, note_id, confidential, user_id FROM note_search_postings"
      " WHERE company_id = " + company;
  return query_value("SELECT count(*) FROM ((" + stored + " EXCEPT ALL " + from_notes + ") UNION ALL (" +
                     from_notes + " EXCEPT ALL " + stored + ")) differing");
}

std::string postings_of(const std::string& company) {
  return query_value("SELECT count(*) FROM note_search_postings WHERE company_id = " + company);
}

}  // namespace

TEST(SearchPostings, StayWhatTheNotesSayThroughEveryKindOfWrite) {
  Company c = make_company("postings");
  std::string customer = notesctl_ok("customer add --company " + c.id);
  std::string other_customer = notesctl_ok("customer add --company " + c.id);
  auto insert_note = [&](const std::string& customer_id, const std::string& subject, const std::string& details) {
    return query_value("INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject, details)"
                       " VALUES (" + c.id + ", " + customer_id + ", " + c.admin_id + ", 'customer', " + subject +
                       ", " + details + ") RETURNING id");
  };
  // Words a lexeme's quoting must survive: quotes, backslashes, non-ASCII.
  std::string note = insert_note(customer, "'Locker for O''Brien'", "E'Path C:\\\\lockers\\\\x, Müller''s locker'");
  std::string other = insert_note(other_customer, "'Towels'", "'Towels at the pool, towels everywhere'");
  ASSERT_EQ(postings_differing(c.id), "0");
  ASSERT_NE(postings_of(c.id), "0");

  // A message adds words and ranks a known word anew; an edit moves every
  // word's positions and drops some.
  query_value("INSERT INTO note_messages (note_id, company_id, posted_by, message) VALUES (" + note + ", " + c.id +
              ", " + c.admin_id + ", 'The locker key, and the sauna') RETURNING id");
  EXPECT_EQ(postings_differing(c.id), "0");
  query_value("UPDATE notes SET subject = 'A new first line: lockers', details = 'Sauna' WHERE id = " + note +
              " RETURNING id");
  EXPECT_EQ(postings_differing(c.id), "0");

  // Confidentiality and author ride along in every posting.
  query_value("UPDATE notes SET confidential = true WHERE id = " + note + " RETURNING id");
  EXPECT_EQ(postings_differing(c.id), "0");
  EXPECT_EQ(query_value("SELECT bool_and(confidential) FROM note_search_postings WHERE note_id = " + note), "t");
  query_value("UPDATE notes SET user_id = " + c.staff_id + " WHERE id = " + note + " RETURNING id");
  EXPECT_EQ(postings_differing(c.id), "0");

  // Indexed anew in another language (notesctl search-language --set),
  // and back.
  CliResult as_the_service = notesctl("search-language --set simple");  // a change of the schema
  EXPECT_EQ(as_the_service.exit_code, 1);
  EXPECT_NE(as_the_service.err.find("role notes_owner"), std::string::npos) << as_the_service.err;
  EXPECT_EQ(notesctl_as_superuser("search-language --set simple").exit_code, 0);
  EXPECT_EQ(postings_differing(c.id), "0");
  EXPECT_EQ(query_value("SELECT count(*) FROM note_search_postings WHERE company_id = " + c.id + " AND word = 'the'"),
            "2");
  EXPECT_EQ(notesctl_as_superuser("search-language --set english").exit_code, 0);
  EXPECT_EQ(postings_differing(c.id), "0");

  // Gone with their notes.
  query_value("DELETE FROM notes WHERE id = " + other + " RETURNING id");
  EXPECT_EQ(postings_differing(c.id), "0");
  query_value("DELETE FROM notes WHERE id = " + note + " RETURNING id");
  EXPECT_EQ(postings_differing(c.id), "0");
  EXPECT_EQ(postings_of(c.id), "0");
}

// Keeping the postings does not lean on the planner's guesses. Once the
// statistics know many companies with few postings each (what a service
// that has run for a while has), a join of a note's changed words with its
// postings was planned as a scan of all the note's postings for every
// changed word: a long message took seconds to post (and failed under load),
// and a note of many words could never be made confidential or deleted
// within the statement timeout. With the service's timeout, and plans made
// either way, each write must succeed and leave the postings exact.
TEST(SearchPostings, ANoteOfManyWordsIsWrittenWithinTheStatementTimeoutWhateverThePlan) {
  Company c = make_company("postings-plan");
  std::string customer = notesctl_ok("customer add --company " + c.id);
  run_sql("INSERT INTO note_search_postings (company_id, word, rank, note_id, confidential, user_id)"
          " SELECT -company, 'w' || w, 0.1, -(company * 100 + w % 3), false, 0"
          " FROM generate_series(1, 200) company, generate_series(1, 100) w");
  run_sql("ANALYZE note_search_postings");
  for (std::string plan : {"force_generic_plan", "force_custom_plan"}) {
    SCOPED_TRACE(plan);
    SecondConnection session;
    session.run("SET plan_cache_mode = " + plan);
    session.run("SET statement_timeout = " + std::to_string(sql::ConnectionSettings{}.statement_timeout_ms));
    std::string note = session.value("INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject)"
                                     " VALUES (" + c.id + ", " + customer + ", " + c.admin_id +
                                     ", 'customer', 'Flooded') RETURNING id");
    // Sixteen messages of about 60 KB of made-up words each, one a statement
    // as the service posts them.
    for (int message = 1; message <= 16; ++message) {
      session.run("INSERT INTO note_messages (note_id, company_id, posted_by, message) SELECT " + note + ", " + c.id +
                  ", " + c.admin_id + ", (SELECT string_agg('w' || md5('" + plan + std::to_string(message) +
                  "-' || w), ' ') FROM generate_series(1, 1800) w)");
    }
    ASSERT_GT(std::stoll(postings_of(c.id)), 10000);
    EXPECT_EQ(postings_differing(c.id), "0");
    session.run("UPDATE notes SET confidential = true WHERE id = " + note);
    EXPECT_EQ(postings_differing(c.id), "0");
    session.run("DELETE FROM notes WHERE id = " + note);
    EXPECT_EQ(postings_of(c.id), "0");
  }
  run_sql("DELETE FROM note_search_postings WHERE company_id < 0");
}

// A search of one word is told apart from any other by its parsed query
// (notes_single_word): the word comes back exactly, whatever characters it
// has, and a query of more than a word, or a word with a weight or a
// prefix, is not one.
TEST(SearchPostings, OnlyAQueryOfExactlyOneWordIsReadFromThem) {
  auto literal = [](const std::string& text) {
    std::string quoted = "'";
    for (char ch : text) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
    return quoted + "'";
  };
  for (std::string word : {"locker", "o'brien", "c:\\lockers", "müller's", "''", "\\'", "a b", "x:*"}) {
    EXPECT_EQ(query_value("SELECT notes_single_word(notes_word_query(" + literal(word) + "))"), word) << word;
  }
  EXPECT_EQ(query_value("SELECT notes_single_word(websearch_to_tsquery('english', 'Lockers'))"), "locker");
  for (std::string query : {"'locker' & 'key'", "!'locker'", "'locker' <-> 'key'", "'locker':*", "'locker':A",
                            "'locker' | 'key'", "'locker' & 'locker'"}) {
    EXPECT_EQ(query_value("SELECT notes_single_word(" + literal(query) + "::tsquery) IS NULL"), "t") << query;
  }
  EXPECT_EQ(query_value("SELECT notes_single_word(websearch_to_tsquery('english', 'the')) IS NULL"), "t");
}

// A note whose messages passed the vector's bound (posting stops adding
// their words at 512 KiB; PostgreSQL refuses 1 MB) is indexed anew with
// every other when the search language changes, and the rebuild keeps to
// the same bound instead of failing for every note.
TEST(SearchRebuild, ANoteOfManyLongMessagesDoesNotStopALanguageChange) {
  Company c = make_company("rebuild");
  std::string customer = notesctl_ok("customer add --company " + c.id);
  std::string note = query_value("INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject)"
                                 " VALUES (" + c.id + ", " + customer + ", " + c.admin_id +
                                 ", 'customer', 'Flooded') RETURNING id");
  // Sixteen messages of about 60 KB of made-up words each.
  query_value("INSERT INTO note_messages (note_id, company_id, posted_by, message)"
              " SELECT " + note + ", " + c.id + ", " + c.admin_id + ","
              "        (SELECT string_agg('w' || md5(m::text || '-' || w::text), ' ') FROM generate_series(1, 1800) w)"
              " FROM generate_series(1, 16) m RETURNING 1");
  std::string before = query_value("SELECT pg_column_size(messages_search) FROM notes WHERE id = " + note);
  ASSERT_GT(std::stoll(before), 400 * 1024);
  EXPECT_EQ(notesctl_as_superuser("search-language --set simple").exit_code, 0);
  EXPECT_EQ(notesctl_as_superuser("search-language --set english").exit_code, 0);
  EXPECT_LT(std::stoll(query_value("SELECT octet_length(messages_search::text) FROM notes WHERE id = " + note)),
            1024 * 1024);
  EXPECT_EQ(query_value("SELECT search @@ 'flood'::tsquery FROM notes WHERE id = " + note), "t");
  EXPECT_EQ(query_value("SELECT count(*) FROM note_search_postings WHERE note_id = " + note + " AND word = 'flood'"),
            "1");
}

}  // namespace notes::test
