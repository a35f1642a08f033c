// The worker's connection and prepared statements against a real PostgreSQL.
#include "sql/connection.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include <atomic>
#include <thread>
#include <future>
#include <functional>

#include "credentials/api_key.hpp"
#include "tests/support/service_connection.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/database.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/second_connection.hpp"
#include "tests/support/stack_env.hpp"

namespace notes::test {
namespace {

sql::ConnectionSettings settings(const std::string& name = "notesd-pg-test") { return service_connection_settings(name); }

int64_t id_of(const std::string& text) { return static_cast<int64_t>(std::stoll(text)); }

// User `user_id` of company `c` with `role` (a literal: Caller keeps a view).
sql::Caller as(const Company& c, std::string_view role, const std::string& user_id) {
  return {id_of(c.id), id_of(user_id), role};
}

}  // namespace

TEST(Connection, PreparesTheCatalogueAndRuns) {
  sql::Connection db(settings());
  ASSERT_TRUE(db.ensure_ready());
  auto result = db.execute(sql::query::ready_check());
  ASSERT_TRUE(result.ok()) << result.error_message();
  EXPECT_EQ(result.text(0, 0), "1");
}

TEST(Connection, OneLiveNotePerAccountAndRemovedNotesAreKept) {
  Company c = make_company("pg-one-live");
  sql::Connection db(settings());
  auto owner = as(c, "owner", c.owner_id);
  int64_t account = id_of(c.account_id);
  auto first = db.execute(sql::query::account_note_create(account, owner, "first"));
  ASSERT_TRUE(first.ok()) << first.error_message();
  EXPECT_FALSE(first.is_null(0, 1));
  auto second = db.execute(sql::query::account_note_create(account, owner, "second"));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second.is_null(0, 1)) << "a second live note was created";
  ASSERT_TRUE(db.execute(sql::query::account_note_remove(account, owner)).ok());
  auto third = db.execute(sql::query::account_note_create(account, owner, "third"));
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third.is_null(0, 1));
  EXPECT_EQ(query_value("SELECT count(*) FROM account_notes WHERE account_id = " + c.account_id), "2");
  EXPECT_EQ(query_value("SELECT string_agg(note || ':' || removed, ',' ORDER BY id) FROM account_notes"
                        " WHERE account_id = " + c.account_id),
            "first:true,third:false");
}

TEST(Connection, GrantsDecideRights) {
  Company c = make_company("pg-grants");
  sql::Connection db(settings());
  auto admin = as(c, "admin", c.admin_id);
  int64_t account = id_of(c.account_id);
  auto no_grant = db.execute(sql::query::account_note_get(account, admin));
  ASSERT_EQ(no_grant.rows(), 1);
  EXPECT_FALSE(no_grant.boolean(0, 0));
  notesctl_ok("grant --user " + c.admin_id + " --account " + c.account_id + " --right read");
  auto read = db.execute(sql::query::account_note_get(account, admin));
  EXPECT_TRUE(read.boolean(0, 0));
  auto write = db.execute(sql::query::account_note_create(account, admin, "x"));
  EXPECT_FALSE(write.boolean(0, 0)) << "read must not allow a write";
  EXPECT_EQ(query_value("SELECT count(*) FROM account_notes WHERE account_id = " + c.account_id), "0");
}

TEST(Connection, AnotherCompanysAccountIsNoRow) {
  Company mine = make_company("pg-mine");
  Company theirs = make_company("pg-theirs");
  sql::Connection db(settings());
  auto my_owner = as(mine, "owner", mine.owner_id);
  auto read = db.execute(sql::query::account_note_get(id_of(theirs.account_id), my_owner));
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(read.rows(), 0);
  auto write = db.execute(sql::query::account_note_create(id_of(theirs.account_id), my_owner, "x"));
  ASSERT_TRUE(write.ok()) << write.error_message();
  EXPECT_EQ(write.rows(), 0);
  EXPECT_EQ(query_value("SELECT count(*) FROM account_notes WHERE account_id = " + theirs.account_id), "0");
}

TEST(Connection, ConcurrentCreatesMakeExactlyOneNote) {
  Company c = make_company("pg-race");
  std::atomic<int> created{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      sql::Connection db(settings());
      auto result = db.execute(
          sql::query::account_note_create(id_of(c.account_id), as(c, "owner", c.owner_id), "racer " + std::to_string(i)));
      if (!result.ok()) {
        ++failed;
      } else if (result.is_null(0, 1)) {
        ++refused;
      } else {
        ++created;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(refused, 7);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(query_value("SELECT count(*) FROM account_notes WHERE account_id = " + c.account_id), "1");
}

// The connection's backend terminated while a statement waits (behind a
// table lock the test holds): a read runs again on a new connection, a write
// fails and is not run again. Terminated while idle: noticed before the next
// statement, which goes to a new connection at once.
TEST(Connection, RecoversAfterItsBackendIsKilled) {
  const std::string name = "notesd-pg-test-killed";
  sql::Connection db(settings(name));
  auto kill_backend = [&] {
    ASSERT_EQ(query_value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                          " WHERE application_name = '" + name + "'"),
              "1");
  };
  // Runs `call` while the test holds account_notes locked, terminating the
  // connection's backend once the call waits for the lock.
  auto killed_while_waiting = [&](const std::function<sql::Result()>& call) {
    SecondConnection blocker;
    blocker.run("BEGIN");
    blocker.run("LOCK TABLE account_notes IN ACCESS EXCLUSIVE MODE");
    auto result = std::async(std::launch::async, call);
    EXPECT_TRUE(someone_waits_for_a_lock(name));
    kill_backend();
    blocker.run("COMMIT");
    return result.get();
  };
  Company c = make_company("pg-killed");
  ASSERT_TRUE(db.execute(sql::query::ready_check()).ok());
  ASSERT_EQ(db.connects(), 1u);

  auto read = killed_while_waiting([&] {
    return db.execute(sql::query::account_note_get(id_of(c.account_id), as(c, "owner", c.owner_id)));
  });
  EXPECT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(db.connects(), 2u);

  auto create = sql::query::account_note_create(id_of(c.account_id), as(c, "owner", c.owner_id), "once");
  auto write = killed_while_waiting([&] { return db.execute(create); });
  EXPECT_EQ(write.failure(), sql::Failure::unavailable);
  EXPECT_EQ(query_value("SELECT count(*) FROM account_notes WHERE account_id = " + c.account_id), "0");
  EXPECT_EQ(db.connects(), 2u);  // not run again

  // Killed while idle: the next write already goes to a new connection.
  ASSERT_TRUE(db.execute(sql::query::ready_check()).ok());
  EXPECT_EQ(db.connects(), 3u);
  kill_backend();
  for (int i = 0; i < 100 && query_value("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + name +
                                         "'") != "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto after_idle_kill = db.execute(create);
  EXPECT_TRUE(after_idle_kill.ok()) << after_idle_kill.error_message();
  EXPECT_EQ(db.connects(), 4u);
  EXPECT_EQ(query_value("SELECT count(*) FROM account_notes WHERE account_id = " + c.account_id), "1");
}

// A session that finds itself read-only (it landed on a standby, or its
// primary was demoted) is left for a new connection at once, and the write
// it refused, which changed nothing, runs on that one. Here the server's
// default turns read-only under the open session, as a demotion would make
// it, while a new session of the database is still writable.
TEST(Connection, ASessionThatTurnedReadOnlyIsLeftAndItsRefusedWriteRunsOnANewOne) {
  const std::string name = "notesd-pg-test-read-only";
  Company c = make_company("pg-read-only");
  sql::Connection db(settings(name));
  auto owner = as(c, "owner", c.owner_id);
  ASSERT_TRUE(db.execute(sql::query::account_note_create(id_of(c.account_id), owner, "first")).ok());
  ASSERT_EQ(db.connects(), 1u);
  std::string database = query_value("SELECT current_database()");
  // Each change is made on a session of its own, opened after the
  // database's own setting, so that it is writable itself.
  struct ReadOnlyServer {
    std::string database;
    explicit ReadOnlyServer(std::string name) : database(std::move(name)) {
      SecondConnection admin;
      admin.run("ALTER DATABASE " + database + " SET default_transaction_read_only = off");
      admin.run("ALTER SYSTEM SET default_transaction_read_only = on");
      admin.run("SELECT pg_reload_conf()");
    }
    ~ReadOnlyServer() {
      SecondConnection admin;
      admin.run("ALTER SYSTEM RESET default_transaction_read_only");
      admin.run("ALTER DATABASE " + database + " RESET default_transaction_read_only");
      admin.run("SELECT pg_reload_conf()");
    }
  } read_only(database);
  // A session applies a reload before its next statement; the signal may
  // take a moment to reach it.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  auto update = db.execute(sql::query::account_note_update(id_of(c.account_id), owner, "second"));
  EXPECT_TRUE(update.ok()) << update.error_message();
  EXPECT_EQ(db.connects(), 2u) << "the read-only session was kept";
  EXPECT_EQ(query_value("SELECT note FROM account_notes WHERE account_id = " + c.account_id + " AND NOT removed"),
            "second");
}

// A database with no connection to spare says so, and the connection knows.
TEST(Connection, KnowsWhenTheDatabaseHasNoConnectionToSpare) {
  query_value("DO $$ BEGIN CREATE ROLE notes_limited LOGIN CONNECTION LIMIT 1;"
              " EXCEPTION WHEN duplicate_object THEN NULL; END $$; SELECT 1");
  auto limited = settings("notesd-pg-test-limited");
  std::string& url = limited.url;
  url.replace(url.find("notes@"), 6, "notes_limited@");
  sql::Connection first(limited), second(limited);
  ASSERT_TRUE(first.ensure_ready());
  EXPECT_FALSE(second.ensure_ready());
  EXPECT_TRUE(second.refused_for_capacity());
  EXPECT_FALSE(first.refused_for_capacity());
}

TEST(Connection, AuthFindsOnlyLiveKeys) {
  Company c = make_company("pg-auth");
  sql::Connection db(settings());
  auto lookup = [&](const std::string& key) {
    return db.execute(sql::query::auth_by_key_hash(hash_secret(key)));
  };
  auto live = lookup(c.admin_key);
  ASSERT_EQ(live.rows(), 1);
  EXPECT_EQ(live.text(0, 0), c.admin_id);
  EXPECT_EQ(live.text(0, 1), c.id);
  EXPECT_EQ(live.text(0, 2), "admin");
  EXPECT_NEAR(std::stod(std::string(live.text(0, 3))), static_cast<double>(std::time(nullptr)), 5.0);  // now
  EXPECT_TRUE(live.is_null(0, 4));  // never expires
  EXPECT_EQ(lookup("nk_not_a_key").rows(), 0);
  notesctl_ok("key revoke --key " + c.admin_key);
  EXPECT_EQ(lookup(c.admin_key).rows(), 0);
  std::string expired = notesctl_ok("key issue --user " + c.owner_id + " --expires 2001-01-01T00:00:00Z");
  EXPECT_EQ(lookup(expired).rows(), 0);
  std::string expiring = notesctl_ok("key issue --user " + c.owner_id + " --expires '2999-01-01T00:00:00Z'");
  auto later = lookup(expiring);
  ASSERT_EQ(later.rows(), 1);
  EXPECT_EQ(std::stod(std::string(later.text(0, 4))), 32472144000.0);  // 2999-01-01T00:00:00Z
}

}  // namespace notes::test
