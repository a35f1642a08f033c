#include "webhooks/events.hpp"

#include <algorithm>

namespace notes::webhooks {

const std::vector<std::string>& known_events() {
  static const std::vector<std::string> events = {
      "note.created",          "note.updated",          "note.deleted",          "note.message_posted",
      "note.assigned",         "note.reminder_due",     "account_note.created",  "account_note.modified",
      "account_note.removed"};
  return events;
}

std::optional<std::vector<std::string>> parse_events(std::string_view list, std::string& why) {
  std::vector<std::string> chosen;
  auto add = [&](const std::string& event) {
    if (std::find(chosen.begin(), chosen.end(), event) == chosen.end()) chosen.push_back(event);
  };
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string name(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    bool matched = false;
    for (const std::string& event : known_events()) {
      bool family = name.size() > 2 && name.ends_with(".*") && event.starts_with(name.substr(0, name.size() - 1));
      if (name == "*" || name == event || family) {
        add(event);
        matched = true;
      }
    }
    if (!matched) {
      why = "'" + name + "' is not an event (see notesctl webhook add --help)";
      return std::nullopt;
    }
  }
  if (chosen.empty()) {
    why = "names no event";
    return std::nullopt;
  }
  // Stored in the docs' order, whatever order they were asked in.
  std::vector<std::string> ordered;
  for (const std::string& event : known_events()) {
    if (std::find(chosen.begin(), chosen.end(), event) != chosen.end()) ordered.push_back(event);
  }
  return ordered;
}

std::optional<std::string> note_event(std::string_view change) {
  if (change == "created") return "note.created";
  if (change == "updated" || change == "restored" || change == "assignee_removed") return "note.updated";
  if (change == "assignee_added") return "note.assigned";
  if (change == "message_posted") return "note.message_posted";
  if (change == "deleted") return "note.deleted";
  return std::nullopt;
}

std::optional<std::string> account_note_event(std::string_view change) {
  if (change == "created" || change == "modified" || change == "removed") return "account_note." + std::string(change);
  return std::nullopt;
}

}  // namespace notes::webhooks
