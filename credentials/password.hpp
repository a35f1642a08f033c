#pragma once
#include <string>
#include <string_view>

namespace notes {

// Passwords are stored as Argon2id hashes in libsodium's string form (the
// parameters travel inside it). The cost is OWASP's recommended minimum,
// 19 MiB and 2 passes: about 30 ms of one core here, so that a stolen table
// is slow to attack and a login still fits in a request.
inline constexpr std::size_t kMinPasswordBytes = 10;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// The hash to store. Throws std::runtime_error when libsodium cannot get
// the memory.
std::string hash_password(std::string_view password);

// Whether `password` is the one `stored` was made from. Takes as long as a
// real check whatever `stored` is (empty: a user without a password), so
// that the answer's timing does not tell which users exist.
bool password_matches(std::string_view stored, std::string_view password);

}  // namespace notes
