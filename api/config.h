// ServerOptions: everything paraphed can be told on its command line, and
// the parsing helpers for the flags whose values need checking.
// Thread-safety: values and pure functions.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "api/server_state.h"
#include "crypto/status.h"

namespace paraphe::api {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks one
  int io_threads = 2;
  int workers = 2;  // signature verification and reads
  std::optional<std::filesystem::path> tls_cert;  // PEM chain
  std::optional<std::filesystem::path> tls_key;   // PEM private key
  std::optional<std::string> read_token;          // required on GETs if set
  SessionLimits limits;
  bool access_log = true;  // JSON lines on stderr
};

// "127.0.0.1:8080", "[::1]:0", "localhost:8080": kInvalidArgument when the
// host is not an IP literal or "localhost", or the port is not 0..65535.
Result<boost::asio::ip::tcp::endpoint> ParseListen(std::string_view text);

// Reads a read-token file: the token is the file's first line, without
// surrounding whitespace. kNotFound if unreadable, kPermissionDenied if
// group or others have any access to it, kInvalidArgument if empty.
Result<std::string> LoadReadToken(const std::filesystem::path& path);

// kInvalidArgument for inconsistent options (a cert without a key, zero
// threads, limits of zero, max_in_flight included).
Status ValidateOptions(const ServerOptions& options);

}  // namespace paraphe::api
