// Many connections changing one note at once, through the same prepared
// statements and pipelines the handlers use: no deadlock, no failure, no
// lost change.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "sql/connection.hpp"
#include "sql/pg_array.hpp"
#include "tests/support/service_connection.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/database.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

int64_t id_of(const std::string& text) { return static_cast<int64_t>(std::stoll(text)); }

sql::ConnectionSettings settings() { return service_connection_settings("notes-concurrency-test"); }

sql::Caller admin_of(const Company& c) { return {id_of(c.id), id_of(c.admin_id), "admin"}; }

}  // namespace

TEST(NoteConcurrency, ConcurrentAssigneeChangesAndPatchesLoseNothing) {
  constexpr int kThreads = 6;
  constexpr int kRounds = 20;
  Company c = make_company("concurrency");
  std::string customer = notesctl_ok("customer add --company " + c.id);
  std::vector<int64_t> own_user;
  for (int t = 0; t < kThreads; ++t) {
    own_user.push_back(id_of(notesctl_ok("user add --company " + c.id + " --role staff --username conc" +
                                              std::to_string(t))));
  }
  int64_t shared_user = id_of(c.staff_id);

  sql::Connection setup(settings());
  auto created = setup.execute(sql::query::note_create(id_of(customer), admin_of(c), {}));
  ASSERT_TRUE(created.ok()) << created.error_message();
  int64_t note = created.int64(0, 0);

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      sql::Connection db(settings());
      auto check = [&](const std::vector<sql::Result>& results) {
        for (const auto& r : results) {
          if (!r.ok()) {
            ++failures;
            ADD_FAILURE() << "thread " << t << ": " << r.error_message();
          }
        }
      };
      auto add = [&](std::vector<int64_t> users) {
        check(db.execute_pipeline({sql::query::note_lock(note, id_of(c.id)),
                                   sql::query::note_assignees_add(note, admin_of(c), users, 100),
                                   sql::query::note_by_id(note, id_of(c.id))}));
      };
      auto remove = [&](int64_t user) {
        check(db.execute_pipeline({sql::query::note_lock(note, id_of(c.id)),
                                   sql::query::note_assignee_remove(note, admin_of(c), user),
                                   sql::query::note_by_id(note, id_of(c.id))}));
      };
      auto patch = [&](int round) {
        sql::NoteFields change;
        change.subject = {true, "t" + std::to_string(t) + "r" + std::to_string(round)};
        // No If-Match: last write wins.
        check(db.execute_pipeline({sql::query::note_lock(note, id_of(c.id)),
                                   sql::query::note_update(note, admin_of(c), std::nullopt, change)}));
      };
      for (int round = 0; round < kRounds; ++round) {
        add({own_user[t], shared_user});
        patch(round);
        remove(own_user[t]);
      }
      if (t % 2 == 0) add({own_user[t]});
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(failures, 0);
  // Each thread's own user ends as its last operation left it; the shared
  // user, added by everyone, is there once.
  std::vector<int64_t> assigned = {shared_user};
  for (int t = 0; t < kThreads; t += 2) assigned.push_back(own_user[t]);
  std::sort(assigned.begin(), assigned.end());
  EXPECT_EQ(query_value("SELECT array_agg(user_id ORDER BY user_id) FROM note_assignees WHERE note_id = " +
                        std::to_string(note)),
            sql::bigint_array_literal(assigned));
  // Every change counted exactly once in the revision: per thread, each
  // round adds (its own user is always new), patches and removes; even
  // threads add once more. Re-adding the shared user alone changes nothing.
  int64_t expected_revision = 1 + kThreads * kRounds * 3 + kThreads / 2;
  EXPECT_EQ(query_value("SELECT revision FROM notes WHERE id = " + std::to_string(note)),
            std::to_string(expected_revision));
}

}  // namespace notes::test
