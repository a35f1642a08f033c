#pragma once
// The one way this project includes RapidJSON. Its assertions guard misuse
// such as GetInt64() on a value that is not an int64; by default they abort
// the process, here they throw, so a slip becomes a 500 for one request
// instead of a dead worker. The macros that say so are compile definitions
// of the notes_http library (CMakeLists.txt), the same in every file.
#include <stdexcept>

namespace notes {
struct JsonAssertion : std::logic_error {
  JsonAssertion() : std::logic_error("RapidJSON assertion failed") {}
};

// RAPIDJSON_ASSERT(x) is notes::json_assert(x).
inline void json_assert(bool holds) {
  if (!holds) throw JsonAssertion();
}
}  // namespace notes

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
