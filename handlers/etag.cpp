#include "handlers/etag.hpp"

#include <vector>

#include "http/request.hpp"

namespace notes {

std::string note_etag(std::string_view revision) { return "\"" + std::string(revision) + "\""; }

std::optional<std::vector<int64_t>> if_match_revisions(const char* header) {
  if (header == nullptr) return std::nullopt;
  std::string_view rest(header);
  std::vector<int64_t> revisions;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view tag = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag == "*") return std::nullopt;
    // If-Match compares strongly: a weak tag (W/"...") never matches.
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
      if (auto revision = parse_positive_id(tag.substr(1, tag.size() - 2))) revisions.push_back(*revision);
    }
  }
  return revisions;
}

}  // namespace notes
