// Ledger: proofs and the JSON views shared by the CLI and the server.
#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/jws.h"
#include "ledger/domain/calendar.h"
#include "ledger/domain/state.h"
#include "ledger/internal/ledger_impl.h"
#include "ledger/ledger.h"

namespace paraphe::ledger {

namespace json = boost::json;

namespace {
json::array HashArray(const std::vector<crypto::Hash>& hashes) {
  json::array a;
  a.reserve(hashes.size());
  for (const auto& h : hashes) a.push_back(json::string(crypto::HashBase64(h)));
  return a;
}
}  // namespace

json::object InclusionProofJson(const ProofResult& p) {
  return json::object{{"index", p.index},
                      {"tree_size", p.tree_size},
                      {"root", crypto::HashBase64(p.root)},
                      {"leaf_hash", crypto::HashBase64(p.leaf_hash)},
                      {"leaf_data", crypto::Base64Encode(p.leaf_data)},
                      {"proof", HashArray(p.proof)},
                      {"checkpoint", p.checkpoint}};
}

json::object ConsistencyProofJson(const ProofResult& p) {
  return json::object{{"old_size", p.old_size},
                      {"old_root", crypto::HashBase64(p.old_root)},
                      {"tree_size", p.tree_size},
                      {"root", crypto::HashBase64(p.root)},
                      {"proof", HashArray(p.proof)}};
}

std::string InclusionProofText(const ProofResult& p) {
  std::string out =
      "c2sp.org/tlog-proof@v1\nindex " + std::to_string(p.index) + "\n";
  for (const auto& h : p.proof) out += crypto::HashBase64(h) + "\n";
  out += "\n";
  out += p.checkpoint;
  return out;
}

Result<ProofResult> Ledger::ProveInclusion(uint64_t seq,
                                           uint64_t tree_size) const {
  const Log& log = *impl_->log;
  ProofResult p;
  p.index = seq;
  p.tree_size = tree_size == 0 ? log.size() : tree_size;
  if (p.tree_size == 0) return NotFound("the log is empty");
  PARAPHE_ASSIGN_OR_RETURN(p.proof, log.InclusionProof(seq, p.tree_size));
  PARAPHE_ASSIGN_OR_RETURN(Record r, log.Get(seq));
  p.leaf_data = r.LeafBytes();
  p.leaf_hash = crypto::LeafHash(p.leaf_data);
  PARAPHE_ASSIGN_OR_RETURN(p.root, log.Root(p.tree_size));
  auto cp = log.CheckpointAt(p.tree_size);
  if (cp.ok()) p.checkpoint = *cp;
  return p;
}

Result<ProofResult> Ledger::ProveConsistency(uint64_t from, uint64_t to) const {
  const Log& log = *impl_->log;
  ProofResult p;
  p.old_size = from;
  p.tree_size = to;
  PARAPHE_ASSIGN_OR_RETURN(p.proof, log.ConsistencyProof(from, to));
  PARAPHE_ASSIGN_OR_RETURN(p.old_root, log.Root(from));
  PARAPHE_ASSIGN_OR_RETURN(p.root, log.Root(to));
  auto cp = log.CheckpointAt(to);
  if (cp.ok()) p.checkpoint = *cp;
  return p;
}

json::array Ledger::ListConventions() const {
  json::array out;
  Date today = impl_->Today();
  for (const std::string& id : impl_->log->Streams()) {
    if (id == kLedgerStream) continue;  // the ledger's own stream
    auto state = impl_->Current(id);
    json::object o{{"convention", id}};
    if (state.ok() && (*state)->version > 0) {
      o["title"] = (*state)->title;
      o["phase"] = Phase(**state, today);
      o["version"] = (*state)->version;
    } else {
      o["error"] = state.ok() ? "empty" : state.status().ToString();
    }
    out.push_back(std::move(o));
  }
  return out;
}

Result<json::object> Ledger::ReceiptJson(const Receipt& receipt) const {
  json::object o;
  o["seq"] = receipt.seq;
  o["convention"] = receipt.stream;
  o["version"] = receipt.version;
  o["leaf_hash"] = crypto::HashBase64(receipt.leaf_hash);
  o["recorded_at"] = FormatTimestampMs(receipt.recorded_at_ms);
  o["duplicate"] = receipt.duplicate;
  o["checkpoint"] = receipt.checkpoint;
  auto proof = ProveInclusion(receipt.seq, receipt.tree_size);
  if (!proof.ok()) {
    // The writer may call back a moment before size() covers the batch.
    WaitForGrowth(receipt.tree_size - 1, std::chrono::seconds(2));
    proof = ProveInclusion(receipt.seq, receipt.tree_size);
  }
  if (!proof.ok()) return proof.status();
  o["inclusion_proof"] = InclusionProofJson(*proof);
  return o;
}

Result<json::object> Ledger::RecordJson(const Record& r) const {
  json::object o{{"seq", r.seq},
                 {"recorded_at", FormatTimestampMs(r.recorded_at_ms)},
                 {"recorded_at_ms", r.recorded_at_ms},
                 {"convention", r.stream},
                 {"version", r.version},
                 {"leaf_hash", crypto::HashBase64(r.LeafHash())},
                 {"jws", r.jws}};
  auto jws = crypto::JwsParse(r.jws);
  if (!jws.ok()) {
    return DataLoss("seq " + std::to_string(r.seq) +
                    " holds a malformed JWS: " + jws.status().message());
  }
  o["kid"] = jws->kid;
  boost::system::error_code ec;
  json::value payload = json::parse(jws->payload, ec);
  if (ec)
    return DataLoss("seq " + std::to_string(r.seq) +
                    " holds a payload that is not JSON");
  // Recording time minus business date, in Paris days (docs/EVENTS.md).
  if (const json::value* d = payload.is_object() ? payload.get_object().if_contains("date")
                                                 : nullptr;
      d != nullptr && d->is_string()) {
    if (auto date = Date::Parse(d->get_string()); date.ok()) {
      o["recording_lag_days"] = RecordingLagDays(*date, r.recorded_at_ms);
    }
  }
  o["event"] = std::move(payload);
  return o;
}

Result<json::object> Ledger::PaymentsJson(std::string_view convention) const {
  PARAPHE_ASSIGN_OR_RETURN(ConventionState s, State(convention));
  const Log& log = *impl_->log;
  uint64_t tree_size = log.size();
  PARAPHE_ASSIGN_OR_RETURN(std::string checkpoint, log.Checkpoint());

  auto step = [&](uint64_t seq, const Date& date) -> Result<json::object> {
    auto proof = ProveInclusion(seq, tree_size);
    if (!proof.ok()) return proof.status();
    proof->checkpoint.clear();  // the view carries the checkpoint once
    return json::object{{"seq", seq},
                        {"date", date.ToString()},
                        {"inclusion_proof", InclusionProofJson(*proof)}};
  };

  Date today = impl_->Today();
  json::array installments;
  for (size_t i = 0; i < s.installments.size(); ++i) {
    installments.push_back(
        json::object{{"index", i},
                     {"amount_cents", s.installments[i].amount_cents},
                     {"trigger", s.installments[i].trigger}});
  }
  json::array mandats;
  for (const Mandat& m : s.mandats) {
    std::string status = m.executed    ? "paid"
                         : m.suspended ? "suspended"
                                       : "ordered";
    json::object o{{"exercice", m.exercice},
                   {"mandat", m.number},
                   {"bordereau", m.bordereau},
                   {"payee", m.payee},
                   {"amount_cents", m.amount_cents},
                   {"installment", m.installment},
                   {"status", status}};
    PARAPHE_ASSIGN_OR_RETURN(o["ordered"], step(m.ordered_seq, m.ordered_date));
    if (m.executed && m.executed_seq && m.executed_date) {
      PARAPHE_ASSIGN_OR_RETURN(json::object ex,
                               step(*m.executed_seq, *m.executed_date));
      ex["bank_reference"] = m.bank_reference;
      o["executed"] = std::move(ex);
    }
    if (m.suspended && m.suspended_seq && m.suspended_date) {
      PARAPHE_ASSIGN_OR_RETURN(json::object su,
                               step(*m.suspended_seq, *m.suspended_date));
      su["reason"] = m.suspension_reason;
      o["suspended"] = std::move(su);
    }
    mandats.push_back(std::move(o));
  }
  return json::object{{"convention", s.id},
                      {"currency", s.currency},
                      {"amount_cents", s.amount_cents},
                      {"due_cents", DueCents(s, today)},
                      {"ordered_cents", OrderedCents(s)},
                      {"paid_cents", PaidCents(s)},
                      {"remaining_cents", s.amount_cents - PaidCents(s)},
                      {"installments", std::move(installments)},
                      {"mandats", std::move(mandats)},
                      {"tree_size", tree_size},
                      {"checkpoint", checkpoint},
                      {"verifier_key", log.verifier_key()}};
}

}  // namespace paraphe::ledger
