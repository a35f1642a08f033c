#pragma once
// What notesd does with the requests already waiting when it refuses its
// configuration file (docs/reliability.md, "A bad config file").

namespace notes {

// Answers every request waiting on the socket systemd passed (notes.socket)
// with a 503 in its route family's envelope, then returns; nothing when
// systemd passed no socket. Left waiting, each would make systemd start
// notesd again at once, and the refused starts would pile up; answered,
// the socket stays quiet until the next request, which starts notesd anew
// and so finds a fixed file.
void refuse_waiting_requests();

}  // namespace notes
