#pragma once
#include <string_view>

namespace notes {

// Sends a state line ("READY=1", "RELOADING=1", "STOPPING=1") to systemd's
// NOTIFY_SOCKET for Type=notify units; does nothing when not run by systemd.
void systemd_notify(std::string_view state);

}  // namespace notes
