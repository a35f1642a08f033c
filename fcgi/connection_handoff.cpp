#include "fcgi/connection_handoff.hpp"

#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace notes {
namespace {

// A message of one byte (a message must carry data) that carries one
// descriptor as ancillary data.
struct OneDescriptorMessage {
  char byte = 'c';
  iovec data{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr header{};
  OneDescriptorMessage() {
    header.msg_iov = &data;
    header.msg_iovlen = 1;
    header.msg_control = control;
    header.msg_controllen = sizeof control;
  }
  OneDescriptorMessage(const OneDescriptorMessage&) = delete;
  OneDescriptorMessage& operator=(const OneDescriptorMessage&) = delete;
};

}  // namespace

ConnectionHandoff::ConnectionHandoff() {
  // SEQPACKET: one message per connection, never merged or split. A socket
  // pair has no datagram queue length limit (net.unix.max_dgram_qlen), only
  // the send buffer, which holds hundreds of these small messages.
  int ends[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) {
    throw std::runtime_error(std::string("socketpair for the connection handoff: ") + std::strerror(errno));
  }
  give_end_ = ends[0];
  take_end_ = ends[1];
  void* shared = mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    ::close(give_end_);
    ::close(take_end_);
    throw std::runtime_error(std::string("mmap for the connection handoff: ") + std::strerror(errno));
  }
  waiting_workers_ = new (shared) std::atomic<int>(0);
}

ConnectionHandoff::~ConnectionHandoff() {
  ::close(give_end_);
  ::close(take_end_);
  munmap(waiting_workers_, sizeof(std::atomic<int>));
}

void ConnectionHandoff::waiting(bool starts) const {
  waiting_workers_->fetch_add(starts ? 1 : -1, std::memory_order_relaxed);
}

bool ConnectionHandoff::anyone_waiting() const { return waiting_workers_->load(std::memory_order_relaxed) > 0; }

bool ConnectionHandoff::give(int fd) const {
  OneDescriptorMessage message;
  cmsghdr* header = CMSG_FIRSTHDR(&message.header);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &fd, sizeof(int));
  return sendmsg(give_end_, &message.header, MSG_DONTWAIT | MSG_NOSIGNAL) == 1;
}

int ConnectionHandoff::take() const {
  OneDescriptorMessage message;
  if (recvmsg(take_end_, &message.header, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) != 1) return -1;
  cmsghdr* header = CMSG_FIRSTHDR(&message.header);
  if (header == nullptr || header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS ||
      header->cmsg_len != CMSG_LEN(sizeof(int))) {
    return -1;
  }
  int fd;
  std::memcpy(&fd, CMSG_DATA(header), sizeof(int));
  return fd;
}

}  // namespace notes
