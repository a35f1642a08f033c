#include "http/request.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace notes {

Request::Request(const char* const* environment) {
  for (auto p = environment; p != nullptr && *p != nullptr; ++p) environment_.emplace_back(*p);
}

const char* Request::param(std::string_view name) const {
  for (const auto& entry : environment_) {
    if (entry.size() > name.size() && entry[name.size()] == '=' &&
        std::string_view(entry).substr(0, name.size()) == name) {
      return entry.c_str() + name.size() + 1;
    }
  }
  return nullptr;
}

std::string_view Request::param_or_empty(std::string_view name) const {
  const char* value = param(name);
  return value ? std::string_view(value) : std::string_view();
}

bool Request::has_content_type(std::string_view media_type) const {
  std::string_view type = content_type();
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type.size() == media_type.size() &&
         std::equal(type.begin(), type.end(), media_type.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

bool Request::has_json_content_type() const { return has_content_type("application/json"); }

namespace {
// NOTES_CREDENTIAL as the auth responder writes it, "key:<id>" or
// "token:<id>"; anything else is dropped rather than recorded.
std::string credential_named(std::string_view text) {
  for (std::string_view kind : {std::string_view("key:"), std::string_view("token:")}) {
    if (text.substr(0, kind.size()) == kind && parse_positive_id(text.substr(kind.size()))) return std::string(text);
  }
  return {};
}
}  // namespace

std::string_view Request::request_id() const {
  std::string_view id = param_or_empty("REQUEST_ID");
  if (id.size() > 64) return {};
  for (char c : id) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return {};
  }
  return id;
}

std::optional<Identity> Request::identity() const {
  auto user_id = parse_positive_id(param_or_empty("NOTES_USER_ID"));
  auto company_id = parse_positive_id(param_or_empty("NOTES_COMPANY_ID"));
  std::string_view role = param_or_empty("NOTES_ROLE");
  if (!user_id || !company_id) return std::nullopt;
  if (role != "owner" && role != "admin" && role != "staff") return std::nullopt;
  return Identity{*user_id, *company_id, std::string(role), credential_named(param_or_empty("NOTES_CREDENTIAL"))};
}

std::optional<int64_t> parse_whole_number(std::string_view text, int64_t low, int64_t high) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  auto number = static_cast<int64_t>(value);
  if (number < low || number > high) return std::nullopt;
  return number;
}

std::optional<int64_t> parse_positive_id(std::string_view text) {
  return parse_whole_number(text, 1, std::numeric_limits<int64_t>::max());
}

std::optional<std::string_view> PathParams::get(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace notes
