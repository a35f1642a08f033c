#include "fcgi/answer_writer.hpp"

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <vector>

namespace notes {
namespace {

// FastCGI 1.0 (the specification's section 3.3): version, type, request id,
// content length (big-endian), padding length, reserved.
constexpr unsigned char kVersion = 1;
constexpr unsigned char kStdout = 6;
constexpr unsigned char kEndRequest = 3;
constexpr std::size_t kMaxContent = 65535;

struct RecordHeader {
  unsigned char bytes[8];
  RecordHeader(unsigned char type, int request_id, std::size_t content_length)
      : bytes{kVersion,
              type,
              static_cast<unsigned char>((request_id >> 8) & 0xff),
              static_cast<unsigned char>(request_id & 0xff),
              static_cast<unsigned char>((content_length >> 8) & 0xff),
              static_cast<unsigned char>(content_length & 0xff),
              0,
              0} {}
};

// The end of STDOUT, then FCGI_END_REQUEST: application status 0,
// FCGI_REQUEST_COMPLETE.
struct Ending {
  RecordHeader end_of_stdout;
  RecordHeader end_request;
  unsigned char end_request_body[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  explicit Ending(int request_id)
      : end_of_stdout(kStdout, request_id, 0), end_request(kEndRequest, request_id, 8) {}
};

static_assert(sizeof(Ending) == 24, "three 8-byte parts, no padding");

bool write_all(int fd, std::vector<iovec>& pieces) {
  std::size_t first = 0;
  while (first < pieces.size()) {
    ssize_t wrote = writev(fd, pieces.data() + first, static_cast<int>(std::min<std::size_t>(pieces.size() - first, IOV_MAX)));
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    // Skip what went out; a piece written in part starts later next time.
    auto left = static_cast<std::size_t>(wrote);
    while (first < pieces.size() && left >= pieces[first].iov_len) left -= pieces[first++].iov_len;
    if (left > 0) {
      pieces[first].iov_base = static_cast<char*>(pieces[first].iov_base) + left;
      pieces[first].iov_len -= left;
    }
  }
  return true;
}

void mark_closed(FCGX_Stream* stream) {
  if (stream == nullptr) return;
  stream->wasFCloseCalled = 1;
  stream->isClosed = 1;
}

}  // namespace

void write_answer(FCGX_Request& request, std::string_view answer) {
  std::size_t records = (answer.size() + kMaxContent - 1) / kMaxContent;
  std::vector<RecordHeader> headers;
  headers.reserve(records);  // never grows: `pieces` points into it
  std::vector<iovec> pieces;
  pieces.reserve(2 * records + 1);
  for (std::size_t offset = 0; offset < answer.size(); offset += kMaxContent) {
    std::size_t length = std::min(kMaxContent, answer.size() - offset);
    headers.emplace_back(kStdout, request.requestId, length);
    pieces.push_back({headers.back().bytes, sizeof headers.back().bytes});
    pieces.push_back({const_cast<char*>(answer.data() + offset), length});
  }
  Ending ending(request.requestId);
  pieces.push_back({&ending, sizeof ending});
  if (!write_all(request.ipcFd, pieces)) request.keepConnection = 0;
  mark_closed(request.out);
  mark_closed(request.err);
}

}  // namespace notes
