// Fuzzes paraphed's request path without sockets: the input bytes go to a
// Beast request parser with the server's header and body limits (as
// api/session.cc sets them), and each request that parses (up to four
// pipelined ones per input) is routed through the real api::Router and
// handlers over a small ledger created once in LLVMFuzzerInitialize: the
// demo ledger's operator key, its first events (data/http_fixture.jws)
// appended.
// Requests with an Authorization header go to a router that requires the
// read token "fuzz-token", the others to one without a token.
//
// Invariants: every response has a status the API documents for client
// input (2xx, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422); never a
// 5xx, since the ledger is healthy and nothing the client sends may look
// like data loss or a bug; errors are application/problem+json objects
// whose "status" is the HTTP status; JSON bodies parse; no handler throws.
#include <unistd.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json/parse.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "api/handlers.h"
#include "api/problem.h"
#include "api/server_state.h"
#include "ledger/ledger.h"
#include "tests/fuzz/fuzz_util.h"

using namespace paraphe;
namespace http = api::http;

namespace {

struct Fixture {
  std::filesystem::path root;
  std::unique_ptr<ledger::Ledger> ledger;
  api::Metrics metrics;
  api::ApiContext ctx;
  std::optional<api::Router> open_router;
  std::optional<api::Router> token_router;

  ~Fixture() {
    open_router.reset();
    token_router.reset();
    ledger.reset();
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }
};

std::unique_ptr<Fixture>& TheFixture() {
  static std::unique_ptr<Fixture> fixture;
  return fixture;
}

std::vector<std::string> FixtureEvents() {
  std::istringstream in(fuzz::ReadDataFile("http_fixture.jws"));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

void Setup() {
  auto f = std::make_unique<Fixture>();
  f->root = std::filesystem::temp_directory_path() /
            ("paraphe-http-fuzz-" + std::to_string(getpid()));
  std::filesystem::remove_all(f->root);
  ledger::InitOptions init;
  init.origin = "paraphe.demo/ledger";
  init.operator_key_pem = fuzz::DemoKey("operator").ToPem();
  auto ir = ledger::Ledger::Init(f->root / "data", init);
  FUZZ_CHECK_MSG(ir.ok(), ir.status().ToString());
  ledger::LedgerOptions options;
  options.sync = false;  // a scratch ledger: speed over durability
  auto l = ledger::Ledger::Open(f->root / "data", options);
  FUZZ_CHECK_MSG(l.ok(), l.status().ToString());
  f->ledger = std::move(*l);
  for (const std::string& jws : FixtureEvents()) {
    auto r = f->ledger->Submit(jws);
    FUZZ_CHECK_MSG(r.ok(), "fixture event rejected: " + r.status().ToString());
  }
  f->ctx.ledger = f->ledger.get();
  f->ctx.metrics = &f->metrics;
  f->ctx.max_page = 5;
  f->open_router.emplace(api::BuildRouter(f->ctx, std::nullopt));
  f->token_router.emplace(api::BuildRouter(f->ctx, "fuzz-token"));
  TheFixture() = std::move(f);
}

api::Response Serve(const api::Router& router, const api::Request& req) {
  api::Resolved r = router.Resolve(req);
  if (r.error) return *r.error;
  switch (r.route->kind) {
    case api::RouteKind::kSync:
      return r.route->sync(r.call);
    case api::RouteKind::kAsync: {
      std::promise<api::Response> p;
      auto done = p.get_future();
      r.route->async(r.call,
                     [&p](api::Response res) { p.set_value(std::move(res)); });
      return done.get();
    }
    case api::RouteKind::kStream: {
      // The session would start streaming; a refusal is a problem.
      auto start = r.route->stream(r.call);
      if (!start.ok()) return api::ProblemResponse(start.status());
      return api::MakeResponse(http::status::ok, api::kTextType,
                               std::to_string(*start));
    }
  }
  FUZZ_CHECK_MSG(false, "unknown route kind");
}

bool Documented(unsigned code) {
  switch (code) {
    case 200:
    case 201:
    case 204:
    case 304:
    case 400:
    case 401:
    case 403:
    case 404:
    case 405:
    case 409:
    case 413:
    case 415:
    case 422:
      return true;
    default:
      return false;
  }
}

void CheckResponse(const api::Request& req, const api::Response& res) {
  const unsigned code = res.result_int();
  std::string what = std::string(req.method_string()) + " " +
                     std::string(req.target()) + " -> " + std::to_string(code) +
                     "\n" + res.body();
  FUZZ_CHECK_MSG(Documented(code), what);
  const std::string type(res[http::field::content_type]);
  if (code >= 400) {
    FUZZ_CHECK_MSG(type == api::kProblemType, what);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(res.body(), ec);
    FUZZ_CHECK_MSG(!ec && v.is_object(), what);
    const auto* status = v.get_object().if_contains("status");
    FUZZ_CHECK_MSG(
        status != nullptr && status->is_int64() && status->get_int64() == code,
        what);
  } else if (api::MediaType(type) == api::kJsonType) {
    boost::system::error_code ec;
    boost::json::parse(res.body(), ec);
    FUZZ_CHECK_MSG(!ec, what);
  }
}

// PARAPHE_FUZZ_VERBOSE=1: print each request and its status (to see
// what a corpus reaches).
bool Verbose() {
  static const bool verbose = std::getenv("PARAPHE_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  Setup();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = *TheFixture();
  const api::SessionLimits limits;  // the server's defaults
  boost::asio::const_buffer rest(data, size);
  for (int n = 0; n < 4 && rest.size() > 0; ++n) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.body_limit(limits.body_limit);
    parser.eager(true);
    boost::beast::error_code ec;
    while (!parser.is_done() && rest.size() > 0) {
      size_t used = parser.put(rest, ec);
      rest += used;
      if (ec == http::error::need_more) {
        ec = {};
        if (used == 0) break;
      } else if (ec || used == 0) {
        break;
      }
    }
    if (!ec && !parser.is_done()) {
      // The whole input arrived: end of stream, as when the peer closes.
      parser.put_eof(ec);
    }
    if (ec || !parser.is_done()) return 0;
    api::Request req = parser.release();
    const bool with_token = req.find(http::field::authorization) != req.end();
    try {
      api::Response res =
          Serve(with_token ? *f.token_router : *f.open_router, req);
      CheckResponse(req, res);
      if (Verbose()) {
        std::fprintf(stderr, "  %s %s -> %u\n",
                     std::string(req.method_string()).c_str(),
                     std::string(req.target()).c_str(), res.result_int());
      }
    } catch (const std::exception& e) {
      FUZZ_CHECK_MSG(false, std::string("handler threw: ") + e.what());
    }
  }
  return 0;
}
