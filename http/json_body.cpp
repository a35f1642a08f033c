#include "http/json_body.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_set>
#include <vector>

#include "http/utf8.hpp"

namespace notes {
namespace {

// Sits between RapidJSON's reader and the Document: checks each SAX event
// against the rules of docs/api.md, "Every route", then passes it on. Returning false stops the
// parse; `error` then says why.
class ValidatingHandler {
 public:
  explicit ValidatingHandler(rapidjson::Document& target) : target_(target) {}

  bool Null() { return count() && target_.Null(); }
  bool Bool(bool b) { return count() && target_.Bool(b); }
  bool Int(int i) { return count() && target_.Int(i); }
  bool Uint(unsigned u) { return count() && target_.Uint(u); }
  bool Int64(int64_t i) { return count() && target_.Int64(i); }
  bool Uint64(uint64_t u) {
    if (!count()) return false;
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return fail("a number is outside the 64-bit integer range");
    }
    return target_.Uint64(u);
  }
  // Integers beyond 64 bits also arrive here; fields that want an integer
  // refuse them because IsInt64() is false.
  bool Double(double d) { return count() && target_.Double(d); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return fail("unexpected raw number"); }

  bool String(const char* s, rapidjson::SizeType length, bool copy) {
    if (!count() || !check_text(s, length, "a string")) return false;
    return target_.String(s, length, copy);
  }
  bool StartObject() {
    if (!enter()) return false;
    keys_.emplace_back();
    return target_.StartObject();
  }
  bool Key(const char* s, rapidjson::SizeType length, bool copy) {
    if (!check_text(s, length, "a key")) return false;
    if (!keys_.back().emplace(s, length).second) {
      return fail("duplicate key \"" + std::string(s, length) + "\"");
    }
    return target_.Key(s, length, copy);
  }
  bool EndObject(rapidjson::SizeType members) {
    keys_.pop_back();
    --depth_;
    return target_.EndObject(members);
  }
  bool StartArray() {
    if (!enter()) return false;
    return target_.StartArray();
  }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return target_.EndArray(elements);
  }

  const std::optional<JsonBodyError>& error() const { return error_; }

 private:
  bool count() {
    if (++values_ > kMaxJsonValues) {
      return fail("it holds more than " + std::to_string(kMaxJsonValues) + " values");
    }
    return true;
  }
  bool enter() {
    if (!count()) return false;
    if (++depth_ > kMaxJsonDepth) {
      return fail("nesting is deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    return true;
  }
  bool check_text(const char* s, rapidjson::SizeType length, const char* what) {
    if (std::memchr(s, '\0', length) != nullptr) {
      return fail(std::string(what) + " holds a NUL character");
    }
    if (!is_valid_utf8(std::string_view(s, length))) {
      return fail(std::string(what) + " is not valid UTF-8 (lone surrogate?)");
    }
    return true;
  }
  bool fail(std::string message) {
    if (!error_) error_ = JsonBodyError{std::move(message)};
    return false;
  }

  rapidjson::Document& target_;
  int depth_ = 0;
  int values_ = 0;
  std::vector<std::unordered_set<std::string>> keys_;
  std::optional<JsonBodyError> error_;
};

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag;

}  // namespace

std::optional<JsonBodyError> parse_json_body(std::string_view body, rapidjson::Document& document) {
  if (body.empty()) return JsonBodyError{"the body is empty; a JSON value is required"};
  // RapidJSON stops at a raw NUL even when given the length.
  if (body.find('\0') != std::string_view::npos) {
    return JsonBodyError{"the body holds a NUL byte"};
  }
  ValidatingHandler handler(document);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  rapidjson::ParseResult result;
  auto generate = [&](rapidjson::Document& target) {
    (void)target;
    result = reader.Parse<kParseFlags>(stream, handler);
    return !result.IsError();
  };
  document.Populate(generate);
  if (handler.error()) return handler.error();
  if (result.IsError()) {
    return JsonBodyError{std::string("malformed JSON at byte ") + std::to_string(result.Offset()) +
                         ": " + rapidjson::GetParseError_En(result.Code())};
  }
  return std::nullopt;
}

}  // namespace notes
