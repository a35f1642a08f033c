// `notesctl archive status`: whether PostgreSQL is handing its WAL to the
// backup repository (docs/backups.md, "What to watch"). It reads what the
// database itself knows (pg_stat_archiver), so it needs no pgBackRest and
// works with the service's own role; the repository's side (the age of the
// last backup) is pgBackRest's `info` on the backup host.
#include <iostream>

#include "admin/command_options.hpp"
#include "admin/commands.hpp"
#include "admin/report.hpp"

namespace po = boost::program_options;

namespace notes::admin {
namespace {

// Positions in the WAL as segment numbers, the timeline left out, so that
// their difference is the count of segments between. From an LSN rather
// than pg_walfile_name(), which names the segment before at a boundary.
const std::string kSegmentBytes = "pg_size_bytes(current_setting('wal_segment_size'))";
std::string segment_of_lsn(const std::string& lsn) {
  return "floor((" + lsn + " - '0/0'::pg_lsn) / " + kSegmentBytes + ")::bigint";
}
std::string segment_of_file(const std::string& name) {
  return "(('x' || substr(" + name + ", 9, 8))::bit(32)::bigint * (4294967296 / " + kSegmentBytes +
         ") + ('x' || substr(" + name + ", 17, 8))::bit(32)::bigint)";
}

// One row: the setting, the last success and failure, and the segments
// written but not archived yet (the one being written not counted).
const std::string& status_query() {
  static const std::string sql =
      "SELECT current_setting('archive_mode') AS archive_mode,"
      " a.archived_count, a.last_archived_wal,"
      " to_char(a.last_archived_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last_archived_at,"
      " floor(extract(epoch FROM now() - a.last_archived_time))::bigint AS seconds_since_archived,"
      " a.failed_count, a.last_failed_wal,"
      " to_char(a.last_failed_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS last_failed_at,"
      " a.last_failed_time IS NOT NULL"
      "  AND a.last_failed_time > coalesce(a.last_archived_time, '-infinity') AS failing,"
      " CASE WHEN pg_is_in_recovery() OR a.last_archived_wal IS NULL THEN NULL"
      "  ELSE greatest(0, " + segment_of_lsn("pg_current_wal_lsn()") + " - " +
      segment_of_file("a.last_archived_wal") + " - 1) END AS segments_waiting,"
      " pg_is_in_recovery() AS standby"
      " FROM pg_stat_archiver a";
  return sql;
}

}  // namespace

void archive_status(const std::vector<std::string>& args, const DbOpener& db) {
  po::options_description options("options");
  options.add_options()("max-waiting", po::value<long>()->default_value(16),
                        "segments (16 MiB each) allowed to wait for the archive before it counts as behind")(
      "json", po::bool_switch(), "print JSON instead of aligned text");
  auto values = parse_command(args, "archive status [--max-waiting N] [--json]", options);
  if (!values) return;
  auto result = db().exec(status_query());
  print_record(std::cout, result.get(), (*values)["json"].as<bool>() ? ReportFormat::json : ReportFormat::table);
  auto cell = [&](const char* column) {
    int at = PQfnumber(result.get(), column);
    return PQgetisnull(result.get(), 0, at) ? std::string() : std::string(PQgetvalue(result.get(), 0, at));
  };
  if (cell("standby") == "t") return;  // a standby archives nothing: watch the primary
  if (cell("archive_mode") == "off") throw CommandError("archiving is off: no WAL reaches the backups");
  if (cell("failing") == "t")
    throw CommandError("archiving is failing: " + cell("last_failed_wal") + " was refused at " +
                       cell("last_failed_at") + " (the pgBackRest log says why)");
  std::string waiting = cell("segments_waiting");
  long max_waiting = (*values)["max-waiting"].as<long>();
  if (!waiting.empty() && std::stol(waiting) > max_waiting)
    throw CommandError("archiving is behind: " + waiting + " segments wait (more than " +
                       std::to_string(max_waiting) + ")");
}

}  // namespace notes::admin
