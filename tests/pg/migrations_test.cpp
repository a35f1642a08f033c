#include <gtest/gtest.h>

#include <libpq-fe.h>

#include "sql/migrator.hpp"
#include "sql/statements.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/database.hpp"

namespace notes::test {

TEST(Migrations, SecondRunIsANoOp) {
  std::string before = query_value("SELECT string_agg(name || applied_at, ',' ORDER BY name) FROM schema_migrations");
  CliResult again = notesctl("migrate");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("schema is current"), std::string::npos) << again.err;
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(query_value("SELECT string_agg(name || applied_at, ',' ORDER BY name) FROM schema_migrations"), before);
  EXPECT_EQ(query_value("SELECT count(*) FROM schema_migrations"),
            std::to_string(sql::embedded_migrations().size()));
}

TEST(Migrations, EveryTenantTableCarriesCompanyId) {
  std::string missing = query_value(
      "SELECT string_agg(table_name, ',') FROM information_schema.tables t"
      " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
      // login_attempts counts names presented for any company, or none, by
      // digest (migration 019): it holds no company's data.
      "   AND table_name NOT IN ('companies', 'schema_migrations', 'login_attempts')"
      "   AND NOT EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = 'public'"
      "                   AND c.table_name = t.table_name AND c.column_name = 'company_id')");
  EXPECT_EQ(missing, "");
}

// Logical replication (a publication FOR ALL TABLES, as an operator might
// set up to copy the data out) refuses every UPDATE and DELETE on a table
// it cannot identify rows of: a table without a primary key must name its
// replica identity, or writing notes would start failing.
TEST(Migrations, EveryTableIdentifiesItsRowsForReplication) {
  std::string unidentified = query_value(
      "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c"
      " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')"
      "   AND c.relreplident <> 'f'"
      "   AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid"
      "                   AND (i.indisprimary OR i.indisreplident))");
  EXPECT_EQ(unidentified, "");
}

// The service's role, notes, owns nothing (so it can neither alter a table
// nor disable a trigger) and holds only what it uses (docs/reliability.md,
// "Roles"): every table to read, no table to empty, and the records nobody
// changes only to add to. A migration that adds a table without granting
// it fails here.
TEST(Migrations, TheServiceRoleOwnsNothingAndHoldsOnlyTheRightsItUses) {
  EXPECT_EQ(query_value("SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls OR rolreplication"
                        " OR pg_has_role('notes', 'notes_owner', 'USAGE') FROM pg_roles WHERE rolname = 'notes'"),
            "f");
  EXPECT_EQ(query_value("SELECT string_agg(datname, ',') FROM pg_database WHERE datdba = 'notes'::regrole"), "");
  EXPECT_EQ(query_value("SELECT string_agg(relname, ',') FROM pg_class WHERE relowner = 'notes'::regrole"), "");
  EXPECT_EQ(query_value("SELECT string_agg(proname, ',') FROM pg_proc WHERE proowner = 'notes'::regrole"), "");
  EXPECT_EQ(query_value("SELECT has_schema_privilege('notes', 'public', 'CREATE')"
                        " OR has_database_privilege('notes', current_database(), 'CREATE')"),
            "f");
  auto tables_where = [](const std::string& condition) {
    return query_value("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class"
                       " WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND (" +
                       condition + ")");
  };
  auto may = [](const std::string& rights) { return "has_table_privilege('notes', oid, '" + rights + "')"; };
  EXPECT_EQ(tables_where("NOT " + may("SELECT")), "");
  EXPECT_EQ(tables_where(may("TRUNCATE") + " OR " + may("REFERENCES") + " OR " + may("TRIGGER")), "");
  EXPECT_EQ(tables_where(may("UPDATE") + " OR " + may("DELETE")),
            tables_where("relname NOT IN ('note_history', 'account_note_history', 'note_reads', 'schema_migrations')"));
  EXPECT_EQ(tables_where(may("INSERT")), tables_where("relname <> 'schema_migrations'"));
  EXPECT_EQ(query_value("SELECT string_agg(relname, ',') FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                        " AND CASE WHEN relkind = 'S' THEN NOT has_sequence_privilege('notes', oid, 'USAGE') END"),
            "");
  EXPECT_EQ(query_value("SELECT has_function_privilege('notes', 'notes_set_search_language(text)', 'EXECUTE')"), "f");
}

TEST(Migrations, KeysAreStoredOnlyAsHashes) {
  EXPECT_EQ(query_value("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns"
                        " WHERE table_name = 'api_keys'"),
            "company_id,created_at,expires_at,id,key_hash,revoked_at,user_id");
  EXPECT_EQ(query_value("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns"
                        " WHERE table_name = 'refresh_tokens'"),
            "company_id,expires_at,family_id,issued_at,token_hash,used_at");
}


// Every SQL function of the schema is inlined into the statement that calls
// it. One that is not (declared IMMUTABLE over a STABLE body, say) is
// parsed and planned again in each transaction when a trigger calls it:
// notes_api_instant cost every POST note about 50 us that way
// (docs/performance-log.md, "The per-transaction cost, found"). Each is called on
// columns of a subquery the planner cannot fold, and its name must be gone
// from the plan.
TEST(Migrations, EverySqlFunctionIsInlinedWhereItIsCalled) {
  std::string not_inlined = query_value(
      "CREATE OR REPLACE FUNCTION pg_temp.plan_of(statement text) RETURNS text LANGUAGE plpgsql AS $$"
      " DECLARE line text; plan text := '';"
      " BEGIN"
      "   FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || statement LOOP plan := plan || line || E'\\n'; END LOOP;"
      "   RETURN plan;"
      " END $$;"
      "SELECT string_agg(p.proname, ',' ORDER BY p.proname) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
      " WHERE l.lanname = 'sql' AND p.pronamespace = 'public'::regnamespace"
      "   AND pg_temp.plan_of(format('SELECT %s(%s) FROM (SELECT %s OFFSET 0) a', p.oid::regproc,"
      "         (SELECT string_agg('a.a' || i, ', ') FROM generate_series(1, p.pronargs) i),"
      "         coalesce((SELECT string_agg(format('NULL::%s AS a%s', t, i), ', ')"
      "                   FROM unnest(p.proargtypes::regtype[]) WITH ORDINALITY AS u(t, i)), '1')))"
      "       ~ ('\\m' || p.proname || '\\(')");
  EXPECT_EQ(not_inlined, "");
  EXPECT_NE(query_value("SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
                        " WHERE l.lanname = 'sql' AND p.pronamespace = 'public'::regnamespace"),
            "0");
}

// An upgrade to history (migration 008) over notes that already exist:
// each gets a 'recorded' entry, the earliest state a restore can bring
// back, and account notes get theirs. A database of its own, migrated in
// two steps as a release upgrade would.
TEST(Migrations, AnUpgradeToHistoryRecordsWhatExistedAndCanRestoreIt) {
  run_sql("DROP DATABASE IF EXISTS notes_upgrade WITH (FORCE)");
  run_sql("CREATE DATABASE notes_upgrade OWNER notes_owner");
  PGconn* conn = PQconnectdb(database_url_named("notes_upgrade").c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  auto value = [&](const std::string& statement, std::vector<const char*> params = {}) {
    PGresult* result = PQexecParams(conn, statement.c_str(), static_cast<int>(params.size()), nullptr, params.data(),
                                    nullptr, nullptr, 0);
    auto status = PQresultStatus(result);
    EXPECT_TRUE(status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) << statement << ": "
                                                                         << PQresultErrorMessage(result);
    std::string first = PQntuples(result) > 0 && PQnfields(result) > 0 ? PQgetvalue(result, 0, 0) : "";
    PQclear(result);
    return first;
  };
  std::vector<sql::Migration> before_history;
  for (const auto& migration : sql::embedded_migrations()) {
    if (migration.name < std::string_view("008")) before_history.push_back(migration);
  }
  sql::migrate(conn, before_history);
  value("INSERT INTO companies (name) VALUES ('c')");
  value("INSERT INTO users (company_id, role, username) VALUES (1, 'owner', 'o')");
  value("INSERT INTO customers (company_id) VALUES (1)");
  value("INSERT INTO notes (company_id, customer_id, user_id, reference_type, subject, tags, revision)"
        " VALUES (1, 1, 1, 'customer', 'as it was', '{a}', 3)");
  value("INSERT INTO accounts (id, company_id) VALUES (77, 1)");
  value("INSERT INTO account_notes (account_id, company_id, note) VALUES (77, 1, 'door code')");

  sql::migrate(conn, sql::embedded_migrations());
  EXPECT_EQ(value("SELECT change || ' ' || revision || ' ' || (after ->> 'subject') || ' ' || (after -> 'tags')::text"
                  " FROM note_history WHERE note_id = 1"),
            "recorded 3 as it was [\"a\"]");
  EXPECT_EQ(value("SELECT change || ' ' || note_after FROM account_note_history WHERE account_id = 77"),
            "recorded door code");

  // Changed since, and brought back to what it was at the upgrade, with the
  // service's own restore statement.
  value("UPDATE notes SET subject = 'changed', tags = NULL, revision = 4 WHERE id = 1");
  value("SELECT set_config('notes.restoring', '3', false)");
  std::vector<const char*> restore = {"1", "1", "1", "owner", nullptr, "3"};
  EXPECT_EQ(value(sql::statement_text(sql::Statement::note_restore).sql, restore), "1");
  EXPECT_EQ(value("SELECT subject || ' ' || tags::text || ' ' || revision FROM notes WHERE id = 1"),
            "as it was {a} 5");
  EXPECT_EQ(value("SELECT change || ' ' || restored_from FROM note_history WHERE note_id = 1 ORDER BY id DESC LIMIT 1"),
            "restored 3");
  PQfinish(conn);
  run_sql("DROP DATABASE notes_upgrade WITH (FORCE)");
}

}  // namespace notes::test
