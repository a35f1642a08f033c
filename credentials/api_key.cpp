#include "credentials/api_key.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace notes {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// An access token is about 230 characters (docs/api.md, "Tokens").
constexpr std::size_t kMaxKeyLength = 1024;

bool is_key_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '~';
}

// `prefix` and 32 random bytes in unpadded base64url.
std::string random_secret(const char* prefix) {
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("no randomness for a key");
  std::string key = prefix;
  unsigned bits = 0, buffer = 0;
  for (unsigned char byte : random) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      key += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) key += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return key;
}

}  // namespace

std::string generate_api_key() { return random_secret("nk_"); }

std::string generate_refresh_token() { return random_secret("nr_"); }

std::string hash_secret(std::string_view secret) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(secret.data(), secret.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string to_hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    hex += digits[byte >> 4];
    hex += digits[byte & 15];
  }
  return hex;
}

std::optional<std::string> from_hex(std::string_view hex) {
  std::string bytes(hex.size() / 2, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), hex.data(), hex.size(), nullptr,
                     &length, &end) != 0 ||
      end != hex.data() + hex.size()) {
    return std::nullopt;
  }
  bytes.resize(length);
  return bytes;
}

std::optional<std::string_view> key_from_authorization(std::string_view header) {
  constexpr std::string_view kBearer = "bearer ";
  if (header.size() > kBearer.size() &&
      std::equal(kBearer.begin(), kBearer.end(), header.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    header.remove_prefix(kBearer.size());
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  }
  if (header.empty() || header.size() > kMaxKeyLength) return std::nullopt;
  if (!std::all_of(header.begin(), header.end(), is_key_character)) return std::nullopt;
  return header;
}

}  // namespace notes
