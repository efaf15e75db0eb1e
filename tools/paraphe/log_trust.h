// LogTrust: what the CLI's views (`history`, `payments`) may call
// "verified". Only what the CLI verified itself, from log content, against a
// pinned verifier key: the auditor's Verifier (ledger/verify.h) runs over the
// same source as the view (a ledger directory or a server), and a record of
// the view is verified only when the whole log verified with the pinned key,
// every check of that record held, and the view's record is byte for byte
// the leaf the verifier checked. Without a pinned key nothing is verified,
// and every verdict says why (kNoPinnedKey). No signature or key-registry
// check is done here: the verifier does them all.
//
// Cost: a view with a pinned key verifies the whole log, O(log size), like
// `paraphe verify` (a per-convention dossier is left to a later issue).
//
// Thread-safety: a LogTrust is used from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "crypto/status.h"
#include "ledger/verify.h"
#include "tools/paraphe/backend.h"

namespace paraphe::cli {

// The reason every verdict gives when no key was pinned.
inline constexpr char kNoPinnedKey[] = "no pinned key: pass --trusted-key";

// The source `paraphe verify` reads (exactly one of bundle, server, or the
// ledger directory `data`, default ./paraphe-data). kNotFound for a missing
// directory; the errors of OpenBundleSource and OpenServerSource.
Result<std::unique_ptr<ledger::VerifySource>> OpenVerifySource(
    const std::string& data, const std::string& bundle,
    const std::string& server, const std::string& token_file);

struct Verdict {
  bool verified = false;
  std::string reason;  // why not; empty when verified
};

class LogTrust {
 public:
  // `trusted_key`: a C2SP vkey string. Without it (empty): nothing is verified, no verifier runs.
  // With it: runs the verifier over `source`, keeping the leaves at `seqs`
  // (the records the view will show). Errors: those of the verifier
  // (kInvalidArgument for a malformed key) and of opening the source.
  static Result<LogTrust> Check(const Source& source,
                                const std::string& trusted_key,
                                const std::string& convention,
                                const std::set<uint64_t>& seqs);

  bool pinned() const { return pinned_; }
  // The pinned key as the verifier read it (empty when not pinned).
  const std::string& verifier_key() const { return verifier_key_; }
  // The size of the checkpoint the verifier checked.
  uint64_t tree_size() const { return tree_size_; }
  // Empty when the whole log verified with the pinned key; otherwise why
  // not (kNoPinnedKey when no key was pinned).
  const std::string& log_failure() const { return log_failure_; }

  // The event of `convention` at `seq`: verified iff the whole log verified,
  // the verified log holds an event of this convention at `seq` and every
  // check of it held. `leaf_hash`, when given, must be that record's leaf
  // hash (an inclusion proof's).
  Verdict Seq(uint64_t seq,
              const std::optional<crypto::Hash>& leaf_hash = std::nullopt) const;
  // Seq, and the view's record (its JWS and recording time) must be byte
  // for byte the verified leaf.
  Verdict Record(uint64_t seq, std::string_view jws,
                 int64_t recorded_at_ms) const;
  // The signed event at `seq` (its JWS payload, parsed) when Seq(seq) is
  // verified; nullopt otherwise.
  std::optional<boost::json::value> SignedEvent(uint64_t seq) const;
  // The seqs of `convention`'s events in the verified log that `shown`
  // lacks (a source hiding events from a view); empty when not pinned.
  std::vector<uint64_t> Omitted(const std::set<uint64_t>& shown) const;

 private:
  bool pinned_ = false;
  std::string verifier_key_;
  uint64_t tree_size_ = 0;
  std::string log_failure_ = kNoPinnedKey;
  std::map<uint64_t, std::string> failures_;  // seq -> first failure
  std::map<uint64_t, bool> timeline_;         // convention's seq -> ok
  std::map<uint64_t, std::string> leaves_;    // the leaves asked for
};

}  // namespace paraphe::cli
