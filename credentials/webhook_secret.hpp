#pragma once
// Webhook secrets and signatures (docs/webhooks.md). An endpoint's secret is
// derived from the host's webhook key and a random salt stored with the
// endpoint, so the database never holds it: notesctl shows it once, and
// the delivery process derives it again to sign.
#include <optional>
#include <string>
#include <string_view>

namespace notes {

// The host's webhook key from a key file: the first line that is neither
// blank nor a '#' comment, base64 of at least 32 bytes (what the package's
// install script writes). Nothing, with `why` saying what is wrong with
// the file, when there is no such key.
std::optional<std::string> read_webhook_key(const std::string& path, std::string& why);

// A new random salt, 32 bytes.
std::string new_webhook_salt();

// The endpoint's secret: "whsec_" and the unpadded base64url of
// HMAC-SHA256(key, "notes webhook secret" NUL salt).
std::string webhook_secret(std::string_view key, std::string_view salt);

// The signature a receiver checks: lower-case hex of
// HMAC-SHA256(secret, timestamp "." body), the secret as shown (its text,
// prefix included).
std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body);

}  // namespace notes
