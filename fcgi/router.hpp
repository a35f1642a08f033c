#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "fcgi/request.hpp"
#include "fcgi/response.hpp"

namespace notes {

struct HandlerContext;  // what handlers get besides the request: handlers/handler_context.hpp
using Handler = Response (*)(const Request&, HandlerContext&);

// Maps method + path to a handler. Patterns are literal segments and
// {placeholders} that match any one non-empty segment:
//   "/api/v2/account/{account_id}/note"
class Router {
 public:
  void add(std::string method, std::string_view pattern, Handler handler);

  struct Match {
    enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
    Handler handler = nullptr;
    std::string allow;  // for method_not_allowed: "GET, POST"
  };
  // On `found`, the placeholder values are appended to `params`.
  Match match(std::string_view method, std::string_view path, std::vector<std::string>& params) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{...}" marks a placeholder
    Handler handler;
  };
  static bool segments_match(const Route& route, const std::vector<std::string_view>& segments);

  std::vector<Route> routes_;
};

// "/a/b/" -> {"a", "b", ""}; a path that does not start with '/' has no segments.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace notes
