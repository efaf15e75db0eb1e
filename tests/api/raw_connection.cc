#include "tests/api/raw_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace paraphe::api::test {

RawConnection::RawConnection(const std::string& url) {
  size_t colon = url.rfind(':');
  int port = std::atoi(url.c_str() + colon + 1);
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    Close();
  }
}

RawConnection::~RawConnection() { Close(); }

void RawConnection::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

long RawConnection::ReadSome(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return -1;
  char buf[8192];
  ssize_t n = recv(fd_, buf, sizeof(buf), 0);
  if (n > 0) data_.append(buf, static_cast<size_t>(n));
  return n < 0 ? 0 : n;  // a reset counts as closed
}

bool RawConnection::ReadUntil(std::string_view needle,
                              std::chrono::milliseconds timeout, size_t from) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (data_.find(needle, from) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (ReadSome(left) <= 0) return data_.find(needle, from) != std::string::npos;
  }
  return true;
}

bool RawConnection::WaitClosed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    long n = ReadSome(left);
    if (n == 0) return true;
    if (n < 0) return false;
  }
}

std::vector<SseEventView> ParseSse(std::string_view stream) {
  std::vector<SseEventView> out;
  size_t body = stream.find("\r\n\r\n");
  if (body == std::string_view::npos) return out;
  stream.remove_prefix(body + 4);
  while (true) {
    size_t end = stream.find("\n\n");
    if (end == std::string_view::npos) break;
    std::string_view block = stream.substr(0, end);
    stream.remove_prefix(end + 2);
    SseEventView ev{0, "", ""};
    bool has_id = false;
    while (!block.empty()) {
      size_t nl = block.find('\n');
      std::string_view line = block.substr(0, nl);
      block = nl == std::string_view::npos ? std::string_view()
                                           : block.substr(nl + 1);
      if (line.rfind("id: ", 0) == 0) {
        ev.id = std::strtoull(std::string(line.substr(4)).c_str(), nullptr, 10);
        has_id = true;
      } else if (line.rfind("event: ", 0) == 0) {
        ev.event = std::string(line.substr(7));
      } else if (line.rfind("data: ", 0) == 0) {
        ev.data = std::string(line.substr(6));
      }
    }
    if (has_id) out.push_back(std::move(ev));
  }
  return out;
}

}  // namespace paraphe::api::test
