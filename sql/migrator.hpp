#pragma once
#include <libpq-fe.h>

#include <string>
#include <string_view>
#include <vector>

namespace notes::sql {

struct Migration {
  std::string_view name;  // "001_schema.sql": applied in name order
  std::string_view sql;
};

// The migrations in sql/migrations/, compiled in.
const std::vector<Migration>& embedded_migrations();

// The role that owns the schema and runs the migrations; the service's own
// role, notes, holds only the rights migration 020 grants it
// (docs/reliability.md, "Roles").
inline constexpr const char* kSchemaOwner = "notes_owner";

// Makes `conn`'s session act as kSchemaOwner (SET ROLE): its user must be
// a member of that role, as the postgres superuser is. Throws
// std::runtime_error saying who may when it is not.
void act_as_schema_owner(PGconn* conn);

// Applies the migrations not yet recorded in schema_migrations, each in its
// own transaction, under an advisory lock so two migrators cannot interleave,
// as kSchemaOwner (act_as_schema_owner; not needed when none is pending).
// Returns the names applied (none when the schema is current); throws
// std::runtime_error naming the migration that failed.
std::vector<std::string> migrate(PGconn* conn, const std::vector<Migration>& migrations);

// The names of `migrations` the database has not recorded as applied, in
// order (all of them when it has no schema_migrations table). Throws
// std::runtime_error when the database cannot say.
std::vector<std::string> pending_migrations(PGconn* conn, const std::vector<Migration>& migrations);

// Whether a migration's SQL removes or renames something a running binary
// may use (DROP, RENAME, a column's type or NOT NULL changed), comments
// aside. From 006 on, such a migration is a contract migration and is
// named NNN_contract_<what>.sql; see docs/reliability.md, "Upgrades".
bool removes_something(std::string_view sql);

// The first migration written under that rule.
inline constexpr std::string_view kFirstPhasedMigration = "006";

}  // namespace notes::sql
