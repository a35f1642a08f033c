#include "fcgi/config_refusal.hpp"

#include <fcgiapp.h>
#include <fcntl.h>
#include <poll.h>

#include <systemd/sd-daemon.h>

#include "fcgi/answer_writer.hpp"
#include "handlers/error_envelope.hpp"

namespace notes {

void refuse_waiting_requests() {
  // 0: LISTEN_* stay set; this process starts no children.
  if (sd_listen_fds(0) < 1) return;
  const int socket = SD_LISTEN_FDS_START;
  // Non-blocking while it drains, so that a connection that brings no
  // request cannot leave libfcgi waiting in accept(); then as systemd
  // passed it, for the next notesd.
  int flags = fcntl(socket, F_GETFL);
  if (flags < 0 || fcntl(socket, F_SETFL, flags | O_NONBLOCK) < 0) return;
  FCGX_Init();
  ApiError refused{503, "unavailable",
                   "The service's configuration is refused; its operator finds why in its log.", "{}"};
  for (;;) {
    pollfd waiting{socket, POLLIN, 0};
    if (poll(&waiting, 1, 0) != 1) break;
    FCGX_Request request;
    FCGX_InitRequest(&request, socket, 0);
    if (FCGX_Accept_r(&request) < 0) {
      FCGX_Free(&request, 1);
      break;
    }
    const char* path = FCGX_GetParam("DOCUMENT_URI", request.envp);
    write_answer(request, render_error(family_of(path ? path : ""), refused).serialize());
    FCGX_Finish_r(&request);
    FCGX_Free(&request, 1);
  }
  fcntl(socket, F_SETFL, flags);
}

}  // namespace notes
