#pragma once
#include <optional>
#include <string_view>

namespace notes::log {

// Syslog priorities, as journald files them (journalctl -p).
enum class Level { err = 3, warning = 4, notice = 5, info = 6, debug = 7 };

// Lines less urgent than `threshold` are dropped (default: info).
void set_threshold(Level threshold);
bool enabled(Level level);

// One line on stderr. When stderr is the journal (systemd says so in
// JOURNAL_STREAM), the line starts with its priority as "<N>", which
// journald reads and strips (sd-daemon(3)); elsewhere (a terminal, a test's
// log file) the level is spelled out after the process name instead.
void line(Level level, const char* format, ...) __attribute__((format(printf, 2, 3)));

// "err", "warning", "notice", "info", "debug"; nothing for any other word.
std::optional<Level> level_named(std::string_view name);
std::string_view name_of(Level level);

// Whether stderr is the journal; read once, at the first line.
bool to_journal();

}  // namespace notes::log
