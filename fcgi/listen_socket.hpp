#pragma once
#include <string>

#include "fcgi/config.hpp"

namespace notes {

// The socket nginx connects to, found the way the deployment provides it.
struct ListenSocket {
  int fd = -1;
  std::string origin;      // "systemd", "stdin" or "bound <address>"
  std::string bound_path;  // a unix socket we created (removed on exit), else ""
};

// In order: a socket passed by systemd socket activation (LISTEN_FDS, fd 3);
// fd 0 when it is a listening socket (spawn-fcgi); else `config.listen` bound
// here: a unix socket path (mode and group from the config) or host:port.
// The socket is made non-blocking so idle workers can wait on it with ppoll.
// Throws std::runtime_error with the reason.
ListenSocket open_listen_socket(const ServiceConfig& config);

}  // namespace notes
