#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace notes {

// A new API key: "nk_" and 32 random bytes in unpadded base64url.
std::string generate_api_key();

// A new refresh token (docs/api.md, "Tokens"): "nr_" and 32 random bytes,
// spelled as a key is.
std::string generate_refresh_token();

// The SHA-256 of a key or refresh token, 32 raw bytes: all the database
// ever stores. Both are 256-bit random, so an unsalted fast hash is enough
// to make a stolen table useless; a slow password hash would only slow
// every request down.
std::string hash_secret(std::string_view secret);

// Bytes as lower-case hexadecimal (a hash in logs, in bytea's text form).
std::string to_hex(std::string_view bytes);

// The bytes lower- or upper-case hexadecimal stands for; nothing when the
// text is not whole hexadecimal pairs.
std::optional<std::string> from_hex(std::string_view hex);

// The key in an Authorization header, either form of docs/api.md, "Every route":
// "Bearer <key>" (scheme in any case) or the raw key alone. Nothing for an
// empty header, another scheme, or a key with characters a key never has.
std::optional<std::string_view> key_from_authorization(std::string_view header);

}  // namespace notes
