// RawConnection: a blocking TCP connection for the tests that must control
// the bytes on the wire (pipelining, slow clients, SSE streams).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace paraphe::api::test {

class RawConnection {
 public:
  // url: "http://127.0.0.1:PORT"; check connected().
  explicit RawConnection(const std::string& url);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // Reads until `needle` occurs after `from` in data(); false on timeout/EOF.
  bool ReadUntil(std::string_view needle, std::chrono::milliseconds timeout,
                 size_t from = 0);
  // True if the server closes the connection within `timeout`.
  bool WaitClosed(std::chrono::milliseconds timeout);
  void Close();
  const std::string& data() const { return data_; }

 private:
  // One read with a timeout: >0 bytes, 0 EOF, -1 timeout/error.
  long ReadSome(std::chrono::milliseconds timeout);
  int fd_ = -1;
  std::string data_;
};

// The SSE events in `stream` as (id, data) pairs, in order.
struct SseEventView {
  unsigned long long id;
  std::string event;
  std::string data;
};
std::vector<SseEventView> ParseSse(std::string_view stream);

}  // namespace paraphe::api::test
