// The events paraphe-bench appends: valid, signed events built with the
// deterministic demo keys (seed = SHA-256("paraphe demo key " + name), as in
// `paraphe demo` and tests/ledger/demo_history.h), so that the ledger, the
// server and the PostgreSQL peer all receive the same bytes.
//
// A bench convention is the seed convention's registration (two parties,
// demo keys) under another id, followed by CommitteeDecision events: the
// cheapest valid event that any number of can follow a registration.
// Conventions are kept short (kEventsPerConvention) because replaying one
// event copies the convention's state, which grows with its history.
//
// Thread-safety: DemoKeys is immutable after first use; the functions are
// pure and may run on any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/status.h"
#include "ledger/domain/rules.h"
#include "ledger/ledger.h"

namespace paraphe::bench {

inline constexpr char kOrigin[] = "paraphe.bench/ledger";
// Events per ordinary bench convention, registration included.
inline constexpr uint64_t kEventsPerConvention = 32;

struct DemoKeys {
  crypto::PrivateKey op;
  crypto::PrivateKey metropole_signatory;
  crypto::PrivateKey committee;
  crypto::PrivateKey crpv_signatory;
  // kid -> public key of every key above, for verifiers outside the ledger.
  std::map<std::string, crypto::PublicKey> by_kid;
  static const DemoKeys& Get();
};

crypto::PrivateKey DemoKey(const std::string& name);

std::string ConventionId(const std::string& prefix, uint64_t i);
// The registration (expected_version 0) of a bench convention, signed by
// the operator.
std::string RegistrationJws(const std::string& convention);
// CommitteeDecision number `version` (>= 1; expected_version = version),
// signed by the committee key. Distinct for every (convention, version).
std::string CommitteeJws(const std::string& convention, uint64_t version);
std::string SampleCommitteeJws();

// Creates a ledger in dir (must not exist or be empty) whose operator key
// is the demo operator key.
Status InitBenchLedger(const std::filesystem::path& dir);

// Appends the JWS strings through ledger.SubmitAsync from `threads` threads
// (thread t submits lists[t] in order, with at most `window` in flight).
// For setup only (no timing); returns the first error.
Status SubmitLists(ledger::Ledger& ledger, const std::vector<std::vector<std::string>>& lists,
                   size_t window);

// Fast setup of a big log: registrations and committee events for
// conventions [0, count) of `prefix`, each with `events_per_convention`
// events, appended through the Log directly with sync = false. The events
// are valid (built and signed as above) but not re-verified, which halves
// the setup time; the replay and audit figures then check every one. Events
// are signed on all cores while they are appended.
Status AppendBigLog(const std::filesystem::path& dir, const std::string& prefix, uint64_t count,
                    uint64_t events_per_convention);

}  // namespace paraphe::bench
