#pragma once
// The values a note statement takes: a note's writable fields (note_create,
// note_update) and the filters of a customer's note list. Handlers fill them
// from a request; sql/queries.cpp binds them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace notes::sql {

// A writable field: absent (not given), given as null, or given a value.
template <class T>
struct Field {
  bool given = false;
  std::optional<T> value;  // given and empty: set to null
};

// The ten writable fields of a Note (docs/api.md, "The Note").
struct NoteFields {
  Field<std::string> reference_type, type, details, status, reminder, subject;
  Field<int64_t> reference_id;
  Field<bool> confidential, priority;
  Field<std::vector<std::string>> tags;
};

// The filters of a customer's note list; nothing means "not filtered".
struct NoteFilters {
  std::optional<std::string> status, reference_type, tag, created_from, created_to;
  std::optional<int64_t> reference_id, assignee;
  std::optional<bool> priority;
  bool any() const {
    return status || reference_type || tag || created_from || created_to || reference_id || assignee || priority;
  }
};

}  // namespace notes::sql
