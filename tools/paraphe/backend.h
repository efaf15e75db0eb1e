// Backend: where the paraphe CLI reads and writes. Either a local ledger
// directory (ledger::Ledger, opened read-only for reads so that it works
// beside a running server) or a paraphed server reached through the HTTP
// client library. Every command goes through this interface so that local
// and --server modes give the same answers.
//
// Thread-safety: one Backend per process, used from the main thread.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/status.h"
#include "ledger/bundle.h"
#include "ledger/ledger.h"

namespace paraphe::cli {

struct Source {
  std::filesystem::path data = "paraphe-data";
  std::string server;  // empty: local
  std::string token_file;  // --server: read token for the server, if any
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Opens the local ledger (read-only unless `write`) or connects to the
  // server. kNotFound if DIR holds no ledger, kUnavailable if unreachable.
  static Result<std::unique_ptr<Backend>> Open(const Source& source,
                                               bool write);

  // Receipt JSON: {"seq","convention","version","leaf_hash","recorded_at",
  // "duplicate","checkpoint",...}. Rejections carry the ledger's Status.
  virtual Result<boost::json::object> Submit(const std::string& jws) = 0;

  // Current stream version of a convention, 0 if it has no events.
  virtual Result<uint64_t> ConventionVersion(const std::string& id) = 0;
  virtual Result<boost::json::array> Conventions() = 0;
  virtual Result<boost::json::value> State(const std::string& id,
                                           const ledger::AsOf& as_of) = 0;
  // RecordJson of each record of the convention, in stream order.
  virtual Result<boost::json::array> History(const std::string& id) = 0;
  virtual Result<boost::json::object> Payments(const std::string& id) = 0;

  virtual Result<std::string> Checkpoint() = 0;
  virtual Result<std::string> VerifierKey() = 0;

  virtual Result<ledger::ProofResult> Inclusion(uint64_t seq,
                                                uint64_t tree_size) = 0;
  virtual Result<ledger::ProofResult> Consistency(uint64_t from,
                                                  uint64_t to) = 0;
  // Writes the export bundle (ledger/bundle.h, docs/FORMAT.md): the
  // records covered by the latest checkpoint, checked against its root,
  // through ledger::WriteBundle over the backend's log source.
  virtual Status Export(std::ostream& out,
                        const ledger::BundleProgress& progress) = 0;
};

}  // namespace paraphe::cli
