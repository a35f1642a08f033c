// The company-wide work queue (docs/api.md, "The work queue") end to end
// through nginx: what it lists, search, filters, sorts, and cursor walks
// while notes are being written.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "http/json_body.hpp"
#include "sql/statements.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"

namespace notes::test {
namespace {

const std::string kQueuePath = "/api/customers/notes";

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document document;
  auto error = parse_json_body(text, document);
  EXPECT_FALSE(error) << text;
  return document;
}

// A page of up to 100 Notes holds more values than the service's own
// parser takes: read pages with RapidJSON's.
std::vector<int64_t> ids_of_page(const HttpResponse& page) {
  std::vector<int64_t> ids;
  if (page.status == 204) return ids;
  rapidjson::Document notes;
  notes.Parse(page.body.c_str());
  EXPECT_TRUE(notes.IsArray()) << page.status << " " << page.body.substr(0, 300);
  if (!notes.IsArray()) return ids;
  for (const auto& note : notes.GetArray()) ids.push_back(note["id"].GetInt64());
  return ids;
}

class WorkQueue : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    club = make_company(std::string("wq-") + test->name());
    first_customer = notesctl_ok("customer add --company " + club.id + " --first-name Ada");
    second_customer = notesctl_ok("customer add --company " + club.id + " --first-name Brook");
    other_admin = notesctl_ok("user add --company " + club.id + " --role admin --username wq-other-" +
                              std::to_string(reinterpret_cast<uintptr_t>(this)));
    other_admin_key = notesctl_ok("key issue --user " + other_admin);
  }

  HttpResponse queue(const std::string& query, const std::string& key = "") const {
    return http("GET", base_url() + kQueuePath + query, {bearer(key.empty() ? club.admin_key : key)});
  }
  std::vector<int64_t> ids(const std::string& query, const std::string& key = "") const {
    auto page = queue(query, key);
    EXPECT_TRUE(page.status == 200 || page.status == 204) << query << ": " << page.status << " " << page.body;
    return ids_of_page(page);
  }
  int64_t create(const std::string& customer, const std::string& body, const std::string& key = "") const {
    auto response = http("POST", base_url() + "/api/customers/" + customer + "/notes",
                         {bearer(key.empty() ? club.admin_key : key), kJson}, body);
    EXPECT_EQ(response.status, 201) << response.body;
    return parse_json(response.body)["id"].GetInt64();
  }
  void post_message(int64_t note, const std::string& text, const std::string& key = "") const {
    auto response = http("POST", base_url() + "/api/customers/notes/" + std::to_string(note) + "/messages",
                         {bearer(key.empty() ? club.admin_key : key), kJson}, R"({"message":")" + text + "\"}");
    EXPECT_EQ(response.status, 201) << response.body;
  }
  void assign(int64_t note, const std::string& user, const std::string& key = "") const {
    auto response = http("POST", base_url() + "/api/customers/notes/" + std::to_string(note) + "/assignees",
                         {bearer(key.empty() ? club.admin_key : key), kJson}, "{\"assignees\":[" + user + "]}");
    EXPECT_EQ(response.status, 200) << response.body;
  }
  // Notes seeded straight into the database (fast), each a second older
  // than the one before, with reminders `reminder_sql` (an SQL expression
  // of g, the note's number).
  void seed(int count, const std::string& reminder_sql = "NULL") const {
    run_sql("INSERT INTO notes (company_id, customer_id, user_id, reference_type, reference_id, subject,"
            " reminder, created_on) SELECT " + club.id + ", " + first_customer + ", " + club.admin_id +
            ", 'customer', " + first_customer + ", 'seeded ' || g, " + reminder_sql +
            ", now() - g * interval '1 second' FROM generate_series(1, " + std::to_string(count) + ") g");
  }

  Company club;
  std::string first_customer, second_customer, other_admin, other_admin_key;
};

}  // namespace

TEST_F(WorkQueue, ListsEveryCustomerOfTheCompanyNewestFirstAndNothingElse) {
  auto empty = queue("");
  EXPECT_EQ(empty.status, 204);
  EXPECT_NE(empty.header("pagination").find("\"total_count\":0"), std::string::npos);
  int64_t a = create(first_customer, R"({"subject":"first"})");
  int64_t b = create(second_customer, R"({"subject":"second"})");
  int64_t c = create(first_customer, R"({"subject":"third"})");
  Company rival = make_company("wq-rival-" + club.id);
  std::string rival_customer = notesctl_ok("customer add --company " + rival.id + " --first-name R");
  auto rival_note = http("POST", base_url() + "/api/customers/" + rival_customer + "/notes",
                         {bearer(rival.admin_key), kJson}, R"({"subject":"rival"})");
  ASSERT_EQ(rival_note.status, 201);

  auto page = queue("?page_size=2");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(ids_of_page(page), (std::vector<int64_t>{c, b}));
  auto paging = parse_json(page.header("pagination"));
  EXPECT_EQ(page.header("pagination"), page.header("x-pagination"));
  EXPECT_EQ(paging["total_count"].GetInt64(), 3);
  EXPECT_EQ(paging["total_pages"].GetInt64(), 2);
  EXPECT_TRUE(paging["next_cursor"].IsString());
  EXPECT_EQ(ids("?page_number=2&page_size=2"), (std::vector<int64_t>{a}));
  EXPECT_TRUE(parse_json(queue("?page_number=2&page_size=2").header("pagination"))["next_cursor"].IsNull());
  // Oldest first, one customer, and the list filters of one customer's list.
  EXPECT_EQ(ids("?sort=created_on"), (std::vector<int64_t>{a, b, c}));
  EXPECT_EQ(ids("?customer_id=" + first_customer), (std::vector<int64_t>{c, a}));
  EXPECT_EQ(ids("?customer_id=" + rival_customer), std::vector<int64_t>{});
  // The rival sees only its own; staff may not look.
  EXPECT_EQ(ids("", rival.admin_key), std::vector<int64_t>{parse_json(rival_note.body)["id"].GetInt64()});
  EXPECT_EQ(queue("", club.staff_key).status, 403);
  EXPECT_EQ(http("GET", base_url() + kQueuePath).status, 401);
}

TEST_F(WorkQueue, SearchFindsSubjectDetailsAndMessagesRankedAndKeepsConfidentialNotesHidden) {
  int64_t in_subject = create(first_customer, R"({"subject":"Locker door broken","details":"Reported at the desk."})");
  int64_t in_details = create(second_customer, R"({"subject":"Visit","details":"Asked for a bigger locker."})");
  int64_t in_message = create(first_customer, R"({"subject":"Call back","details":"About the membership."})");
  post_message(in_message, "She lost the locker key again.");
  int64_t unrelated = create(first_customer, R"({"subject":"Towels","details":"More towels at the pool."})");
  // Confidential to the other admin: its author. Then one confidential note
  // of the other admin's that our admin is assigned to.
  int64_t hidden = create(first_customer, R"({"subject":"Locker dispute","confidential":true})", other_admin_key);
  int64_t shared = create(second_customer, R"({"subject":"Locker refund","confidential":true})", other_admin_key);
  assign(shared, club.admin_id, other_admin_key);
  post_message(hidden, "Secret locker words.", other_admin_key);

  // Ranked: a subject (weight A) over details (B) over a message (C).
  auto found = ids("?q=locker");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(std::set<int64_t>(found.begin(), found.end()),
            (std::set<int64_t>{in_subject, in_details, in_message, shared}));
  EXPECT_EQ(found.back(), in_message);
  EXPECT_NE(std::find(found.begin(), found.end(), in_subject), found.end());
  auto position = [&](int64_t id) { return std::find(found.begin(), found.end(), id) - found.begin(); };
  EXPECT_LT(position(in_subject), position(in_details));
  EXPECT_LT(position(in_details), position(in_message));
  // The count never counts what the caller may not see, and no hit leaks it.
  EXPECT_EQ(parse_json(queue("?q=locker").header("pagination"))["total_count"].GetInt64(), 4);
  EXPECT_EQ(queue("?q=dispute").status, 204);
  EXPECT_EQ(queue("?q=secret").status, 204);
  EXPECT_NE(queue("?q=locker").body.find("Locker refund"), std::string::npos);
  EXPECT_EQ(queue("?q=locker").body.find("dispute"), std::string::npos);
  // Its author and the owner find it.
  EXPECT_EQ(ids("?q=dispute", other_admin_key), std::vector<int64_t>{hidden});
  EXPECT_EQ(ids("?q=secret", club.owner_key), std::vector<int64_t>{hidden});
  EXPECT_EQ(parse_json(queue("?q=locker", club.owner_key).header("pagination"))["total_count"].GetInt64(), 5);

  // websearch_to_tsquery's syntax, stemming, and words only in stop lists.
  EXPECT_EQ(ids("?q=locker%20-key&sort=created_on"), (std::vector<int64_t>{in_subject, in_details, shared}));
  EXPECT_EQ(ids("?q=%22locker%20key%22"), std::vector<int64_t>{in_message});
  EXPECT_EQ(ids("?q=towel"), std::vector<int64_t>{unrelated});
  EXPECT_EQ(ids("?q=lockers%20OR%20towels&sort=created_on&customer_id=" + first_customer),
            (std::vector<int64_t>{in_subject, in_message, unrelated}));
  EXPECT_EQ(queue("?q=the").status, 204);
  EXPECT_EQ(queue("?q=%27%3B%20DROP%20TABLE%20notes%3B%20--").status, 204);
  // An edit is searchable at once; the old words are gone.
  auto patched = http("PATCH", base_url() + "/api/customers/notes/" + std::to_string(unrelated),
                      {bearer(club.admin_key), kJson}, R"({"details":"Sauna too hot."})");
  ASSERT_EQ(patched.status, 200);
  EXPECT_EQ(ids("?q=sauna"), std::vector<int64_t>{unrelated});
  EXPECT_EQ(ids("?q=towel"), std::vector<int64_t>{unrelated});  // still in its subject
  EXPECT_EQ(queue("?q=pool").status, 204);
  // Made confidential, it leaves everyone else's searches and counts at
  // once; its author still finds it.
  EXPECT_EQ(ids("?q=sauna", other_admin_key), std::vector<int64_t>{unrelated});
  ASSERT_EQ(http("PATCH", base_url() + "/api/customers/notes/" + std::to_string(unrelated),
                 {bearer(club.admin_key), kJson}, R"({"confidential":true})")
                .status,
            200);
  EXPECT_EQ(queue("?q=sauna", other_admin_key).status, 204);
  EXPECT_EQ(queue("?q=sauna%20OR%20towel", other_admin_key).status, 204);
  EXPECT_EQ(ids("?q=sauna"), std::vector<int64_t>{unrelated});
}

TEST_F(WorkQueue, AssigneeAndRemindersGiveTheDueWorkSoonestFirst) {
  int64_t due_soon = create(first_customer, R"({"subject":"a","reminder":"2026-01-02T09:00:00Z"})");
  int64_t due_later = create(second_customer, R"({"subject":"b","reminder":"2026-01-05T09:00:00Z"})");
  int64_t due_after = create(first_customer, R"({"subject":"c","reminder":"2026-02-01T00:00:00Z","priority":true})");
  int64_t no_reminder = create(first_customer, R"({"subject":"d","priority":true})");
  int64_t not_mine = create(second_customer, R"({"subject":"e","reminder":"2026-01-01T00:00:00Z"})");
  for (int64_t note : {due_soon, due_later, due_after, no_reminder}) assign(note, club.admin_id);
  assign(not_mine, other_admin);

  EXPECT_EQ(ids("?assignee=me&sort=reminder"), (std::vector<int64_t>{due_soon, due_later, due_after, no_reminder}));
  EXPECT_EQ(ids("?assignee=me&sort=-reminder"), (std::vector<int64_t>{due_after, due_later, due_soon, no_reminder}));
  EXPECT_EQ(ids("?assignee=me&reminder_before=2026-02-01&sort=reminder"), (std::vector<int64_t>{due_soon, due_later}));
  EXPECT_EQ(ids("?reminder_after=2026-01-05T09:00:00Z&sort=reminder"), (std::vector<int64_t>{due_later, due_after}));
  EXPECT_EQ(ids("?reminder_before=2026-01-03&sort=reminder"), (std::vector<int64_t>{not_mine, due_soon}));
  EXPECT_EQ(ids("?assignee=" + other_admin), std::vector<int64_t>{not_mine});
  EXPECT_EQ(ids("?assignee=me&priority=true&sort=created_on"), (std::vector<int64_t>{due_after, no_reminder}));
  // Priority first, ties newest first (by id, descending with the sort).
  EXPECT_EQ(ids("?sort=-priority"), (std::vector<int64_t>{no_reminder, due_after, not_mine, due_later, due_soon}));
  EXPECT_EQ(ids("?sort=priority&customer_id=" + first_customer), (std::vector<int64_t>{due_soon, due_after, no_reminder}));
}

// A page writes a customer or user it has already written by copying those
// bytes (views/note_json.cpp, Fragments): every Note of a page mixing
// customers, authors and posters still carries its own, exactly as GET of
// that one note shows them.
TEST_F(WorkQueue, EveryNoteOfAPageCarriesItsOwnCustomerAuthorAndPosters) {
  run_sql("UPDATE customers SET last_name = 'Lovelace', email = 'ada@example.org' WHERE id = " + first_customer);
  std::vector<int64_t> notes = {
      create(first_customer, R"({"subject":"a"})"),
      create(second_customer, R"({"subject":"b"})", other_admin_key),
      create(first_customer, R"({"subject":"c"})", other_admin_key),
      create(second_customer, R"({"subject":"d"})"),
  };
  post_message(notes[0], "from admin");
  post_message(notes[0], "from other", other_admin_key);
  post_message(notes[2], "from other", other_admin_key);
  post_message(notes[3], "from admin");
  auto page = queue("?page_size=10");
  ASSERT_EQ(page.status, 200) << page.body;
  rapidjson::Document listed;
  listed.Parse(page.body.c_str());
  ASSERT_TRUE(listed.IsArray());
  ASSERT_EQ(listed.Size(), notes.size());
  for (const auto& note : listed.GetArray()) {
    std::string id = std::to_string(note["id"].GetInt64());
    auto alone = http("GET", base_url() + "/api/customers/notes/" + id, {bearer(club.admin_key)});
    ASSERT_EQ(alone.status, 200) << alone.body;
    rapidjson::Document single = parse_json(alone.body);
    EXPECT_EQ(note["customer"], single["customer"]) << "note " << id;
    EXPECT_EQ(note["customer"]["id"].GetInt64(), note["customer_id"].GetInt64()) << "note " << id;
    EXPECT_EQ(note["user"], single["user"]) << "note " << id;
    EXPECT_EQ(note["user"]["id"].GetInt64(), note["user_id"].GetInt64()) << "note " << id;
    EXPECT_EQ(note["messages"], single["messages"]) << "note " << id;
  }
  // The messages' own list repeats posters the same way.
  auto thread = http("GET", base_url() + "/api/customers/notes/" + std::to_string(notes[0]) + "/messages",
                     {bearer(club.admin_key)});
  ASSERT_EQ(thread.status, 200) << thread.body;
  rapidjson::Document messages = parse_json(thread.body);
  ASSERT_EQ(messages.Size(), 2u);
  EXPECT_EQ(messages[0]["posted_by"]["id"].GetInt64(), std::stoll(club.admin_id));
  EXPECT_EQ(messages[1]["posted_by"]["id"].GetInt64(), std::stoll(other_admin));
}

TEST_F(WorkQueue, BadParametersAre400AndChangeNothing) {
  create(first_customer, R"({"subject":"x"})");
  create(first_customer, R"({"subject":"y"})");
  std::string cursor = parse_json(queue("?page_size=1").header("pagination"))["next_cursor"].GetString();
  for (const std::string& bad :
       {std::string("?sort=relevance"), std::string("?sort=subject"), std::string("?q="),
        "?q=" + std::string(300, 'a'), std::string("?customer_id=x"), std::string("?reminder_before=soon"),
        std::string("?reminder_after=2026-02-30"), std::string("?cursor=bm90IGEgY3Vyc29y"),
        std::string("?cursor=") + cursor + "&page_number=2", std::string("?cursor=") + cursor + "&sort=reminder",
        std::string("?cursor=") + cursor.substr(0, cursor.size() - 3), std::string("?q=a&q=b"),
        std::string("?assignee=you"), std::string("?colour=red"), std::string("?page_size=101")}) {
    SCOPED_TRACE(bad);
    EXPECT_REFUSED_UNCHANGED(400, queue(bad));
    auto refused = parse_json(queue(bad).body);
    EXPECT_STREQ(refused["error"].GetString(), "invalid_parameter");
  }
  EXPECT_EQ(queue("?cursor=" + cursor).status, 200);
  EXPECT_EQ(queue("?cursor=" + cursor + "&sort=-created_on").status, 200);
}

// PostgreSQL refuses a tsvector over 1 MiB. Messages of made-up words add
// thousands of new words each; a note stops taking words at 512 KiB of
// index, so posting never starts failing, and the early words stay found.
TEST_F(WorkQueue, MessagesOfMadeUpWordsNeverMakePostingFail) {
  int64_t note = create(first_customer, R"({"subject":"Flooded"})");
  std::mt19937 random(7);
  for (int message = 0; message < 16; ++message) {
    std::string text;
    while (text.size() < 60 * 1024) {
      for (int letter = 0; letter < 9; ++letter) text += static_cast<char>('a' + random() % 26);
      text += ' ';
    }
    post_message(note, message == 0 ? "zebracrossing " + text : text);
  }
  // Filled close to the bound, never past it.
  int64_t words = std::stoll(query_value("SELECT pg_column_size(messages_search) FROM notes WHERE id = " +
                                         std::to_string(note)));
  EXPECT_GT(words, 400 * 1024);
  EXPECT_LT(words, 512 * 1024);
  EXPECT_EQ(ids("?q=zebracrossing"), std::vector<int64_t>{note});
  EXPECT_EQ(ids("?q=flooded"), std::vector<int64_t>{note});
}

// Past kExactCountUpTo the count is a lower bound, and a cursor walk still
// reaches every note exactly once, ending with next_cursor null.
TEST_F(WorkQueue, CursorWalksPastTheExactCountToTheEnd) {
  const int total = static_cast<int>(sql::kExactCountUpTo) + 50;
  seed(total);
  auto first = queue("?page_size=100");
  auto paging = parse_json(first.header("pagination"));
  EXPECT_TRUE(paging["total_count_estimated"].GetBool());
  std::set<int64_t> seen;
  std::string next = paging["next_cursor"].GetString();
  for (int64_t id : ids_of_page(first)) seen.insert(id);
  int pages = 1;
  while (!next.empty() && pages < 50) {
    auto page = queue("?page_size=100&cursor=" + next);
    ASSERT_EQ(page.status, 200) << page.body;
    auto json = parse_json(page.header("pagination"));
    EXPECT_EQ(json["page_number"].GetInt64(), pages + 1);
    for (int64_t id : ids_of_page(page)) EXPECT_TRUE(seen.insert(id).second) << "note " << id << " seen twice";
    next = json["next_cursor"].IsNull() ? "" : json["next_cursor"].GetString();
    ++pages;
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(total));
  EXPECT_EQ(pages, (total + 99) / 100);
}

// While other clients add notes all over the order (random reminders), a
// walk by cursor sees every note that was there when it started exactly
// once, and no note twice. Paging by offset fails this: a note inserted
// before the offset pushes one already seen onto the next page.
TEST_F(WorkQueue, CursorWalkSeesEveryNoteOnceWhileNotesAreInserted) {
  const int existing = 300;
  seed(existing, "timestamptz '2026-01-01' + (g * 7919 % 1000) * interval '1 hour'");
  std::set<int64_t> before;
  {
    std::string all = query_value("SELECT string_agg(id::text, ',') FROM notes WHERE company_id = " + club.id);
    std::stringstream list(all);
    for (std::string id; std::getline(list, id, ',');) before.insert(std::stoll(id));
  }
  ASSERT_EQ(before.size(), static_cast<std::size_t>(existing));

  std::atomic<bool> walking{true};
  std::atomic<int> inserted{0};
  std::thread writer([&] {
    std::mt19937 random(42);
    while (walking) {
      int hour = static_cast<int>(random() % 1000);
      char reminder[32];
      std::snprintf(reminder, sizeof reminder, "2026-01-%02dT%02d:30:00Z", 1 + hour / 24 % 28, hour % 24);
      auto response = http("POST", base_url() + "/api/customers/" + second_customer + "/notes",
                           {bearer(club.owner_key), kJson}, std::string(R"({"subject":"new","reminder":")") +
                           reminder + "\"}");
      if (response.status == 201) ++inserted;
    }
  });
  std::map<int64_t, int> seen;
  std::string next;
  int pages = 0;
  do {
    auto page = queue("?sort=reminder&page_size=10" + (next.empty() ? "" : "&cursor=" + next));
    ASSERT_EQ(page.status, 200) << page.body;
    for (int64_t id : ids_of_page(page)) ++seen[id];
    auto json = parse_json(page.header("pagination"));
    next = json["next_cursor"].IsNull() ? "" : json["next_cursor"].GetString();
    // Let the writer land notes between the pages.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (!next.empty() && ++pages < 200);
  walking = false;
  writer.join();

  EXPECT_GT(inserted.load(), 10) << "the writer did not write during the walk";
  for (int64_t id : before) EXPECT_EQ(seen[id], 1) << "note " << id;
  for (const auto& [id, times] : seen) EXPECT_EQ(times, 1) << "note " << id << " seen " << times << " times";
}

// Issue 29, 8: a search over notes of large search vectors held a worker
// for seconds, and one key's sixteen at once held them all: another
// company's cheap GETs waited up to 5 s. One company's searches now hold at
// most half the workers (handlers/search_places.hpp); the rest are answered
// 429 at once. docs/reliability.md promises the other company's p99 below
// kOtherCompanysP99 meanwhile, asserted here at that bound.
TEST_F(WorkQueue, AnotherCompanyIsServedWhileOneKeySendsItsWorstSearches) {
  constexpr auto kOtherCompanysP99 = std::chrono::milliseconds(250);
  // A customer of 50,000 notes, written in SQL without their triggers
  // (through the API that takes minutes): a search that must test and
  // rank each of them holds a worker for a quarter of a second or more.
  run_sql("BEGIN; SET LOCAL session_replication_role = replica;"
          " WITH words AS (SELECT to_tsvector('simple', string_agg(md5(i::text), ' ')) AS vector"
          "                FROM generate_series(1, 60) i)"
          " INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject, search)"
          " SELECT " + club.id + ", " + first_customer + ", " + club.owner_id + ", 'customer', 'heavy', vector"
          " FROM words, generate_series(1, 50000); COMMIT; ANALYZE notes");
  const std::string worst = "?q=-zzzz&customer_id=" + first_customer;
  auto alone_sent = std::chrono::steady_clock::now();
  ASSERT_EQ(queue(worst, club.owner_key).status, 200);
  auto alone = std::chrono::steady_clock::now() - alone_sent;

  Company other = make_company("wq-other-company");
  std::string other_customer = notesctl_ok("customer add --company " + other.id + " --first-name Cleo");
  auto created = http("POST", base_url() + "/api/customers/" + other_customer + "/notes",
                      {bearer(other.admin_key), kJson}, R"({"subject":"cheap"})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string other_note = base_url() + "/api/customers/notes/" + std::to_string(parse_json(created.body)["id"].GetInt64());

  std::atomic<bool> attacking{true};
  std::atomic<int> searched{0}, refused{0};
  std::atomic<long> other_status{0};
  std::atomic<int> unclear_refusals{0};
  std::vector<std::thread> attackers;
  for (int i = 0; i < 16; ++i) {  // one key's requests in flight, as nginx allows
    attackers.emplace_back([&] {
      while (attacking) {
        HttpResponse answer = queue(worst, club.owner_key);
        long status = answer.status;
        if (status == 200) {
          ++searched;
        } else if (status == 429) {
          ++refused;
          if (answer.header("retry-after") != "1" ||
              answer.body.find("\"too_many_searches\"") == std::string::npos) {
            unclear_refusals++;
          }
          // About the per-key rate the shipped site allows (100/s), which
          // the test stack lifts.
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } else {
          other_status = status;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::vector<std::chrono::steady_clock::duration> latencies;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5); std::chrono::steady_clock::now() < until;) {
    auto sent = std::chrono::steady_clock::now();
    EXPECT_EQ(http("GET", other_note, {bearer(other.admin_key)}).status, 200);
    latencies.push_back(std::chrono::steady_clock::now() - sent);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  attacking = false;
  for (auto& attacker : attackers) attacker.join();
  run_sql("BEGIN; SET LOCAL session_replication_role = replica;"
          " DELETE FROM notes WHERE company_id = " + club.id + " AND subject = 'heavy'; COMMIT");

  std::sort(latencies.begin(), latencies.end());
  auto p99 = latencies[(latencies.size() * 99 + 99) / 100 - 1];
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::printf("FAIR SHARE: worst search alone %lld ms; under 16 of them: %d searched, %d refused (429); other"
              " company: %zu GETs, median %lld ms, p99 %lld ms, max %lld ms\n",
              static_cast<long long>(ms(alone)), searched.load(), refused.load(), latencies.size(),
              static_cast<long long>(ms(latencies[latencies.size() / 2])), static_cast<long long>(ms(p99)),
              static_cast<long long>(ms(latencies.back())));
  EXPECT_EQ(other_status.load(), 0) << "a search was answered neither 200 nor 429";
  EXPECT_GT(searched.load(), 0);
  EXPECT_EQ(unclear_refusals.load(), 0) << "a 429 without Retry-After: 1 or too_many_searches";
  EXPECT_LE(p99, kOtherCompanysP99) << "p99 " << ms(p99) << " ms";
}

}  // namespace notes::test
