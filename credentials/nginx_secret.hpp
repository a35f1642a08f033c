#pragma once
// The secret that tells nginx's requests from anyone else's on the workers'
// socket (docs/reliability.md, "Who may speak to the workers"). The socket
// must be open to nginx's group, and on a shared host other programs run in
// that group too (every PHP site of a classic host runs as www-data): any
// of them could connect and send the NOTES_* params that name a caller.
// nginx sends the secret in the NOTES_NGINX_SECRET param of every request
// (a snippet only root can read, nginx/snippets/notes-fastcgi-params.conf);
// a worker answers a request without it 403 and reads nothing else of it.
#include <optional>
#include <string>
#include <string_view>

namespace notes {

class NginxSecret {
 public:
  // The secret of a secret file: its first line, 64 lower-case hex digits
  // (32 random bytes, as the package's install script writes them). Nothing,
  // with `why` saying what is wrong with the file, otherwise.
  static std::optional<NginxSecret> read(const std::string& path, std::string& why);
  // For tests of the comparison.
  static std::optional<NginxSecret> from_text(std::string_view text);

  // Whether `presented` is the secret, in time that does not depend on
  // where the two differ.
  bool presented_in(std::string_view presented) const;

 private:
  explicit NginxSecret(std::string digest) : digest_(std::move(digest)) {}
  std::string digest_;  // SHA-256 of the secret: compared whatever the length presented
};

}  // namespace notes
