#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notes {

// A Note's ETag: its revision, which every change to the note, its assignees
// or its messages increments.
std::string note_etag(std::string_view revision);

// The revisions an If-Match header names, for the statement to compare:
// nothing when there is no header (or it is "*": any current note matches),
// none when it names no tag of ours (never matches).
std::optional<std::vector<int64_t>> if_match_revisions(const char* header);

}  // namespace notes
