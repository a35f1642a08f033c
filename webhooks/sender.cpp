#include "webhooks/sender.hpp"

#include <curl/curl.h>
#include <netdb.h>
#include <arpa/inet.h>

#include <stdexcept>

namespace notes::webhooks {
namespace {

// At most this much of a receiver's answer is read (and thrown away): only
// its status matters.
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

std::string address_text(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
  }
  return text;
}

}  // namespace

struct Sender::Transfer {
  int64_t delivery_id = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
  std::size_t answer_bytes = 0;
  std::string refused;  // the address the policy refused, if it did
  const AddressPolicy* addresses = nullptr;
  std::chrono::steady_clock::time_point started;
};

namespace {

// libcurl asks for each socket it would connect: here the policy decides.
curl_socket_t open_socket(void* data, curlsocktype, curl_sockaddr* address) {
  auto* transfer = static_cast<Sender::Transfer*>(data);
  if (!transfer->addresses->permits(&address->addr)) {
    transfer->refused = address_text(&address->addr);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

size_t discard_answer(char*, size_t size, size_t count, void* data) {
  auto* transfer = static_cast<Sender::Transfer*>(data);
  transfer->answer_bytes += size * count;
  // Returning less than given ends the transfer: enough was read.
  return transfer->answer_bytes > kMaxAnswerBytes ? 0 : size * count;
}

}  // namespace

Sender::Sender(const AddressPolicy& addresses, std::chrono::milliseconds timeout)
    : addresses_(addresses), timeout_(timeout) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::runtime_error("libcurl could not start");
}

Sender::~Sender() {
  for (auto& [easy, transfer] : transfers_) {
    curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(transfer->headers);
    delete transfer;
  }
  curl_multi_cleanup(multi_);
}

void Sender::start(int64_t delivery_id, const std::string& url, const std::string& body,
                   const std::vector<std::string>& headers) {
  auto* transfer = new Transfer;
  transfer->delivery_id = delivery_id;
  transfer->body = body;
  transfer->addresses = &addresses_;
  transfer->started = std::chrono::steady_clock::now();
  for (const std::string& header : headers) transfer->headers = curl_slist_append(transfer->headers, header.c_str());
  CURL* easy = transfer->easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is an answer, not a new destination
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");        // the policy judges the receiver itself
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(transfer->body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "notes-webhooks");
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, transfer);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard_answer);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer);
  transfers_[easy] = transfer;
  curl_multi_add_handle(multi_, easy);
}

std::vector<Outcome> Sender::poll(std::chrono::milliseconds wait) {
  int running = 0;
  curl_multi_perform(multi_, &running);
  // Waits the whole `wait` when nothing is under way.
  curl_multi_poll(multi_, nullptr, 0, static_cast<int>(wait.count()), nullptr);
  curl_multi_perform(multi_, &running);
  std::vector<Outcome> ended;
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    Transfer* transfer = transfers_.at(easy);
    Outcome outcome;
    outcome.delivery_id = transfer->delivery_id;
    outcome.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                         transfer->started);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (message->data.result == CURLE_OK || (status > 0 && message->data.result == CURLE_WRITE_ERROR)) {
      outcome.status = static_cast<int>(status);
    } else if (!transfer->refused.empty()) {
      outcome.error = "address not allowed: " + transfer->refused + " (webhook-allow-networks)";
    } else {
      outcome.error = curl_easy_strerror(message->data.result);
    }
    ended.push_back(outcome);
    curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(transfer->headers);
    transfers_.erase(easy);
    delete transfer;
  }
  return ended;
}

}  // namespace notes::webhooks
