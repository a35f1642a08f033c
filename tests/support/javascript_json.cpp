#include "tests/support/javascript_json.hpp"

#include <rapidjson/document.h>

#include <cmath>
#include <stdexcept>

namespace notes::test {
namespace {

rapidjson::Document exact(std::string_view json) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (document.HasParseError()) throw std::runtime_error("not JSON: " + std::string(json.substr(0, 200)));
  return document;
}

// Whether JSON.parse gives back this very number: an integer survives when
// its double (IEEE 754, as JavaScript's Number) is the same integer.
bool survives(const rapidjson::Value& number) {
  if (number.IsInt64()) {
    int64_t value = number.GetInt64();
    double as_javascript = static_cast<double>(value);
    return as_javascript < 9.3e18 && static_cast<int64_t>(as_javascript) == value;
  }
  if (number.IsUint64()) {
    uint64_t value = number.GetUint64();
    double as_javascript = static_cast<double>(value);
    return as_javascript < 1.8e19 && static_cast<uint64_t>(as_javascript) == value;
  }
  return true;  // written as a fraction or exponent: a double already
}

void walk(const rapidjson::Value& value, const std::string& path, std::vector<std::string>& rounded) {
  if (value.IsNumber() && !survives(value)) rounded.push_back(path);
  if (value.IsObject()) {
    for (const auto& member : value.GetObject()) {
      walk(member.value, path + (path.empty() ? "" : ".") + member.name.GetString(), rounded);
    }
  }
  if (value.IsArray()) {
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) walk(value[i], path + "[" + std::to_string(i) + "]", rounded);
  }
}

}  // namespace

std::vector<std::string> numbers_javascript_rounds(std::string_view json) {
  std::vector<std::string> rounded;
  walk(exact(json), "", rounded);
  return rounded;
}

std::string javascript_string_at(std::string_view json, std::string_view path) {
  rapidjson::Document document = exact(json);
  const rapidjson::Value* at = &document;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') ++i;
    if (path[i] == '[') {
      std::size_t end = path.find(']', i);
      auto index = static_cast<rapidjson::SizeType>(std::stoul(std::string(path.substr(i + 1, end - i - 1))));
      if (!at->IsArray() || index >= at->Size()) return "";
      at = &(*at)[index];
      i = end + 1;
      continue;
    }
    std::size_t end = path.find_first_of(".[", i);
    std::string name(path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
    if (!at->IsObject() || !at->HasMember(name.c_str())) return "";
    at = &(*at)[name.c_str()];
    i = end == std::string_view::npos ? path.size() : end;
  }
  return at->IsString() ? std::string(at->GetString(), at->GetStringLength()) : "";
}

}  // namespace notes::test
