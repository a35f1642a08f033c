#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace notes {

// Who is calling, as nginx's auth sub-request established it. Only the
// NOTES_* FastCGI params carry it; those names cannot come from a client
// header (nginx passes client headers as HTTP_*).
struct Identity {
  int64_t user_id = 0;
  int64_t company_id = 0;
  std::string role;  // "owner", "admin" or "staff"
  // The credential presented, "key:<id>" or "token:<family id>"; empty when
  // nginx passed none (history records it: docs/api.md, "History").
  std::string credential;

};

// The values of a matched route pattern's {placeholders}, by name.
class PathParams {
 public:
  void clear() { values_.clear(); }
  void add(std::string name, std::string value) { values_.emplace_back(std::move(name), std::move(value)); }
  // The value of {name}; nothing when the route has no such placeholder.
  std::optional<std::string_view> get(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

// One HTTP request as the worker sees it: FastCGI params plus the body.
// The params are copied out of libfcgi (its pointers die at the next accept).
class Request {
 public:
  // `environment` is a NULL-terminated array of "NAME=value" strings, which is
  // what libfcgi hands over as FCGX_Request::envp.
  explicit Request(const char* const* environment);

  // The value of a param, or nullptr when absent.
  const char* param(std::string_view name) const;
  std::string_view param_or_empty(std::string_view name) const;

  std::string_view method() const { return param_or_empty("REQUEST_METHOD"); }
  // The normalised path nginx matched (no query string).
  std::string_view path() const { return param_or_empty("DOCUMENT_URI"); }
  std::string_view query_string() const { return param_or_empty("QUERY_STRING"); }
  std::string_view content_type() const { return param_or_empty("CONTENT_TYPE"); }
  // nginx's $request_id (32 hex digits) when REQUEST_ID is hex of at most
  // 64 digits; empty otherwise, so that nothing else reaches a log or history.
  std::string_view request_id() const;
  // True when the media type is `media_type` (lower case), parameters and
  // case aside.
  bool has_content_type(std::string_view media_type) const;
  bool has_json_content_type() const;

  // The identity nginx set, or nothing when any part is missing or malformed.
  std::optional<Identity> identity() const;

  std::string body;
  // Values of the matched route's {placeholders}.
  PathParams path_params;

 private:
  std::vector<std::string> environment_;
};

// Parses plain decimal digits (no sign, no spaces) into low..high, as numbers
// appear in paths and query strings.
std::optional<int64_t> parse_whole_number(std::string_view text, int64_t low, int64_t high);

// Parses a decimal id in 1..INT64_MAX, as ids appear in paths and params.
std::optional<int64_t> parse_positive_id(std::string_view text);

}  // namespace notes
