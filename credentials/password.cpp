#include "credentials/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace notes {
namespace {

constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimit = 19u << 20;

void need_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to start");
}

// A hash of a password nobody has, made once: a check against it costs
// what a real one does.
const std::string& stand_in_hash() {
  static const std::string hash = hash_password("no user has this password, it is only checked against");
  return hash;
}

}  // namespace

std::string hash_password(std::string_view password) {
  need_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory hashing a password");
  }
  return out;
}

bool password_matches(std::string_view stored, std::string_view password) {
  need_sodium();
  // A stored value that is not a C string of sane length cannot be a hash.
  bool usable = !stored.empty() && stored.size() < crypto_pwhash_STRBYTES;
  std::string hash(usable ? stored : std::string_view(stand_in_hash()));
  bool matches = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  return usable && matches;
}

}  // namespace notes
