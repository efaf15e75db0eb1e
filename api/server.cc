#include "api/server.h"

#include <boost/asio/post.hpp>
#include <cstdio>
#include <thread>
#include <utility>

namespace paraphe::api {
namespace {

Result<std::unique_ptr<boost::asio::ssl::context>> MakeTlsContext(
    const std::filesystem::path& cert, const std::filesystem::path& key) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                   ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert.string(), ec);
  if (ec) {
    return InvalidArgument("--tls-cert " + cert.string() + ": " + ec.message());
  }
  ctx->use_private_key_file(key.string(), ssl::context::pem, ec);
  if (ec) {
    return InvalidArgument("--tls-key " + key.string() + ": " + ec.message());
  }
  return ctx;
}

}  // namespace

Server::Server(ledger::Ledger& ledger, const ServerOptions& options)
    : options_(options),
      access_log_(options.access_log ? stderr : nullptr),
      router_(BuildRouter(ctx_, options.read_token)),
      ioc_(options.io_threads),
      workers_(static_cast<size_t>(options.workers)) {
  ctx_.ledger = &ledger;
  ctx_.metrics = &metrics_;
  ctx_.run_on_worker = [this](std::function<void()> task) {
    boost::asio::post(workers_, std::move(task));
  };
  state_.ctx = &ctx_;
  state_.router = &router_;
  state_.metrics = &metrics_;
  state_.workers = &workers_;
  state_.access_log = &access_log_;
  state_.limits = options.limits;
}

Result<std::unique_ptr<Server>> Server::Start(ledger::Ledger& ledger,
                                              const ServerOptions& options) {
  PARAPHE_RETURN_IF_ERROR(ValidateOptions(options));
  PARAPHE_ASSIGN_OR_RETURN(auto endpoint, ParseListen(options.listen));
  PARAPHE_ASSIGN_OR_RETURN(ListeningSocket socket,
                           ListeningSocket::Bind(endpoint));
  return Start(ledger, options, std::move(socket));
}

Result<std::unique_ptr<Server>> Server::Start(ledger::Ledger& ledger,
                                              const ServerOptions& options,
                                              ListeningSocket socket) {
  PARAPHE_RETURN_IF_ERROR(ValidateOptions(options));
  std::unique_ptr<Server> server(new Server(ledger, options));
  if (options.tls_cert) {
    PARAPHE_ASSIGN_OR_RETURN(
        server->tls_, MakeTlsContext(*options.tls_cert, *options.tls_key));
  }
  server->listener_ = std::make_shared<Listener>(server->ioc_, server->state_,
                                                 server->tls_.get());
  PARAPHE_RETURN_IF_ERROR(server->listener_->Open(std::move(socket)));
  server->listener_->Run();
  server->work_.emplace(server->ioc_.get_executor());
  for (int i = 0; i < options.io_threads; ++i) {
    server->threads_.emplace_back([s = server.get()] { s->ioc_.run(); });
  }
  return server;
}

Server::~Server() { Shutdown(std::chrono::milliseconds(0)); }

boost::asio::ip::tcp::endpoint Server::endpoint() const {
  return listener_->local_endpoint();
}

std::string Server::url() const {
  auto ep = endpoint();
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return std::string(tls_ ? "https" : "http") + "://" + host + ":" +
         std::to_string(ep.port());
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  if (stopped_) return;
  stopped_ = true;
  ctx_.accepting.store(false);
  if (listener_) listener_->Stop();
  auto deadline = std::chrono::steady_clock::now() + grace;
  // Appends already handed to the ledger complete (durable or refused) and
  // their responses are produced; new ones get 503.
  while (std::chrono::steady_clock::now() < deadline &&
         (ctx_.appends_in_flight.load() > 0 ||
          state_.pending_responses.load() > 0)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (ctx_.appends_in_flight.load() > 0 ||
      state_.pending_responses.load() > 0) {
    std::fprintf(stderr,
                 "paraphed: shutdown grace over with %lld appends in flight, "
                 "%lld responses pending\n",
                 static_cast<long long>(ctx_.appends_in_flight.load()),
                 static_cast<long long>(state_.pending_responses.load()));
  }
  // A moment for the io threads to write the last responses.
  if (grace.count() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  workers_.stop();
  workers_.join();
}

}  // namespace paraphe::api
