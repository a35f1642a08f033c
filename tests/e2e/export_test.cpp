// A company's export (docs/export.md): `notesctl export` writes everything
// held for a company, or one customer, in the API's shapes; `notesctl
// import` of it into an empty database gives the same answers, byte for
// byte, through a notesd on that database.
#include <string>
#include <vector>

#include "tests/e2e/e2e.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/notesd_process.hpp"
#include "tests/support/processes.hpp"
#include "tests/support/stack_env.hpp"
#include "tests/support/temp_file.hpp"

namespace notes::test {
namespace {

class Export : public ::testing::Test {
 protected:
  void SetUp() override {
    club = make_company("export");
    notesctl_ok("grant --user " + club.admin_id + " --account " + club.account_id + " --right modify");
    notesctl_ok("grant --user " + club.staff_id + " --account " + club.account_id + " --right read");
    member = notesctl_ok("customer add --company " + club.id +
                         " --first-name Ada --last-name Byron --email ada@example.org --vip --birthdate 1990-04-30");
    other = notesctl_ok("customer add --company " + club.id + " --first-name Other");
  }

  std::string admin_post(const std::string& path, const std::string& body) {
    auto answer = http("POST", base_url() + path, {bearer(club.admin_key), kJson}, body);
    EXPECT_EQ(answer.status / 100, 2) << path << ": " << answer.body;
    return answer.status / 100 == 2 ? std::to_string(json_of(answer)["id"].GetInt64()) : "";
  }
  long send(const std::string& method, const std::string& path, const std::string& key, const std::string& body = "") {
    return http(method, base_url() + path, {bearer(key), kJson}, body).status;
  }

  // A database of the test's own, migrated, and a notesd on it.
  std::string fresh_database(const std::string& name) {
    run_sql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    run_sql("CREATE DATABASE " + name + " OWNER notes_owner");
    std::string url = database_url_named(name);
    CommandExit migrated = run_command(ctl(url) + "migrate");
    EXPECT_EQ(migrated.status, 0) << migrated.output;
    return url;
  }
  static std::string ctl(const std::string& url) { return NOTES_BUILD_DIR "/notesctl --database-url '" + url + "' "; }

  Company club;
  std::string member, other;
};

Params with_json(Params params) {
  params.emplace_back("CONTENT_TYPE", "application/json");
  return params;
}

// Every answer a client could ask for, as the worker gives it (status,
// headers, body), from `notesd`.
std::vector<std::string> answers(const Notesd& notesd, const Company& club, const std::vector<std::string>& paths,
                                 const std::vector<std::string>& owner_paths) {
  std::vector<std::string> got;
  for (const auto& path : paths) {
    got.push_back(path + "\n" + notesd.request("GET", path, caller_params(std::stoll(club.admin_id),
                                                                          std::stoll(club.id), "admin")).output);
  }
  for (const auto& path : owner_paths) {
    got.push_back(path + "\n" + notesd.request("GET", path, caller_params(std::stoll(club.owner_id),
                                                                          std::stoll(club.id), "owner")).output);
  }
  return got;
}

TEST_F(Export, ImportedIntoAnEmptyDatabaseItGivesTheSameAnswers) {
  // Notes of every kind, written through the API by the admin.
  std::string plain = admin_post("/api/customers/" + member + "/notes",
                                 R"({"subject":"Locker","details":"Bring \"keys\" \u00e9","tags":["a","b"],)"
                                 R"("reminder":"2027-01-02T10:00:00.250Z","priority":true})");
  std::string secret = admin_post("/api/customers/" + member + "/notes", R"({"subject":"Health","confidential":true})");
  std::string gone = admin_post("/api/customers/" + member + "/notes", R"({"subject":"Mistake"})");
  std::string theirs = admin_post("/api/customers/" + other + "/notes", R"({"subject":"Other's"})");
  // More notes and history entries than an export's page holds.
  for (int i = 0; i < 21; ++i) admin_post("/api/customers/" + other + "/notes", R"({"subject":"many"})");
  ASSERT_EQ(send("POST", "/api/customers/notes/" + plain + "/assignees", club.admin_key,
                 R"({"assignees":[)" + club.staff_id + "," + club.owner_id + "]}"), 200);
  std::string with_file = admin_post("/api/customers/notes/" + plain + "/messages",
                                     R"({"message":"see file","attachment":"aGVsbG8gd29ybGQ="})");
  admin_post("/api/customers/notes/" + plain + "/messages", R"({"message":"no file"})");
  ASSERT_EQ(send("PATCH", "/api/customers/notes/" + plain, club.admin_key, R"({"status":"closed","details":"d2"})"), 200);
  ASSERT_EQ(send("POST", "/api/customers/notes/" + plain + "/history/1/restore", club.admin_key), 200);
  ASSERT_EQ(send("DELETE", "/api/customers/notes/" + gone, club.admin_key) / 100, 2);
  ASSERT_EQ(send("GET", "/api/customers/notes/" + secret, club.owner_key), 200);  // a read record
  std::string account = "/api/v2/account/" + club.account_id + "/note";
  ASSERT_EQ(send("POST", account, club.admin_key, R"({"note":"first"})"), 200);
  ASSERT_EQ(send("PATCH", account, club.admin_key, R"({"note":"second"})"), 200);
  ASSERT_EQ(send("DELETE", account, club.admin_key) / 100, 2);
  ASSERT_EQ(send("POST", account, club.admin_key, R"({"note":"third"})"), 200);

  std::vector<std::string> paths = {
      "/api/customers/" + member + "/notes?page_size=100",
      "/api/customers/" + other + "/notes?page_size=100",
      "/api/customers/notes?page_size=100",
      "/api/customers/notes?q=locker",
      "/api/customers/notes?assignee=" + club.staff_id,
      "/api/customers/notes/" + plain,
      "/api/customers/notes/" + secret,
      "/api/customers/notes/" + theirs,
      "/api/customers/notes/" + plain + "/messages",
      "/api/customers/notes/" + plain + "/messages/" + with_file + "/attachment",
      "/api/customers/notes/" + plain + "/history",
      "/api/customers/notes/" + secret + "/history",
      account,
      account + "/history",
  };
  std::vector<std::string> owner_paths = {
      "/api/customers/notes/" + secret + "/reads",
      "/api/customers/notes/" + gone + "/history",
      "/api/customers/notes/" + gone,
  };

  CliResult written = notesctl("export --company " + club.id);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  TempFile exported(written.out);
  EXPECT_EQ(written.out.find("nk_"), std::string::npos) << "a key in the export";

  std::string url = fresh_database("notes_import");
  CommandExit imported = run_command(ctl(url) + "import --file " + exported.path);
  ASSERT_EQ(imported.status, 0) << imported.output;
  EXPECT_NE(imported.output.find("  note 24\n"), std::string::npos) << imported.output;

  NotesdOptions options;
  options.database = url;
  Notesd there(options);
  Notesd here;
  auto before = answers(here, club, paths, owner_paths);
  auto after = answers(there, club, paths, owner_paths);
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i], before[i]) << "left: imported, right: where it was exported";
    if (i + 1 < before.size()) {
      EXPECT_NE(before[i].find("Status: 2"), std::string::npos) << before[i];
    }
  }
  EXPECT_NE(before.back().find("Status: 404"), std::string::npos) << "the deleted note:\n" << before.back();
  // New writes there take new ids, after the imported ones.
  auto created = there.request("POST", "/api/customers/" + member + "/notes",
                               with_json(caller_params(std::stoll(club.admin_id), std::stoll(club.id), "admin")),
                               R"({"subject":"after the import"})");
  EXPECT_NE(created.output.find("Status: 201"), std::string::npos) << created.output;

  // Into a database that holds the records already: refused, nothing written.
  CommandExit again = run_command(ctl(url) + "import --file " + exported.path);
  EXPECT_NE(again.status, 0);
  EXPECT_NE(again.output.find("already exists"), std::string::npos) << again.output;
  run_sql("DROP DATABASE notes_import WITH (FORCE)");
}

TEST_F(Export, ACustomersExportHoldsTheirNotesAndNoOneElsesAndACutFileImportsNothing) {
  std::string mine = admin_post("/api/customers/" + member + "/notes", R"({"subject":"Ada's locker"})");
  admin_post("/api/customers/notes/" + mine + "/messages", R"({"message":"about Ada"})");
  std::string gone = admin_post("/api/customers/" + member + "/notes", R"({"subject":"Ada's mistake"})");
  ASSERT_EQ(send("DELETE", "/api/customers/notes/" + gone, club.admin_key) / 100, 2);
  admin_post("/api/customers/" + other + "/notes", R"({"subject":"Someone else entirely"})");

  CliResult written = notesctl("export --company " + club.id + " --customer " + member);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  const std::string& lines = written.out;
  EXPECT_NE(lines.find("Ada's locker"), std::string::npos);
  EXPECT_NE(lines.find("about Ada"), std::string::npos);
  EXPECT_NE(lines.find("Ada's mistake"), std::string::npos) << "a deleted note's history";
  EXPECT_EQ(lines.find("Someone else"), std::string::npos);
  EXPECT_EQ(lines.find("\"first_name\":\"Other\""), std::string::npos);
  EXPECT_EQ(lines.find("{\"account"), std::string::npos);

  CliResult missing = notesctl("export --company " + club.id + " --customer 999999999");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "");

  // Cut before its last line: the import refuses and writes nothing.
  TempFile cut(lines.substr(0, lines.rfind("{\"end\"")));
  std::string url = fresh_database("notes_import_cut");
  CommandExit imported = run_command(ctl(url) + "import --file " + cut.path);
  EXPECT_NE(imported.status, 0);
  EXPECT_NE(imported.output.find("cut short"), std::string::npos) << imported.output;
  CommandExit count = run_command("psql '" + url + "' -Atqc 'SELECT count(*) FROM notes'");
  EXPECT_EQ(count.output, "0\n");
  run_sql("DROP DATABASE notes_import_cut WITH (FORCE)");
}

}  // namespace
}  // namespace notes::test
