// Ledger::Impl: shared by ledger.cc (open, submit, state) and
// ledger_views.cc (JSON views). Private to ledger/.
#pragma once

#include <map>
#include <optional>
#include <memory>
#include <shared_mutex>
#include <string>

#include "ledger/domain/event.h"
#include "ledger/domain/rules.h"
#include "ledger/domain/state.h"
#include "ledger/ledger.h"

namespace paraphe::ledger {

class Ledger::Impl {
 public:
  std::filesystem::path dir;
  LedgerOptions options;
  std::unique_ptr<Log> log;

  // The ledger stream's registry (genesis, operator keys), replayed at Open
  // and published after each durable batch. Guarded by mu.
  std::shared_ptr<const LedgerState> ledger_state;
  // The registry as changed by the batch being built (writer thread only).
  std::optional<LedgerState> staged_ledger;
  std::shared_ptr<const LedgerState> Trust() const;

  // Current state of conventions: a cache of replay, published after each
  // durable batch. Guarded by mu.
  mutable std::shared_mutex mu;
  mutable std::map<std::string, std::shared_ptr<const ConventionState>, std::less<>>
      committed;
  // States changed by the batch being built (writer thread only).
  std::map<std::string, ConventionState, std::less<>> staged;

  // The current state, from the cache or rebuilt from the latest snapshot
  // plus the records after it. Empty state (version 0) for an unknown id.
  Result<std::shared_ptr<const ConventionState>> Current(std::string_view id) const;
  // Replays the stream up to and including max_version, starting from the
  // latest snapshot at or below it when use_snapshot.
  Result<ConventionState> Rebuild(std::string_view id, uint64_t max_version,
                                  bool use_snapshot) const;
  // Applies one stored record during replay, with the ledger's registry;
  // kDataLoss if the rules refuse it.
  Status ReplayOne(ConventionState& state, const Record& r,
                   const LedgerState& ledger) const;
  // Replays the ledger stream (at Open).
  Result<LedgerState> RebuildLedgerState() const;

  // Writer-thread check for one append (a convention's or the ledger
  // stream's), against the states staged by the batch so far.
  Status Check(const Event& event, const std::string& kid, uint64_t seq,
               int64_t recorded_at_ms);
  const LedgerState& StagedLedger() const;
  void BeforeWrite(BatchWriter& w);
  void Committed();
  void Aborted();

  // Today's business date in Paris by the ledger's clock.
  Date Today() const;
};

}  // namespace paraphe::ledger
