#include "fcgi/router.hpp"

namespace notes {

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

void Router::add(std::string method, std::string_view pattern, Handler handler) {
  Route route{std::move(method), {}, handler};
  for (auto segment : split_path(pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

bool Router::segments_match(const Route& route, const std::vector<std::string_view>& segments) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& expected = route.segments[i];
    bool placeholder = !expected.empty() && expected.front() == '{';
    if (placeholder ? segments[i].empty() : expected != segments[i]) return false;
  }
  return true;
}

Router::Match Router::match(std::string_view method, std::string_view path,
                            std::vector<std::string>& params) const {
  Match result;
  auto segments = split_path(path);
  if (segments.empty()) return result;
  for (const Route& route : routes_) {
    if (!segments_match(route, segments)) continue;
    if (route.method == method) {
      for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string& expected = route.segments[i];
        if (!expected.empty() && expected.front() == '{') params.emplace_back(segments[i]);
      }
      result.kind = Match::Kind::found;
      result.handler = route.handler;
      return result;
    }
    result.kind = Match::Kind::method_not_allowed;
    if (result.allow.find(route.method) == std::string::npos) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += route.method;
    }
  }
  return result;
}

}  // namespace notes
