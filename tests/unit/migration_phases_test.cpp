// The upgrade rule of docs/reliability.md, "Upgrades": a migration that
// removes or renames what a running binary may use is a contract migration,
// named as one, so that review can hold it back a release.
#include <gtest/gtest.h>

#include "sql/migrator.hpp"

namespace notes::sql {

TEST(MigrationPhases, RemovingStatementsAreRecognised) {
  EXPECT_TRUE(removes_something("DROP FUNCTION notes_iso(timestamptz);"));
  EXPECT_TRUE(removes_something("alter table notes\n  drop column   priority;"));
  EXPECT_TRUE(removes_something("ALTER TABLE notes RENAME COLUMN details TO body;"));
  EXPECT_TRUE(removes_something("ALTER TABLE notes ALTER COLUMN reminder TYPE date;"));
  EXPECT_TRUE(removes_something("ALTER TABLE notes ALTER COLUMN reminder SET NOT NULL;"));
  EXPECT_TRUE(removes_something("DROP INDEX IF EXISTS notes_by_customer;"));
  // COLUMN is optional in PostgreSQL's ALTER TABLE ... DROP.
  EXPECT_TRUE(removes_something("ALTER TABLE notes DROP priority;"));
  EXPECT_TRUE(removes_something("ALTER TABLE notes DROP IF EXISTS priority;"));
}

TEST(MigrationPhases, AddingStatementsAndCommentsAreNot) {
  EXPECT_FALSE(removes_something("CREATE TABLE note_history (id bigserial PRIMARY KEY);"));
  EXPECT_FALSE(removes_something("ALTER TABLE notes ADD COLUMN priority int;"));
  EXPECT_FALSE(removes_something("CREATE INDEX CONCURRENTLY notes_due ON notes (reminder);"));
  EXPECT_FALSE(removes_something("-- nothing is dropped here\nCREATE OR REPLACE FUNCTION f() RETURNS int AS 'SELECT 1' LANGUAGE sql;"));
  EXPECT_FALSE(removes_something("ALTER TABLE notes ALTER COLUMN status SET DEFAULT 'open';"));
  // Relaxing a column takes nothing from an old binary.
  EXPECT_FALSE(removes_something("ALTER TABLE notes ALTER COLUMN status DROP DEFAULT;"));
  EXPECT_FALSE(removes_something("ALTER TABLE notes ALTER COLUMN reminder DROP NOT NULL;"));
  EXPECT_FALSE(removes_something("CREATE TRIGGER t BEFORE TRUNCATE ON h FOR EACH STATEMENT EXECUTE FUNCTION f();"));
  EXPECT_FALSE(removes_something("CREATE TRIGGER t AFTER INSERT OR TRUNCATE ON h EXECUTE FUNCTION f();"));
  EXPECT_TRUE(removes_something("TRUNCATE note_history;"));
}

TEST(MigrationPhases, EveryRemovingMigrationIsNamedContract) {
  for (const Migration& migration : embedded_migrations()) {
    if (migration.name.substr(0, 3) < kFirstPhasedMigration) continue;  // written before the rule
    bool contract = migration.name.substr(3).starts_with("_contract_");
    EXPECT_EQ(removes_something(migration.sql), contract)
        << migration.name << (contract ? " is named contract but removes nothing"
                                       : " removes or renames something: name it NNN_contract_<what>.sql and "
                                         "ship it a release after the code stopped using it");
  }
}

}  // namespace notes::sql
