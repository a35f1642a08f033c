#include "credentials/webhook_secret.hpp"

#include <sodium.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "credentials/api_key.hpp"

namespace notes {
namespace {

std::string hmac_sha256(std::string_view key, std::string_view first, std::string_view second = {}) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to start");
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(first.data()), first.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(second.data()), second.size());
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(mac.data()));
  return mac;
}

}  // namespace

std::optional<std::string> read_webhook_key(const std::string& path, std::string& why) {
  std::ifstream file(path);
  auto fail = [&](const char* reason) {
    why = reason;
    return std::nullopt;
  };
  if (!file) return fail("cannot be read");
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::string key(line.size(), '\0');
    std::size_t length = 0;
    if (sodium_init() < 0 ||
        sodium_base642bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), line.data(), line.size(),
                          nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
      return fail("does not hold a base64 key");
    }
    if (length < 32) return fail("holds a key shorter than 32 bytes");
    key.resize(length);
    return key;
  }
  return fail("holds no key");
}

std::string new_webhook_salt() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to start");
  std::string salt(32, '\0');
  randombytes_buf(salt.data(), salt.size());
  return salt;
}

std::string webhook_secret(std::string_view key, std::string_view salt) {
  static constexpr char kPurpose[] = "notes webhook secret";  // with its NUL: the salt follows it
  std::string mac = hmac_sha256(key, std::string_view(kPurpose, sizeof kPurpose), salt);
  std::string text(sodium_base64_ENCODED_LEN(mac.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(mac.data()), mac.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  text.resize(text.find('\0'));
  return "whsec_" + text;
}

std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + body.size());
  signed_text.append(timestamp).append(".").append(body);
  return to_hex(hmac_sha256(secret, signed_text));
}

}  // namespace notes
