#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.hpp"

namespace notes {

// Matches method + path against patterns made of literal segments and
// {placeholders} that match any one non-empty segment:
//   "/api/v2/account/{account_id}/note"
// It knows patterns only; Router below pairs each with what the caller
// wants back (a handler and what the route needs).
class PathMatcher {
 public:
  void add(std::string method, std::string_view pattern);

  struct Match {
    enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
    std::size_t index = 0;  // of the pattern, in the order added (found)
    std::string allow;      // method_not_allowed: "GET, POST"
  };
  // On `found`, the placeholder values are added to `params`.
  Match match(std::string_view method, std::string_view path, PathParams& params) const;

 private:
  struct Pattern {
    std::string method;
    std::vector<std::string> segments;  // "{...}" marks a placeholder
  };
  static bool segments_match(const Pattern& pattern, const std::vector<std::string_view>& segments);

  std::vector<Pattern> patterns_;
};

// A route table: each method + pattern maps to a `Route`, whatever the
// caller makes of that.
template <class Route>
class Router {
 public:
  void add(std::string method, std::string_view pattern, Route route) {
    matcher_.add(std::move(method), pattern);
    routes_.push_back(std::move(route));
  }

  struct Match {
    PathMatcher::Match::Kind kind = PathMatcher::Match::Kind::not_found;
    const Route* route = nullptr;  // found
    std::string allow;             // method_not_allowed
  };
  const std::vector<Route>& routes() const { return routes_; }

  Match match(std::string_view method, std::string_view path, PathParams& params) const {
    auto found = matcher_.match(method, path, params);
    Match result{found.kind, nullptr, std::move(found.allow)};
    if (found.kind == PathMatcher::Match::Kind::found) result.route = &routes_[found.index];
    return result;
  }

 private:
  PathMatcher matcher_;
  std::vector<Route> routes_;
};

// "/a/b/" -> {"a", "b", ""}; a path that does not start with '/' has no segments.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace notes
