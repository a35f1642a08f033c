#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace notes::sql {

// PostgreSQL array literals, passed as one text parameter ($n::text[],
// $n::bigint[]): every element quoted and escaped, so no value can break out.
std::string text_array_literal(const std::vector<std::string>& values);
std::string bigint_array_literal(const std::vector<int64_t>& values);

}  // namespace notes::sql
