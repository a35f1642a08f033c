#include "credentials/nginx_secret.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <fstream>

#include "credentials/api_key.hpp"

namespace notes {

std::optional<NginxSecret> NginxSecret::from_text(std::string_view text) {
  bool hex = std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  if (text.size() != 64 || !hex) return std::nullopt;
  return NginxSecret(hash_secret(text));
}

std::optional<NginxSecret> NginxSecret::read(const std::string& path, std::string& why) {
  std::ifstream file(path);
  if (!file) {
    why = "cannot be read";
    return std::nullopt;
  }
  std::string line;
  std::getline(file, line);
  auto secret = from_text(line);
  if (!secret) why = "does not hold 64 lower-case hex digits on its first line";
  return secret;
}

bool NginxSecret::presented_in(std::string_view presented) const {
  std::string digest = hash_secret(presented);
  return CRYPTO_memcmp(digest.data(), digest_.data(), digest_.size()) == 0;
}

}  // namespace notes
