#include "api/http_client.h"

#include <fstream>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

namespace paraphe::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

struct Target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string resource;
};

Result<Target> ParseTarget(std::string_view url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return InvalidArgument("bad URL '" + std::string(url) + "'");
  Target t;
  if (u->scheme() == "https") {
    t.tls = true;
  } else if (u->scheme() != "http") {
    return InvalidArgument("URL scheme must be http or https: " +
                           std::string(url));
  }
  t.host = std::string(u->encoded_host());
  if (t.host.empty()) return InvalidArgument("URL without a host: " + std::string(url));
  if (t.host.size() > 2 && t.host.front() == '[') {
    t.host = t.host.substr(1, t.host.size() - 2);
  }
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.resource = std::string(u->encoded_target());
  if (t.resource.empty()) t.resource = "/";
  return t;
}

// Runs the io_context until the pending operation completes; the stream's
// deadline bounds it.
Status Run(net::io_context& ioc, const beast::error_code& ec,
           std::string_view what) {
  ioc.restart();
  ioc.run();
  if (ec) {
    return Unavailable(std::string(what) + ": " + ec.message());
  }
  return Status::Ok();
}

template <class Stream>
Result<HttpResponse> Exchange(net::io_context& ioc, Stream& stream,
                              http::request<http::string_body>& req,
                              size_t max_body) {
  beast::error_code ec;
  http::async_write(stream, req,
                    [&ec](beast::error_code e, size_t) { ec = e; });
  // A server may answer (413) and close before reading the whole body:
  // a failed write is not fatal as long as a response can be read.
  Status write_status = Run(ioc, ec, "send");
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body);
  parser.header_limit(64 * 1024);
  ec = {};
  http::async_read(stream, buffer, parser,
                   [&ec](beast::error_code e, size_t) { ec = e; });
  Status read_status = Run(ioc, ec, "receive");
  if (!read_status.ok()) {
    return write_status.ok() ? read_status : write_status;
  }
  auto res = parser.release();
  HttpResponse out;
  out.status = res.result_int();
  for (const auto& f : res.base()) {
    out.headers.emplace_back(std::string(f.name_string()),
                             std::string(f.value()));
  }
  out.body = std::move(res.body());
  return out;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (beast::iequals(k, name)) return v;
  }
  return "";
}

Result<HttpResponse> HttpRequest(std::string_view method, std::string_view url,
                                 std::string_view body,
                                 const HttpHeaders& headers,
                                 const HttpClientOptions& options) {
  PARAPHE_ASSIGN_OR_RETURN(Target t, ParseTarget(url));
  http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    return InvalidArgument("unknown HTTP method " + std::string(method));
  }
  http::request<http::string_body> req{verb, t.resource, 11};
  req.set(http::field::host, t.host + ":" + t.port);
  req.set(http::field::user_agent, "paraphe-http-client");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || verb == http::verb::post || verb == http::verb::put) {
    req.body() = std::string(body);
    req.prepare_payload();
  }
  req.keep_alive(false);

  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(t.host, t.port, ec);
  if (ec) return Unavailable("cannot resolve " + t.host + ": " + ec.message());

  beast::tcp_stream tcp_stream(ioc);
  tcp_stream.expires_after(options.timeout);
  tcp_stream.async_connect(
      endpoints, [&ec](beast::error_code e, const tcp::endpoint&) { ec = e; });
  PARAPHE_RETURN_IF_ERROR(
      Run(ioc, ec, "connect to " + t.host + ":" + t.port));
  if (!t.tls) return Exchange(ioc, tcp_stream, req, options.max_body);

  ssl::context ctx(ssl::context::tls_client);
  if (options.insecure) {
    ctx.set_verify_mode(ssl::verify_none);
  } else {
    ctx.set_verify_mode(ssl::verify_peer);
    if (!options.ca_file.empty()) {
      ctx.load_verify_file(options.ca_file, ec);
      if (ec) {
        return InvalidArgument("CA file " + options.ca_file + ": " +
                               ec.message());
      }
    } else {
      ctx.set_default_verify_paths(ec);
    }
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), ctx);
  boost::system::error_code not_ip;
  net::ip::make_address(t.host, not_ip);
  if (!not_ip) {  // an IP literal: match IP SANs, send no SNI
    if (!options.insecure) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.native_handle()),
                                    t.host.c_str());
    }
  } else {
    if (!options.insecure) SSL_set1_host(stream.native_handle(), t.host.c_str());
    SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str());
  }
  stream.async_handshake(ssl::stream_base::client,
                         [&ec](beast::error_code e) { ec = e; });
  PARAPHE_RETURN_IF_ERROR(Run(ioc, ec, "TLS handshake"));
  return Exchange(ioc, stream, req, options.max_body);
}

Result<std::string> LoadBearerToken(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read token file " + path.string());
  // A secret others can read is no secret: refuse it, as for private keys.
  std::error_code ec;
  auto perms = std::filesystem::status(path, ec).permissions();
  using std::filesystem::perms;
  if (!ec && (perms & (perms::group_all | perms::others_all)) != perms::none) {
    return PermissionDenied("token file " + path.string() +
                            " is accessible by group or others; chmod 600 " +
                            path.string());
  }
  std::string line;
  std::getline(in, line);
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!line.empty() && is_space(line.back())) line.pop_back();
  size_t start = 0;
  while (start < line.size() && is_space(line[start])) ++start;
  line.erase(0, start);
  if (line.empty()) {
    return InvalidArgument("token file " + path.string() + " is empty");
  }
  return line;
}

}  // namespace paraphe::api
