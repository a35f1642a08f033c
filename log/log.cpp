#include "log/log.hpp"

#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace notes::log {
namespace {

Level threshold_ = Level::info;

// systemd sets JOURNAL_STREAM=<device>:<inode> of the stream it connected to
// stdout and stderr; it is ours only if fd 2 is still that stream.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  struct stat status{};
  if (fstat(STDERR_FILENO, &status) != 0) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  return device == status.st_dev && inode == status.st_ino;
}

const char* journal_prefix(Level level) {
  switch (level) {
    case Level::err: return SD_ERR;
    case Level::warning: return SD_WARNING;
    case Level::notice: return SD_NOTICE;
    case Level::info: return SD_INFO;
    case Level::debug: return SD_DEBUG;
  }
  return SD_INFO;
}

constexpr std::array<std::pair<std::string_view, Level>, 5> kNames{{{"err", Level::err},
                                                                    {"warning", Level::warning},
                                                                    {"notice", Level::notice},
                                                                    {"info", Level::info},
                                                                    {"debug", Level::debug}}};

}  // namespace

void set_threshold(Level threshold) { threshold_ = threshold; }

bool enabled(Level level) { return static_cast<int>(level) <= static_cast<int>(threshold_); }

bool to_journal() {
  static const bool journal = stderr_is_journal();
  return journal;
}

std::optional<Level> level_named(std::string_view name) {
  for (auto [word, level] : kNames) {
    if (word == name) return level;
  }
  return std::nullopt;
}

std::string_view name_of(Level level) {
  for (auto [word, named] : kNames) {
    if (named == level) return word;
  }
  return "info";
}

void line(Level level, const char* format, ...) {
  if (!enabled(level)) return;
  char text[2048];
  va_list arguments;
  va_start(arguments, format);
  std::vsnprintf(text, sizeof text, format, arguments);
  va_end(arguments);
  std::string message(text);
  // libpq's messages end in a newline and may hold several: one line, so
  // the journal files all of it at this priority.
  while (!message.empty() && message.back() == '\n') message.pop_back();
  for (char& c : message) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  std::string out;
  if (to_journal()) {
    out.append(journal_prefix(level));  // journald records the writer's pid itself
  } else {
    out.append("notesd[").append(std::to_string(getpid())).append("]: ");
    if (level != Level::info) out.append(name_of(level)).append(": ");
  }
  out.append(message).append("\n");
  // One write, so lines of several workers never interleave.
  [[maybe_unused]] auto written = write(STDERR_FILENO, out.data(), out.size());
}

}  // namespace notes::log
