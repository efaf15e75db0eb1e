#include "tools/paraphe/backend.h"

#include <boost/json.hpp>
#include <utility>

#include "crypto/base64.h"
#include "crypto/merkle.h"
#include "ledger/domain/state.h"
#include "ledger/log_source.h"
#include "tools/paraphe/remote_backend.h"

namespace paraphe::cli {
namespace json = boost::json;

namespace {

// A ledger directory on this machine.
class LocalBackend : public Backend {
 public:
  explicit LocalBackend(std::unique_ptr<ledger::Ledger> ledger)
      : ledger_(std::move(ledger)) {}

  Result<json::object> Submit(const std::string& jws) override {
    PARAPHE_ASSIGN_OR_RETURN(ledger::Receipt r, ledger_->Submit(jws));
    return ledger_->ReceiptJson(r);
  }

  Result<uint64_t> ConventionVersion(const std::string& id) override {
    for (const auto& c : ledger_->ListConventions()) {
      const auto& o = c.as_object();
      if (const auto* cid = o.if_contains("convention");
          cid && cid->is_string() && cid->get_string() == id) {
        if (const auto* v = o.if_contains("version"); v && v->is_number()) {
          return v->to_number<uint64_t>();
        }
      }
    }
    return uint64_t{0};
  }

  Result<json::array> Conventions() override {
    return ledger_->ListConventions();
  }

  Result<json::value> State(const std::string& id,
                            const ledger::AsOf& as_of) override {
    return ledger_->StateJson(id, as_of);
  }

  Result<json::array> History(const std::string& id) override {
    PARAPHE_ASSIGN_OR_RETURN(std::vector<ledger::Record> records,
                             ledger_->History(id));
    json::array out;
    for (const auto& r : records) {
      PARAPHE_ASSIGN_OR_RETURN(json::object o, ledger_->RecordJson(r));
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<json::object> Payments(const std::string& id) override {
    return ledger_->PaymentsJson(id);
  }

  Result<std::string> Checkpoint() override { return ledger_->Checkpoint(); }
  Result<std::string> VerifierKey() override { return ledger_->verifier_key(); }

  Result<ledger::ProofResult> Inclusion(uint64_t seq,
                                        uint64_t tree_size) override {
    return ledger_->ProveInclusion(seq, tree_size);
  }
  Result<ledger::ProofResult> Consistency(uint64_t from, uint64_t to) override {
    return ledger_->ProveConsistency(from, to);
  }
  Status Export(std::ostream& out,
                const ledger::BundleProgress& progress) override {
    return ledger::WriteBundle(*ledger::MakeLedgerSource(*ledger_, "ledger"), out, progress);
  }

 private:
  std::unique_ptr<ledger::Ledger> ledger_;
};

}  // namespace

Result<std::unique_ptr<Backend>> Backend::Open(const Source& source,
                                               bool write) {
  if (!source.server.empty()) {
    return OpenRemoteBackend(source.server, source.token_file);
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(source.data, ec)) {
    return NotFound("no ledger at " + source.data.string() +
                    " (create one with `paraphe init --data " +
                    source.data.string() + "` or pass --data DIR)");
  }
  ledger::LedgerOptions options;
  options.read_only = !write;
  options.check = ledger::IntegrityCheck::kTail;
  auto opened = ledger::Ledger::Open(source.data, options);
  if (!opened.ok()) {
    return opened.status().WithContext("opening " + source.data.string());
  }
  std::unique_ptr<Backend> backend =
      std::make_unique<LocalBackend>(std::move(opened).value());
  return backend;
}

}  // namespace paraphe::cli
