#pragma once
#include <string_view>

namespace notes {

// True when `text` is well-formed UTF-8 as RFC 3629 defines it: no overlong
// forms, no surrogate code points (which is how an escaped lone "\uDC00" comes
// out of RapidJSON), nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

}  // namespace notes
