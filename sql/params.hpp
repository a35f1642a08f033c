#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace notes::sql {

// The parameters of one prepared statement, owned here so the pointers handed
// to libpq stay valid. Text format except where add_binary says otherwise.
class Params {
 public:
  Params& add(std::string_view text) {
    values_.emplace_back(text);
    present_.push_back(true);
    binary_.push_back(false);
    return *this;
  }
  Params& add(int64_t number) { return add(std::to_string(number)); }
  Params& add(bool flag) { return add(std::string_view(flag ? "t" : "f")); }
  Params& add(const char*) = delete;  // say which: string_view or bool
  Params& add_null() {
    values_.emplace_back();
    present_.push_back(false);
    binary_.push_back(false);
    return *this;
  }
  Params& add_binary(std::string_view bytes) {
    add(bytes);
    binary_.back() = true;
    return *this;
  }
  template <class T>
  Params& add_optional(const std::optional<T>& value) {
    return value ? add(*value) : add_null();
  }

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const {
    std::vector<const char*> out;
    for (std::size_t i = 0; i < values_.size(); ++i) out.push_back(present_[i] ? values_[i].data() : nullptr);
    return out;
  }
  std::vector<int> lengths() const {
    std::vector<int> out;
    for (const auto& v : values_) out.push_back(static_cast<int>(v.size()));
    return out;
  }
  std::vector<int> formats() const {
    std::vector<int> out;
    for (bool b : binary_) out.push_back(b ? 1 : 0);
    return out;
  }

 private:
  std::vector<std::string> values_;
  std::vector<bool> present_;
  std::vector<bool> binary_;
};

}  // namespace notes::sql
