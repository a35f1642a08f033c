// The benchmark's ceiling: the smallest libfcgi responder that can stand where
// notesd stands (same socket, same nginx site), answering every request with
// a fixed JSON body and every auth sub-request with a fixed caller. It waits
// on its connections as notesd's workers do (fcgi/connection_set.hpp), so
// whatever it manages is what the nginx -> FastCGI hop alone allows here.
//
//   fixed_responder SOCKET_PATH|HOST:PORT WORKERS
#include <arpa/inet.h>
#include <fcgiapp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fcgi/connection_set.hpp"

namespace {

// The same body GET /api/v2/account/{id}/note answers.
constexpr char kBody[] = "{\"note\":\"Note content.\",\"result\":\"success\"}";
constexpr char kAuthAnswer[] =
    "Status: 200 OK\r\nX-Notes-User-Id: 1\r\nX-Notes-Company-Id: 1\r\nX-Notes-Role: owner\r\n"
    "X-Accel-Expires: 5\r\nContent-Length: 0\r\n\r\n";

pid_t children[256];
int child_count = 0;

[[noreturn]] void serve(int listen_fd, const notes::ConnectionHandoff& handoff) {
  const std::string answer_text = "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                  std::to_string(std::strlen(kBody)) + "\r\n\r\n" + kBody;
  FCGX_Init();
  notes::ConnectionSet connections(listen_fd, &handoff);
  sigset_t mask;
  sigemptyset(&mask);
  while (true) {
    FCGX_Request* request = connections.next(mask, std::chrono::milliseconds(-1));
    if (request == nullptr) continue;
    if (FCGX_Accept_r(request) >= 0) {
      bool auth = FCGX_GetParam("NOTES_AUTH_REQUEST", request->envp) != nullptr;
      const char* answer = auth ? kAuthAnswer : answer_text.c_str();
      FCGX_PutStr(answer, static_cast<int>(std::strlen(answer)), request->out);
      FCGX_Finish_r(request);
    }
    connections.forget_if_closed(request);
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fixed_responder SOCKET_PATH WORKERS\n");
    return 2;
  }
  std::string path = argv[1];
  int workers = std::atoi(argv[2]);
  if (workers < 1 || workers > 256) return 2;
  int fd;
  if (path.front() == '/') {
    unlink(path.c_str());
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, 1024) != 0) {
      std::perror("bind");
      return 1;
    }
    chmod(path.c_str(), 0666);
  } else {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(std::atoi(path.c_str() + path.rfind(':') + 1)));
    inet_pton(AF_INET, path.substr(0, path.rfind(':')).c_str(), &address.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, 1024) != 0) {
      std::perror("bind");
      return 1;
    }
  }
  notes::ConnectionHandoff handoff;
  for (int i = 0; i < workers; ++i) {
    pid_t pid = fork();
    if (pid == 0) serve(fd, handoff);
    children[child_count++] = pid;
  }
  signal(SIGTERM, [](int) {
    for (int i = 0; i < child_count; ++i) kill(children[i], SIGKILL);
    _exit(0);
  });
  while (wait(nullptr) > 0) {
  }
  return 0;
}
