#pragma once
// The one way this project includes RapidJSON. Its assertions guard misuse
// such as GetInt64() on a value that is not an int64; by default they abort
// the process, here they throw, so a slip becomes a 500 for one request
// instead of a dead worker.
#include <stdexcept>

namespace notes {
struct JsonAssertion : std::logic_error {
  using std::logic_error::logic_error;
};
}  // namespace notes

#ifndef RAPIDJSON_ASSERT
#define RAPIDJSON_ASSERT(x) \
  ((x) ? static_cast<void>(0) : throw ::notes::JsonAssertion("RapidJSON assertion: " #x))
#endif
#define RAPIDJSON_HAS_STDSTRING 1

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
