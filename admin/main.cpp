// notesctl: the notes service's admin CLI. Creating commands
// print only the new id (or key) on stdout; errors go to stderr, exit 1.
#include <boost/program_options.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include <unistd.h>

#include "admin/commands.hpp"
#include "sql/settings.hpp"

namespace po = boost::program_options;
using notes::admin::AdminDb;
using notes::admin::Command;
using notes::admin::CommandError;

namespace {

void print_usage() {
  std::cout << "usage: notesctl [--database-url URL | --config FILE] <command> [options]\n\n"
               "The database is --database-url, else $NOTES_DATABASE_URL, else database-url in\n"
               "the config file (--config, default "
            << notes::sql::kDefaultConfigFile << "), else " << notes::sql::kDefaultDatabaseUrl
            << ".\n\ncommands:\n";
  std::size_t widest = 0;
  for (const Command& command : notes::admin::commands()) widest = std::max(widest, command.name.size());
  for (const Command& command : notes::admin::commands()) {
    std::cout << "  " << command.name << std::string(widest + 2 - command.name.size(), ' ') << command.summary << "\n";
  }
  std::cout << "\n'notesctl <command> --help' describes a command's options.\n";
}

std::string database_url(std::string flag, const std::string& config_file) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("NOTES_DATABASE_URL"); env && *env) return env;
  std::string path = config_file.empty() ? notes::sql::kDefaultConfigFile : config_file;
  std::ifstream file(path);
  // Only a missing default file means "no file": one that is there but
  // unreadable (notesctl run as postgres, which cannot even look into
  // /etc/notes) names a database we cannot see.
  if (!file && (!config_file.empty() || access(path.c_str(), F_OK) == 0 || errno != ENOENT)) {
    throw CommandError("cannot read " + path + " (run as root or notes, or give --database-url)");
  }
  if (file) {
    po::options_description options;
    options.add_options()("database-url", po::value<std::string>());
    po::variables_map values;
    po::store(po::parse_config_file(file, options, true), values);
    if (values.count("database-url")) return values["database-url"].as<std::string>();
  }
  return notes::sql::kDefaultDatabaseUrl;
}

}  // namespace

int main(int argc, char* argv[]) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string url_flag, config_file;
  std::size_t i = 0;
  // Global options come before the command.
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      print_usage();
      return 0;
    }
    if (arg == "--version") {
      std::cout << "notesctl " NOTES_VERSION "\n";
      return 0;
    }
    auto take = [&](const std::string& name, std::string& into) {
      if (arg.starts_with(name + "=")) {
        into = arg.substr(name.size() + 1);
        return true;
      }
      if (arg == name && i + 1 < args.size()) {
        into = args[++i];
        return true;
      }
      return false;
    };
    if (!take("--database-url", url_flag) && !take("--config", config_file)) {
      std::cerr << "notesctl: unknown option " << arg << " (see --help)\n";
      return 2;
    }
  }
  if (i == args.size()) {
    print_usage();
    return 2;
  }
  try {
    // A command is one or two words ("migrate", "company add"); the longer
    // match wins, so "grant list" is not "grant" with the word "list".
    std::string first_two = args[i] + (i + 1 < args.size() ? " " + args[i + 1] : "");
    const Command* found = nullptr;
    for (const Command& command : notes::admin::commands()) {
      if (command.name == first_two) found = &command;
    }
    for (const Command& command : notes::admin::commands()) {
      if (!found && command.name == args[i]) found = &command;
    }
    if (found) {
      std::size_t words = found->name.find(' ') == std::string::npos ? 1 : 2;
      std::vector<std::string> rest(args.begin() + static_cast<long>(i + words), args.end());
      std::unique_ptr<AdminDb> db;
      auto opener = [&]() -> AdminDb& {
        if (!db) db = std::make_unique<AdminDb>(database_url(url_flag, config_file));
        return *db;
      };
      found->run(rest, opener);
      return 0;
    }
    std::cerr << "notesctl: unknown command '" << args[i] << "' (see --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "notesctl: " << e.what() << "\n";
    return 1;
  }
}
