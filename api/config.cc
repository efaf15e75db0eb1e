#include "api/config.h"

#include "api/http_client.h"

#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <sstream>

namespace paraphe::api {

Result<boost::asio::ip::tcp::endpoint> ParseListen(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return InvalidArgument("--listen: expected host:port, got '" +
                           std::string(text) + "'");
  }
  std::string host(text.substr(0, colon));
  std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) {
    return InvalidArgument("--listen: '" + host +
                           "' is not an IP address (or localhost)");
  }
  if (port_text.empty() || port_text.size() > 5) {
    return InvalidArgument("--listen: bad port '" + std::string(port_text) +
                           "'");
  }
  unsigned port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') {
      return InvalidArgument("--listen: bad port '" + std::string(port_text) +
                             "'");
    }
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) return InvalidArgument("--listen: port out of range");
  return boost::asio::ip::tcp::endpoint(address,
                                        static_cast<unsigned short>(port));
}

Result<std::string> LoadReadToken(const std::filesystem::path& path) {
  return LoadBearerToken(path);
}

Status ValidateOptions(const ServerOptions& o) {
  if (o.tls_cert.has_value() != o.tls_key.has_value()) {
    return InvalidArgument("--tls-cert and --tls-key go together");
  }
  if (o.io_threads < 1 || o.io_threads > 256) {
    return InvalidArgument("--threads must be between 1 and 256");
  }
  if (o.workers < 1 || o.workers > 256) {
    return InvalidArgument("--workers must be between 1 and 256");
  }
  if (o.limits.body_limit == 0 || o.limits.header_limit < 256) {
    return InvalidArgument("body limit must be > 0, header limit >= 256");
  }
  if (o.limits.max_connections == 0 || o.limits.pipeline_limit == 0) {
    return InvalidArgument("connection and pipeline limits must be > 0");
  }
  if (o.limits.max_in_flight == 0) {
    return InvalidArgument("--max-in-flight must be > 0");
  }
  return Status::Ok();
}

}  // namespace paraphe::api
