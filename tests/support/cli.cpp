#include "tests/support/cli.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/support/stack_env.hpp"

namespace notes::test {

namespace {

CliResult run_notesctl(const std::string& notesctl_command, const std::string& arguments) {
  char err_path[] = "/tmp/notesctl-stderr.XXXXXX";
  int err_fd = mkstemp(err_path);
  close(err_fd);
  std::string command = notesctl_command + " " + arguments + " 2>" + err_path;
  CliResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, got);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  std::stringstream text;
  text << err.rdbuf();
  result.err = text.str();
  unlink(err_path);
  return result;
}

}  // namespace

CliResult notesctl(const std::string& arguments) { return run_notesctl(stack_value("NOTES_CTL"), arguments); }

CliResult notesctl_as_superuser(const std::string& arguments) {
  return run_notesctl(stack_value("NOTES_ADMIN_CTL"), arguments);
}

std::string notesctl_ok(const std::string& arguments) {
  CliResult result = notesctl(arguments);
  EXPECT_EQ(result.exit_code, 0) << "notesctl " << arguments << ": " << result.err;
  std::string out = result.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace notes::test
