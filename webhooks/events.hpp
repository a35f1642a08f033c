#pragma once
// The webhook events (docs/webhooks.md, "Events") and the history changes
// each one is sent for.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notes::webhooks {

// Every event an endpoint may ask for, in the order the docs list them.
const std::vector<std::string>& known_events();

// The events a list names ("note.created,account_note.*"): names, or a
// family with ".*", or "*" for all. Nothing, with `why`, for a name that is
// none of these or an empty list.
std::optional<std::vector<std::string>> parse_events(std::string_view list, std::string& why);

// The event a customer note's history change is sent as ("updated" ->
// "note.updated"); nothing for one no event stands for ('recorded').
std::optional<std::string> note_event(std::string_view change);
// The same for an account note's.
std::optional<std::string> account_note_event(std::string_view change);

}  // namespace notes::webhooks
