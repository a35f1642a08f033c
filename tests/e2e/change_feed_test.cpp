// The change feeds (docs/api.md, "Change feed") end to end through nginx:
// order, tombstones, visibility, long polls, and that a reader walking the
// feed while transactions commit out of order sees every change once.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "handlers/change_feed.hpp"
#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/club_suite.hpp"
#include "tests/support/processes.hpp"
#include "tests/support/second_connection.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// One item of a feed page, as a reader keeps it.
struct Item {
  std::string cursor;
  int64_t history_id = 0;
  std::string subject_id;  // the note (a number) or the account (a string)
  std::string change;
  bool tombstone = false;
  std::string text;  // the note's subject, or the account note
};

struct Page {
  std::vector<Item> items;
  std::string next;
};

int64_t history_id_of(const std::string& cursor) { return std::stoll(cursor.substr(cursor.find('.') + 1)); }

// `walk` (one walk to the feed's end) again and again until `count` items
// came or 5 s passed. A transaction running anywhere in the cluster holds
// changes back a moment (docs/api.md, "Change feed"), so a walk made right
// after a write can end early.
template <class Walk>
std::vector<Item> walk_again_until(std::size_t count, Walk walk) {
  std::vector<Item> items = walk();
  for (auto deadline = Clock::now() + 5s; items.size() < count && Clock::now() < deadline;) {
    std::this_thread::sleep_for(50ms);
    auto more = walk();
    items.insert(items.end(), more.begin(), more.end());
  }
  return items;
}

// A page of either feed: each change's id under `subject_key`, and
// `read_note` for what a change that is no tombstone carries.
template <class ReadNote>
Page feed_page(const HttpResponse& response, const char* subject_key, ReadNote read_note) {
  EXPECT_EQ(response.status, 200) << response.body;
  Page page;
  if (response.status != 200) return page;
  auto body = any_json_of(response);
  for (const auto& change : body["changes"].GetArray()) {
    Item item;
    item.cursor = change["cursor"].GetString();
    item.history_id = history_id_of(item.cursor);
    const auto& subject = change[subject_key];
    item.subject_id = subject.IsString() ? subject.GetString() : std::to_string(subject.GetInt64());
    item.change = change["change"].GetString();
    item.tombstone = change["note"].IsNull();
    if (!item.tombstone) read_note(change["note"], item);
    page.items.push_back(item);
  }
  page.next = body["next"].GetString();
  return page;
}

class ChangeFeed : public ClubSuite {
 protected:
  static std::string feed_url(const std::string& query) {
    return base_url() + "/api/customers/notes/changes" + (query.empty() ? "" : "?" + query);
  }

  static Page page_of(const HttpResponse& response) {
    return feed_page(response, "note_id", [](const rapidjson::Value& note, Item& item) {
      EXPECT_EQ(std::to_string(note["id"].GetInt64()), item.subject_id);
      if (note["subject"].IsString()) item.text = note["subject"].GetString();
    });
  }

  // Every change after `cursor` ("": from the start) as `key` sees them,
  // paged by `limit`; `cursor` ends after the last.
  static std::vector<Item> walk(const std::string& key, std::string& cursor, int limit = 100) {
    std::vector<Item> items;
    for (;;) {
      std::string query = "limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&since=" + cursor);
      Page page = page_of(http("GET", feed_url(query), {bearer(key)}));
      items.insert(items.end(), page.items.begin(), page.items.end());
      if (!page.items.empty()) {
        EXPECT_EQ(page.next, page.items.back().cursor);
      }
      if (page.items.empty()) {
        if (!cursor.empty()) {
          EXPECT_EQ(page.next, cursor) << "an empty page moved the cursor";
        }
        if (!page.next.empty()) cursor = page.next;
        return items;
      }
      cursor = page.next;
    }
  }

  static std::vector<Item> walk_until(const std::string& key, std::string& cursor, std::size_t count,
                                      int limit = 100) {
    return walk_again_until(count, [&] { return walk(key, cursor, limit); });
  }

  static std::string new_note(const std::string& body, const std::string& key) {
    return test::new_note(customer, body, {bearer(key)});
  }

  // The current end of the feed, for a test that reads only its own changes.
  static std::string end_of_feed(const std::string& key) {
    std::string cursor;
    walk(key, cursor);
    return cursor;
  }
};

TEST_F(ChangeFeed, CreatesUpdatesAndDeletionsComeInOrderDeletedNotesAsTombstones) {
  std::string cursor = end_of_feed(club->admin_key);
  std::string kept = new_note(R"({"subject":"kept"})", club->admin_key);
  ASSERT_EQ(http("PATCH", note_url(kept), {bearer(club->admin_key), kJson}, R"({"subject":"kept, changed"})").status,
            200);
  std::string gone = new_note(R"({"subject":"gone"})", club->admin_key);
  ASSERT_EQ(http("POST", note_url(kept) + "/messages", {bearer(club->admin_key), kJson}, R"({"message":"hi"})")
                .status,
            201);
  ASSERT_EQ(http("DELETE", note_url(gone), {bearer(club->admin_key)}).status, 204);

  auto items = walk_until(club->admin_key, cursor, 5, 2);
  ASSERT_EQ(items.size(), 5u);
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& item : items) seen.emplace_back(item.subject_id, item.change);
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{
                      {kept, "created"}, {kept, "updated"}, {gone, "deleted"}, {kept, "message_posted"},
                      {gone, "deleted"}}));
  // Each item carries the note as it is now; a deleted one, nothing.
  for (const auto& item : items) {
    if (item.subject_id == kept) {
      EXPECT_FALSE(item.tombstone);
      EXPECT_EQ(item.text, "kept, changed");
    } else {
      EXPECT_TRUE(item.tombstone);
    }
  }
  EXPECT_TRUE(std::is_sorted(items.begin(), items.end(),
                             [](const Item& a, const Item& b) { return a.history_id < b.history_id; }));
  // Nothing more: the cursor stays.
  EXPECT_TRUE(walk(club->admin_key, cursor).empty());
}

TEST_F(ChangeFeed, AChangeCommittedLateByASlowerTransactionIsNotSkipped) {
  std::string cursor = end_of_feed(club->admin_key);
  // A transaction that writes first and commits last.
  SecondConnection slow;
  slow.run("BEGIN");
  std::string late = slow.value("INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject)"
                                " VALUES (" + club->id + ", " + customer + ", " + club->admin_id +
                                ", 'customer', 'late') RETURNING id");
  std::string early = new_note(R"({"subject":"early"})", club->admin_key);

  // The later transaction has committed, but its change comes after the
  // slower one's in the feed: it is held back until that one ends.
  std::string held = cursor;
  EXPECT_TRUE(walk(club->admin_key, held).empty());
  slow.run("COMMIT");

  auto items = walk_until(club->admin_key, cursor, 2);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].subject_id, late);
  EXPECT_EQ(items[0].change, "created");
  EXPECT_EQ(items[1].subject_id, early);
}

TEST_F(ChangeFeed, ConcurrentWritersWithRandomCommitDelaysAreSeenExactlyOnce) {
  std::string cursor = end_of_feed(club->owner_key);
  std::string before = query_value("SELECT coalesce(max(id), 0) FROM note_history");
  std::atomic<bool> writing{true};

  // Writers in transactions of their own that commit after a random delay,
  // some rolled back, and writers through the API, all at once.
  auto sql_writer = [&](unsigned seed) {
    SecondConnection db;
    std::mt19937 random(seed);
    for (int i = 0; i < 12; ++i) {
      db.run("BEGIN");
      std::string id = db.value("INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject)"
                                " VALUES (" + club->id + ", " + customer + ", " + club->admin_id +
                                ", 'customer', 'sql " + std::to_string(i) + "') RETURNING id");
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 150));
      db.run("UPDATE notes SET status = 'closed' WHERE id = " + id);
      db.run(random() % 4 == 0 ? "ROLLBACK" : "COMMIT");
    }
  };
  auto api_writer = [&] {
    for (int i = 0; i < 15; ++i) {
      std::string id = new_note(R"({"subject":"api"})", club->admin_key);
      http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"priority":true})");
    }
  };
  // The reader walks while they write, in small pages, long-polling.
  std::vector<Item> read;
  auto reader = std::async(std::launch::async, [&] {
    while (writing) {
      Page page = page_of(http("GET", feed_url("limit=7&wait=1&since=" + cursor), {bearer(club->owner_key)}));
      read.insert(read.end(), page.items.begin(), page.items.end());
      if (!page.next.empty()) cursor = page.next;
    }
  });
  std::vector<std::thread> writers;
  for (unsigned seed = 1; seed <= 3; ++seed) writers.emplace_back(sql_writer, seed);
  writers.emplace_back(api_writer);
  for (auto& writer : writers) writer.join();
  writing = false;
  reader.get();

  std::set<int64_t> committed;
  std::string ids = query_value("SELECT string_agg(id::text, ',') FROM note_history WHERE company_id = " + club->id +
                                " AND id > " + before);
  for (std::size_t at = 0; at < ids.size();) {
    auto comma = ids.find(',', at);
    committed.insert(std::stoll(ids.substr(at, comma - at)));
    at = comma == std::string::npos ? ids.size() : comma + 1;
  }
  // The rest, walked again until every committed change not read yet came
  // (the feed holds changes back while an older transaction runs anywhere).
  std::set<int64_t> read_already;
  for (const auto& item : read) {
    if (committed.count(item.history_id)) read_already.insert(item.history_id);
  }
  auto rest = walk_until(club->owner_key, cursor, committed.size() - read_already.size(), 7);
  read.insert(read.end(), rest.begin(), rest.end());

  std::map<int64_t, int> times_read;
  for (const auto& item : read) ++times_read[item.history_id];
  for (const auto& [id, times] : times_read) EXPECT_EQ(times, 1) << "history entry " << id << " read twice";
  std::set<int64_t> seen;
  for (const auto& [id, times] : times_read) seen.insert(id);
  EXPECT_EQ(seen, committed) << "read " << seen.size() << " of " << committed.size() << " changes";
  EXPECT_GE(committed.size(), 60u);
}

TEST_F(ChangeFeed, ANoteThatBecameConfidentialToTheCallerIsATombstoneAndItsReadsAreRecorded) {
  std::string cursor = end_of_feed(club->admin_key);
  std::string id = new_note(R"({"subject":"open"})", club->owner_key);
  auto before = walk_until(club->admin_key, cursor, 1);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_FALSE(before[0].tombstone);
  ASSERT_EQ(http("PATCH", note_url(id), {bearer(club->owner_key), kJson}, R"({"confidential":true})").status, 200);

  auto after = walk_until(club->admin_key, cursor, 1);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_TRUE(after[0].tombstone);
  EXPECT_EQ(after[0].change, "deleted");
  EXPECT_TRUE(after[0].text.empty());
  // Read again from the start, the note's earlier changes hide it too.
  std::string from_start;
  for (const auto& item : walk(club->admin_key, from_start)) {
    if (item.subject_id == id) {
      EXPECT_TRUE(item.tombstone);
    }
  }
  // The owner sees it; as it is the owner's own note, nothing is recorded.
  std::string owner_cursor = cursor;
  EXPECT_EQ(query_value("SELECT count(*) FROM note_reads WHERE note_id = " + id), "0");
  // The admin's own confidential note read by the owner is recorded.
  std::string mine = new_note(R"({"subject":"mine","confidential":true})", club->admin_key);
  auto owner_items = walk_until(club->owner_key, owner_cursor, 1);
  ASSERT_FALSE(owner_items.empty());
  EXPECT_FALSE(owner_items.back().tombstone);
  EXPECT_EQ(query_value("SELECT count(*) FROM note_reads WHERE via = 'feed' AND note_id = " + mine +
                        " AND user_id = " + club->owner_id),
            "1");
}

TEST_F(ChangeFeed, ALongPollIsAnsweredByTheChangeItWaitedFor) {
  std::string cursor = end_of_feed(club->admin_key);
  auto started = Clock::now();
  auto waiting = std::async(std::launch::async, [&] {
    return http("GET", feed_url("wait=10&since=" + cursor), {bearer(club->admin_key)});
  });
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(waiting.wait_for(0s), std::future_status::timeout) << "the long poll did not wait";
  std::string id = new_note(R"({"subject":"awaited"})", club->admin_key);
  auto written = Clock::now();
  Page page = page_of(waiting.get());
  auto answered = Clock::now();
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].subject_id, id);
  // Announced, the change wakes the reader at once. Unannounced, it would
  // be found at the next look, kLookAgainEvery after the wait began:
  // some 700 ms after this write.
  EXPECT_LT(answered - written, change_feed::kLookAgainEvery / 2)
      << std::chrono::duration_cast<std::chrono::milliseconds>(answered - written).count() << " ms";
  EXPECT_LT(answered - started, 10s);
}

// A write that began before the reader started to wait, and commits while
// it waits, still wakes it: whether to announce is decided after the
// commit, not when the write began.
TEST_F(ChangeFeed, AWriteHeldBeforeTheReaderWaitedWakesItWhenItCommits) {
  std::string id = new_note(R"({"subject":"held"})", club->admin_key);
  std::string cursor = end_of_feed(club->admin_key);
  SecondConnection holder;
  holder.run("BEGIN");
  holder.run("SELECT 1 FROM notes WHERE id = " + id + " FOR UPDATE");
  // The write has begun (and told PostgreSQL its actor) before anyone waits.
  auto writing = std::async(std::launch::async, [&] {
    return http("PATCH", note_url(id), {bearer(club->admin_key), kJson}, R"({"subject":"released"})");
  });
  ASSERT_TRUE(someone_waits_for_a_lock());
  auto waiting = std::async(std::launch::async, [&] {
    return http("GET", feed_url("wait=10&since=" + cursor), {bearer(club->admin_key)});
  });
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(waiting.wait_for(0s), std::future_status::timeout) << "the long poll did not wait";
  holder.run("COMMIT");
  auto released = Clock::now();
  EXPECT_EQ(writing.get().status, 200);
  Page page = page_of(waiting.get());
  auto answered = Clock::now();
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].text, "released");
  // Unannounced, the reader would find it at its next look, kLookAgainEvery
  // after it began to wait: some 700 ms after the release.
  EXPECT_LT(answered - released, change_feed::kLookAgainEvery / 2)
      << std::chrono::duration_cast<std::chrono::milliseconds>(answered - released).count() << " ms";
}

TEST_F(ChangeFeed, LongPollsNeverHoldMoreThanHalfTheWorkers) {
  int workers = std::stoi(stack_value("NOTES_WORKERS"));
  ASSERT_GT(workers, 0);
  int places = std::max(1, workers / 2);
  std::string cursor = end_of_feed(club->admin_key);
  const int polls = places + 2;
  std::vector<std::future<Clock::duration>> waits;
  for (int i = 0; i < polls; ++i) {
    waits.push_back(std::async(std::launch::async, [&] {
      auto sent = Clock::now();
      EXPECT_EQ(http("GET", feed_url("wait=3&since=" + cursor), {bearer(club->admin_key)}).status, 200);
      return Clock::now() - sent;
    }));
  }
  std::this_thread::sleep_for(1500ms);
  // Meanwhile everyone else is served.
  auto sent = Clock::now();
  EXPECT_EQ(http("GET", note_url(new_note(R"({"subject":"served"})", club->admin_key)), {bearer(club->admin_key)})
                .status,
            200);
  EXPECT_LT(Clock::now() - sent, 2s);
  int waited = 0;
  for (auto& wait : waits) {
    // Those without a place were answered at once; the write above ended
    // the wait of the others, 1.5 s after they asked.
    if (wait.get() >= 1s) ++waited;
  }
  EXPECT_LE(waited, places);
  EXPECT_GE(waited, 1) << "no long poll waited";
}

// Issue 29, 8: with two workers there is one place to wait in, and a
// company whose reader re-polls at once kept it for good: every other
// company's reader was answered at once, every time. A reader that finds
// no place asks a company holding more places than its own to give one
// way, which it does at its next look (within a second).
TEST_F(ChangeFeed, ACompanysWaitingReadersGiveWayToAnotherCompanysWithinASecond) {
  int places = std::max(1, std::stoi(stack_value("NOTES_WORKERS")) / 2);
  std::string cursor = end_of_feed(club->admin_key);
  std::atomic<bool> polling{true};
  std::atomic<int> cut_short{0};
  std::vector<std::thread> holders;
  for (int i = 0; i < places; ++i) {
    holders.emplace_back([&] {
      while (polling) {
        auto sent = Clock::now();
        EXPECT_EQ(http("GET", feed_url("wait=20&since=" + cursor), {bearer(club->admin_key)}).status, 200);
        if (polling && Clock::now() - sent < 15s) ++cut_short;
      }
    });
  }
  std::this_thread::sleep_for(1s);  // every place held
  Company other = make_company("feed-other-company");
  std::string other_cursor = end_of_feed(other.admin_key);
  // A reader without a place is answered at once; one with a place waits
  // until its deadline or until asked to give way in turn (a second).
  auto asked = Clock::now();
  std::optional<Clock::duration> first_wait_after;
  for (auto until = Clock::now() + 5s; Clock::now() < until && !first_wait_after;) {
    auto sent = Clock::now();
    EXPECT_EQ(http("GET", feed_url("wait=2&since=" + other_cursor), {bearer(other.admin_key)}).status, 200);
    if (Clock::now() - sent >= 500ms) first_wait_after = sent - asked;
  }
  polling = false;
  new_note(R"({"subject":"ends the waits"})", club->admin_key);
  for (auto& holder : holders) holder.join();
  ASSERT_TRUE(first_wait_after.has_value()) << "the other company's reader never waited";
  EXPECT_LE(*first_wait_after, 2s) << "it waited only after "
                                   << std::chrono::duration_cast<std::chrono::milliseconds>(*first_wait_after).count()
                                   << " ms";
  EXPECT_GE(cut_short.load(), 1);
}

// A worker's peak resident memory since `reset_peak` (VmHWM, KiB).
long peak_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}
void reset_peak(pid_t pid) { std::ofstream("/proc/" + std::to_string(pid) + "/clear_refs") << "5"; }

// Issue 29, 7: a page of the feed over notes of many large messages once
// read every message of every note on it (384 MiB for a 4.3 MB answer).
// A worker's peak for the worst page stays within docs/reliability.md's
// bound, kFeedPagePeakMiB, whatever the notes hold.
TEST_F(ChangeFeed, AWorkersMemoryForTheWorstPageIsBoundedByTheAnswer) {
  constexpr long kFeedPagePeakMiB = 32;
  std::string start = end_of_feed(club->owner_key);
  // 60 notes of 20 messages of 64 KiB each: 77 MB of messages, written in
  // SQL (the API would take minutes), as the owner.
  query_value("WITH made AS (INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject)"
              " SELECT " + club->id + ", " + customer + ", " + club->owner_id + ", 'customer', 'heavy ' || i"
              " FROM generate_series(1, 60) i RETURNING id)"
              " INSERT INTO note_messages (note_id, company_id, posted_by, message)"
              " SELECT made.id, " + club->id + ", " + club->owner_id + ", repeat(md5(j::text), 2048)"
              " FROM made, generate_series(1, 20) j RETURNING 1");
  auto workers = worker_processes(stack_supervisor_pid());
  ASSERT_FALSE(workers.empty());
  for (pid_t worker : workers) reset_peak(worker);
  long before = 0;
  for (pid_t worker : workers) before = std::max(before, peak_kib(worker));
  HttpResponse answer;
  for (auto deadline = Clock::now() + 5s; Clock::now() < deadline; std::this_thread::sleep_for(50ms)) {
    answer = http("GET", feed_url("limit=1000&since=" + start), {bearer(club->owner_key)});
    ASSERT_EQ(answer.status, 200) << answer.body.substr(0, 300);
    if (page_of(answer).items.size() > 1) break;  // the inserts are past the feed's horizon
  }
  long peak = 0;
  for (pid_t worker : workers) peak = std::max(peak, peak_kib(worker));
  Page page = page_of(answer);
  EXPECT_GE(page.items.size(), 2u);
  EXPECT_LE(answer.body.size(), (5u << 20)) << "the page's JSON bound (4 MiB and the item that crosses it)";
#if defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer a worker starts at about 150 MiB (shadow memory)
  // and keeps what it frees in quarantine: the plain suite asserts the bound.
  (void)kFeedPagePeakMiB;
#else
  EXPECT_LE(peak / 1024, kFeedPagePeakMiB) << "peak " << peak << " KiB, " << before << " KiB before";
#endif
  std::printf("FEED worst page: %zu items, %zu bytes of JSON, worker peak %ld MiB (%ld MiB before)\n",
              page.items.size(), answer.body.size(), peak / 1024, before / 1024);
}

TEST_F(ChangeFeed, BadQueriesAreRefusedInTheFamilysEnvelope) {
  for (const std::string query :
       {"since=x", "since=1", "since=1.x", "since=-1.2", "since=1.-2", "limit=0", "limit=1001", "wait=21",
        "wait=-1", "wait=1.5", "limit=5&limit=6", "page=2", "since=99999999999999999999.1"}) {
    auto refused = http("GET", feed_url(query), {bearer(club->admin_key)});
    EXPECT_EQ(refused.status, 400) << query << ": " << refused.body;
    EXPECT_NE(refused.body.find("\"invalid_parameter\""), std::string::npos) << query << ": " << refused.body;
  }
  auto refused = http("GET", base_url() + "/api/v2/account_notes/changes?wait=99", {raw_key(club->owner_key)});
  EXPECT_EQ(refused.status, 400);
  EXPECT_STREQ(json_of(refused)["result"].GetString(), "error");
  // The feed is a customer-notes route: staff may not read it.
  EXPECT_EQ(http("GET", feed_url(""), {bearer(club->staff_key)}).status, 403);
}

// A cursor naming a transaction the feed has not reached (corrupt, or
// from a database since restored to an earlier moment) would be answered
// empty forever, the reader stalled without knowing: it is a 400 on both
// feeds, while the cursor the end of the feed gave is still answered.
TEST_F(ChangeFeed, ACursorTheFeedNeverGaveIsRefusedOnBothFeeds) {
  for (const std::string query : {"since=99999999.99999999", "since=99999999.1&wait=2"}) {
    auto refused = http("GET", feed_url(query), {bearer(club->admin_key)});
    EXPECT_EQ(refused.status, 400) << query << ": " << refused.body;
    EXPECT_NE(refused.body.find("\"parameter\":\"since\""), std::string::npos) << refused.body;
    auto account_refused =
        http("GET", base_url() + "/api/v2/account_notes/changes?" + query, {raw_key(club->owner_key)});
    EXPECT_EQ(account_refused.status, 400) << query << ": " << account_refused.body;
    EXPECT_STREQ(json_of(account_refused)["result"].GetString(), "error");
  }
  std::string cursor;
  for (;;) {
    auto page = http("GET", feed_url("limit=1000" + (cursor.empty() ? std::string() : "&since=" + cursor)),
                     {bearer(club->admin_key)});
    ASSERT_EQ(page.status, 200) << page.body;
    auto body = any_json_of(page);
    cursor = body["next"].GetString();
    if (body["changes"].GetArray().Empty()) break;
  }
  EXPECT_EQ(http("GET", feed_url("since=" + cursor), {bearer(club->admin_key)}).status, 200) << cursor;
}

class AccountNoteFeed : public ClubSuite {
 protected:
  static Page page_of(const HttpResponse& response) {
    Page page = feed_page(response, "account_id", [](const rapidjson::Value& note, Item& item) {
      item.text = note.GetString();
    });
    if (response.status == 200) {
      EXPECT_STREQ(json_of(response)["result"].GetString(), "success");
    }
    return page;
  }
  static std::vector<Item> walk(const std::string& key, std::string& cursor) {
    std::vector<Item> items;
    for (;;) {
      Page page = page_of(http("GET", base_url() + "/api/v2/account_notes/changes?limit=2" +
                                          (cursor.empty() ? "" : "&since=" + cursor),
                               {raw_key(key)}));
      items.insert(items.end(), page.items.begin(), page.items.end());
      cursor = page.next;
      if (page.items.empty()) return items;
    }
  }
  static std::vector<Item> walk_until(const std::string& key, std::string& cursor, std::size_t count) {
    return walk_again_until(count, [&] { return walk(key, cursor); });
  }
};

TEST_F(AccountNoteFeed, ChangesComeInOrderAndOnlyWithTheReadGrant) {
  std::string cursor, staff_cursor;
  walk(club->owner_key, cursor);
  walk(club->staff_key, staff_cursor);
  auto url = account_note_url(club->account_id);
  ASSERT_EQ(http("POST", url, {raw_key(club->owner_key), kJson}, R"({"note":"first"})").status, 200);
  ASSERT_EQ(http("PATCH", url, {raw_key(club->owner_key), kJson}, R"({"note":"second"})").status, 200);

  auto items = walk_until(club->owner_key, cursor, 2);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].change, "created");
  EXPECT_EQ(items[1].change, "modified");
  EXPECT_EQ(items[1].text, "second");
  EXPECT_EQ(items[1].subject_id, club->account_id);

  // Staff without a grant: the changes are there, their content is not.
  auto hidden = walk_until(club->staff_key, staff_cursor, 2);
  ASSERT_EQ(hidden.size(), 2u);
  for (const auto& item : hidden) {
    EXPECT_TRUE(item.tombstone);
    EXPECT_EQ(item.change, "removed");
  }
  notesctl_ok("grant --user " + club->staff_id + " --account " + club->account_id + " --right read");
  std::string again;
  auto granted = walk(club->staff_key, again);
  ASSERT_FALSE(granted.empty());
  EXPECT_EQ(granted.back().text, "second");

  ASSERT_EQ(http("DELETE", url, {raw_key(club->owner_key)}).status, 200);
  auto removed = walk_until(club->owner_key, cursor, 1);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_TRUE(removed[0].tombstone);
  EXPECT_EQ(removed[0].change, "removed");
}

}  // namespace
}  // namespace notes::test
