#pragma once
// A webhook receiver for tests: a small HTTP/1.1 server on 127.0.0.1 that
// records every request it is sent and answers as the test tells it.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace notes::test {

struct ReceivedRequest {
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  int answered = 0;  // the status it was answered with
  std::chrono::steady_clock::time_point at;
};

class WebhookReceiver {
 public:
  // `answer` gives the status for the n-th request (from 0); a status of 0
  // never answers (the connection is held open until the receiver stops).
  explicit WebhookReceiver(std::function<int(int n, const ReceivedRequest&)> answer);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<ReceivedRequest> requests() const;
  // Waits up to `limit` until `condition` holds for the requests so far.
  bool wait_for(const std::function<bool(const std::vector<ReceivedRequest>&)>& condition,
                std::chrono::milliseconds limit) const;

 private:
  void serve(int connection);
  std::function<int(int, const ReceivedRequest&)> answer_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::vector<int> held_;  // connections never answered
  std::thread thread_;
};

}  // namespace notes::test
