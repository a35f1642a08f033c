#include "http/router.hpp"

namespace notes {
namespace {

bool is_placeholder(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

void PathMatcher::add(std::string method, std::string_view pattern) {
  Pattern added{std::move(method), {}};
  for (auto segment : split_path(pattern)) added.segments.emplace_back(segment);
  patterns_.push_back(std::move(added));
}

bool PathMatcher::segments_match(const Pattern& pattern, const std::vector<std::string_view>& segments) {
  if (pattern.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& expected = pattern.segments[i];
    if (is_placeholder(expected) ? segments[i].empty() : expected != segments[i]) return false;
  }
  return true;
}

PathMatcher::Match PathMatcher::match(std::string_view method, std::string_view path, PathParams& params) const {
  Match result;
  auto segments = split_path(path);
  if (segments.empty()) return result;
  for (std::size_t index = 0; index < patterns_.size(); ++index) {
    const Pattern& pattern = patterns_[index];
    if (!segments_match(pattern, segments)) continue;
    if (pattern.method == method) {
      for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string& expected = pattern.segments[i];
        if (is_placeholder(expected)) params.add(expected.substr(1, expected.size() - 2), std::string(segments[i]));
      }
      result.kind = Match::Kind::found;
      result.index = index;
      return result;
    }
    result.kind = Match::Kind::method_not_allowed;
    if (result.allow.find(pattern.method) == std::string::npos) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += pattern.method;
    }
  }
  return result;
}

}  // namespace notes
