#include <gtest/gtest.h>

#include "sql/migrator.hpp"
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
      "   AND table_name NOT IN ('companies', 'schema_migrations')"
      "   AND NOT EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = 'public'"
      "                   AND c.table_name = t.table_name AND c.column_name = 'company_id')");
  EXPECT_EQ(missing, "");
}

TEST(Migrations, KeysAreStoredOnlyAsHashes) {
  EXPECT_EQ(query_value("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns"
                        " WHERE table_name = 'api_keys'"),
            "company_id,created_at,expires_at,id,key_hash,revoked_at,user_id");
  EXPECT_EQ(query_value("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns"
                        " WHERE table_name = 'refresh_tokens'"),
            "company_id,expires_at,family_id,issued_at,token_hash,used_at");
}

}  // namespace notes::test
