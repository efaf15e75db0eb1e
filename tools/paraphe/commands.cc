#include "tools/paraphe/commands.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <utility>

#include "crypto/base64.h"
#include "crypto/ed25519.h"
#include "crypto/jws.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "crypto/sha256.h"
#include "ledger/ledger.h"
#include "ledger/record.h"
#include "tools/paraphe/log_trust.h"
#include "tools/paraphe/output.h"
#include "tools/paraphe/proof_check.h"

namespace paraphe::cli {
namespace json = boost::json;

// Early exit from a Run* function: reports the error and returns its code.
#define CLI_RETURN_IF_ERROR(c, expr)                          \
  do {                                                        \
    ::paraphe::Status cli_st_ = (expr);                       \
    if (!cli_st_.ok()) return ReportError(cli_st_, (c).json); \
  } while (0)
#define CLI_ASSIGN_OR_EXIT(c, lhs, expr) \
  CLI_ASSIGN_OR_EXIT_IMPL_(PARAPHE_CONCAT_(cli_r_, __LINE__), c, lhs, expr)
#define CLI_ASSIGN_OR_EXIT_IMPL_(r, c, lhs, expr)        \
  auto r = (expr);                                       \
  if (!r.ok()) return ReportError(r.status(), (c).json); \
  lhs = std::move(r).value()

namespace {

Result<json::value> ParseJsonText(std::string_view text,
                                  std::string_view what) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) {
    return InvalidArgument(std::string(what) + ": malformed JSON (" +
                           ec.message() + ")");
  }
  return v;
}

const json::value* Find(const json::value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  return v.get_object().if_contains(key);
}

std::string Str(const json::value& v, std::string_view key) {
  const json::value* f = Find(v, key);
  return f == nullptr ? "" : ScalarText(*f);
}

Result<crypto::NoteVerifier> Verifier(std::string_view vkey,
                                      std::string_view what = "verifier key") {
  auto v = crypto::NoteVerifier::FromVerifierKey(vkey);
  if (!v.ok()) {
    return InvalidArgument(std::string(what) + ": " + v.status().message());
  }
  return std::move(v).value();
}

// Verifies one inclusion proof object against a checkpoint signed by
// `verifier`. Returns the checkpoint's size.
// A proof without its own checkpoint uses `default_checkpoint` (the payments
// view carries the checkpoint once, beside its proofs).
Result<uint64_t> VerifyProofObject(const json::value& proof_json,
                                   const crypto::NoteVerifier& verifier,
                                   std::optional<uint64_t> expected_seq,
                                   const std::string& default_checkpoint) {
  PARAPHE_ASSIGN_OR_RETURN(ledger::ProofResult p,
                           ledger::InclusionProofFromJson(proof_json));
  if (p.checkpoint.empty()) p.checkpoint = default_checkpoint;
  if (p.checkpoint.empty()) return DataLoss("the proof carries no checkpoint");
  auto cp = crypto::OpenCheckpoint(verifier, p.checkpoint,
                                   {.size = p.tree_size, .root = p.root});
  if (!cp.ok()) return DataLoss("the proof's " + cp.status().message());
  if (!p.leaf_data.empty() && crypto::LeafHash(p.leaf_data) != p.leaf_hash) {
    return DataLoss("leaf_hash is not the hash of leaf_data");
  }
  if (expected_seq && *expected_seq != p.index) {
    return DataLoss("the proof is for seq " + std::to_string(p.index) +
                    ", not " + std::to_string(*expected_seq));
  }
  Status st = crypto::VerifyInclusion(p.index, cp->size, p.leaf_hash, p.proof,
                                      cp->root);
  if (!st.ok()) return DataLoss("inclusion: " + st.message());
  return cp->size;
}

bool LooksLikeInclusionProof(const json::value& v) {
  return v.is_object() && v.get_object().contains("leaf_hash") &&
         v.get_object().contains("proof") && v.get_object().contains("index");
}

std::optional<uint64_t> SeqOf(const json::object& o) {
  const json::value* s = o.if_contains("seq");
  if (s != nullptr &&
      (s->is_uint64() || (s->is_int64() && s->get_int64() >= 0))) {
    return s->to_number<uint64_t>();
  }
  return std::nullopt;
}

struct ProofTally {
  uint64_t verified = 0;
  uint64_t failed = 0;
  uint64_t tree_size = 0;
  std::string first_failure;
};

// Replaces every inclusion proof in `v` by a verdict and tallies them.
void VerifyProofsIn(json::value& v, const crypto::NoteVerifier& verifier,
                    const std::string& checkpoint, ProofTally* tally,
                    bool annotate) {
  if (v.is_array()) {
    for (auto& e : v.get_array()) {
      VerifyProofsIn(e, verifier, checkpoint, tally, annotate);
    }
    return;
  }
  if (!v.is_object()) return;
  auto& o = v.get_object();
  for (auto& kv : o) {
    if (LooksLikeInclusionProof(kv.value())) {
      auto r = VerifyProofObject(kv.value(), verifier, SeqOf(o), checkpoint);
      if (r.ok()) {
        ++tally->verified;
        tally->tree_size = *r;
        if (annotate) {
          kv.value() = fmt::format(
              "verified (leaf {} in signed checkpoint of "
              "size {})",
              kv.value().at("index").to_number<uint64_t>(), *r);
        }
      } else {
        ++tally->failed;
        if (tally->first_failure.empty()) {
          tally->first_failure = r.status().message();
        }
        if (annotate) kv.value() = "FAILED: " + r.status().message();
      }
    } else {
      VerifyProofsIn(kv.value(), verifier, checkpoint, tally, annotate);
    }
  }
}

json::object InEnvelopeOrder(const json::object& e) {
  json::object o;
  for (const char* k :
       {"type", "convention", "expected_version", "date", "actor", "data"}) {
    if (const auto* v = e.if_contains(k)) o[k] = *v;
  }
  for (const auto& kv : e) {
    if (!o.contains(kv.key())) o[kv.key()] = kv.value();
  }
  return o;
}

void PrintReceipt(const json::object& r) {
  std::string out = fmt::format(
      "accepted: seq {}, convention {} now at version {}{}\n",
      DisplayText(Str(r, "seq")), DisplayText(Str(r, "convention")),
      DisplayText(Str(r, "version")),
      (r.contains("duplicate") && r.at("duplicate").is_bool() &&
       r.at("duplicate").get_bool())
          ? " (duplicate: already recorded)"
          : "");
  out += "  leaf hash:   " + DisplayText(Str(r, "leaf_hash")) + "\n";
  out += "  recorded at: " + DisplayText(Str(r, "recorded_at")) + "\n";
  if (const auto* p = r.if_contains("inclusion_proof")) {
    out += "  checkpoint:  tree size " + DisplayText(Str(*p, "tree_size")) +
           " (inclusion proof in --json)\n";
  }
  std::fputs(out.c_str(), stdout);
}

std::string TrimmedKeyArgument(const std::string& arg) {
  std::error_code ec;
  std::string v = arg;
  if (std::filesystem::is_regular_file(arg, ec)) {
    auto contents = ReadFile(arg);
    if (contents.ok()) v = *contents;
  }
  while (!v.empty() &&
         (v.back() == '\n' || v.back() == '\r' || v.back() == ' ')) {
    v.pop_back();
  }
  return v;
}

}  // namespace

// ---------------------------------------------------------------- init, keys

int RunInit(const Common& c, const std::string& origin, bool force) {
  ledger::InitOptions options;
  if (!origin.empty()) options.origin = origin;
  options.overwrite_keys = force;
  CLI_ASSIGN_OR_EXIT(c, ledger::InitResult r,
                     ledger::Ledger::Init(c.data, options));
  if (c.json) {
    PrintJson(json::object{{"data", c.data},
                           {"origin", options.origin},
                           {"verifier_key", r.verifier_key},
                           {"operator_kid", r.operator_kid},
                           {"operator_key_path", r.operator_key_path.string()},
                           {"ledger_key_path", r.ledger_key_path.string()}});
    return kExitOk;
  }
  fmt::print(
      "Created ledger {} in {}\n"
      "  verifier key:  {}\n"
      "  operator key:  {} (kid {})\n"
      "  ledger key:    {}\n"
      "Give the verifier key to auditors: they pin it to check checkpoints.\n",
      options.origin, c.data, r.verifier_key, r.operator_key_path.string(),
      r.operator_kid, r.ledger_key_path.string());
  return kExitOk;
}

namespace {
json::object KeyJson(const crypto::PublicKey& pub) {
  const std::string x = crypto::Base64UrlEncode(pub.raw());
  return json::object{
      {"kid", pub.Thumbprint()},
      {"public_key", x},
      {"jwk", json::object{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", x}}}};
}
void PrintKey(const Common& c, const crypto::PublicKey& pub) {
  if (c.json) {
    PrintJson(KeyJson(pub));
    return;
  }
  fmt::print("kid:        {}\npublic key: {}\n", pub.Thumbprint(),
             crypto::Base64UrlEncode(pub.raw()));
}
}  // namespace

int RunKeyGen(const Common& c, const std::string& out, bool force) {
  CLI_ASSIGN_OR_EXIT(c, crypto::PrivateKey key, crypto::PrivateKey::Generate());
  Status st = key.Save(out, force);
  if (st.code() == StatusCode::kConflict) {
    return ReportError(
        InvalidArgument(out + " already exists (pass --force to overwrite)"),
        c.json);
  }
  if (!st.ok()) {
    return ReportError(Unavailable("writing " + out + ": " + st.message()),
                       c.json);
  }
  if (!c.json) fmt::print("wrote {} (mode 0600)\n", out);
  PrintKey(c, key.public_key());
  return kExitOk;
}

int RunKeyShow(const Common& c, const std::string& file) {
  CLI_ASSIGN_OR_EXIT(c, std::string pem, ReadFile(file));
  auto pub = crypto::PublicKey::FromPem(pem);
  if (!pub.ok()) {
    return ReportError(InvalidArgument(file + ": not an Ed25519 PEM key (" +
                                       pub.status().message() + ")"),
                       c.json);
  }
  PrintKey(c, *pub);
  return kExitOk;
}

// ---------------------------------------------------------------- reads

int RunVerifierKey(const Common& c) {
  CLI_ASSIGN_OR_EXIT(c, auto backend, Backend::Open(c.source(), false));
  CLI_ASSIGN_OR_EXIT(c, std::string vkey, backend->VerifierKey());
  if (c.json) {
    PrintJson(json::object{{"verifier_key", vkey}});
  } else {
    fmt::print("{}\n", DisplayText(vkey));
  }
  return kExitOk;
}

int RunConventions(const Common& c) {
  CLI_ASSIGN_OR_EXIT(c, auto backend, Backend::Open(c.source(), false));
  CLI_ASSIGN_OR_EXIT(c, json::array list, backend->Conventions());
  if (c.json) {
    PrintJson(list);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : list) {
    rows.push_back({Str(e, "convention"), Str(e, "phase"), Str(e, "version"),
                    Str(e, "title")});
  }
  std::fputs(
      FormatTable({"CONVENTION", "PHASE", "VERSION", "TITLE"}, rows).c_str(),
      stdout);
  return kExitOk;
}

int RunStatus(const Common& c, const std::string& convention,
              std::optional<uint64_t> as_of_seq,
              const std::string& as_of_date) {
  ledger::AsOf as_of;
  as_of.seq = as_of_seq;
  if (!as_of_date.empty()) as_of.date = as_of_date;
  CLI_ASSIGN_OR_EXIT(c, auto backend, Backend::Open(c.source(), false));
  CLI_ASSIGN_OR_EXIT(c, json::value state, backend->State(convention, as_of));
  if (c.json) {
    PrintJson(state);
    return kExitOk;
  }
  std::string out = "Convention " + DisplayText(convention);
  if (as_of_seq) out += fmt::format(" as of seq {}", *as_of_seq);
  if (!as_of_date.empty()) out += " as of " + as_of_date;
  out += "\n";
  RenderTree(out, state, 1);
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

namespace {

std::optional<int64_t> MsOf(const json::value& r) {
  const json::value* v = Find(r, "recorded_at_ms");
  if (v == nullptr || !(v->is_int64() || v->is_uint64())) return std::nullopt;
  return v->to_number<int64_t>();
}

// The line a view prints above its rows: what was verified, or why not.
std::string TrustLine(const LogTrust& trust) {
  if (!trust.log_failure().empty()) {
    return "not verified (" + trust.log_failure() + ")";
  }
  return fmt::format(
      "verified by this run from the log content against the pinned key {} "
      "(checkpoint of size {})",
      trust.verifier_key(), trust.tree_size());
}

void ReportNotVerified(uint64_t count, std::string_view what) {
  std::fflush(stdout);
  std::fprintf(stderr,
               "paraphe: verification failed: %llu %s not verified with the "
               "pinned key\n",
               static_cast<unsigned long long>(count),
               DisplayText(what).c_str());
}

}  // namespace

int RunHistory(const Common& c, const std::string& convention,
               const std::string& trusted_key) {
  CLI_ASSIGN_OR_EXIT(c, auto backend, Backend::Open(c.source(), false));
  CLI_ASSIGN_OR_EXIT(c, json::array records, backend->History(convention));
  std::set<uint64_t> seqs;
  for (const auto& r : records) {
    if (r.is_object()) {
      if (auto s = SeqOf(r.get_object())) seqs.insert(*s);
    }
  }
  CLI_ASSIGN_OR_EXIT(c, LogTrust trust,
                     LogTrust::Check(c.source(), TrimmedKeyArgument(trusted_key),
                                     convention, seqs));

  uint64_t not_verified = 0;
  json::array out_json;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> reasons;  // per row, beyond the header line
  for (const auto& r : records) {
    const std::string jws_text = Str(r, "jws");
    const std::optional<uint64_t> seq_opt =
        r.is_object() ? SeqOf(r.get_object()) : std::nullopt;
    const std::optional<int64_t> ms = MsOf(r);
    const bool have_seq = seq_opt.has_value();
    const uint64_t seq = seq_opt.value_or(0);
    // What is shown is what the JWS says, not the source's parse of it.
    std::string kid = Str(r, "kid");
    json::value ev = Find(r, "event") ? *Find(r, "event") : json::value();
    if (auto jws = crypto::JwsParse(jws_text); jws.ok()) {
      kid = jws->kid;
      boost::system::error_code ec;
      json::value payload = json::parse(jws->payload, ec);
      if (!ec) ev = std::move(payload);
    }
    Verdict v{false, trust.log_failure()};
    if (trust.log_failure().empty()) {
      v = have_seq && ms ? trust.Record(seq, jws_text, *ms)
                         : Verdict{false, "the source's record has no seq or "
                                          "recorded_at_ms"};
      if (!v.verified) {
        reasons.push_back((have_seq ? "seq " + std::to_string(seq)
                                    : std::string("a record")) +
                          " not verified: " + v.reason);
      }
    }
    if (trust.pinned() && !v.verified) ++not_verified;
    const json::value* actor = Find(ev, "actor");
    std::string actor_text =
        actor != nullptr ? Str(*actor, "party") + "/" + Str(*actor, "role")
                         : "";
    json::object row;
    row["seq"] = Find(r, "seq") ? *Find(r, "seq") : json::value(nullptr);
    row["version"] =
        Find(r, "version") ? *Find(r, "version") : json::value(nullptr);
    row["recorded_at"] = Str(r, "recorded_at");
    row["date"] = Str(ev, "date");
    // Recording time minus business date, in days (docs/EVENTS.md).
    row["recording_lag_days"] = Find(r, "recording_lag_days")
                                    ? *Find(r, "recording_lag_days")
                                    : json::value(nullptr);
    row["type"] = Str(ev, "type");
    row["actor"] = actor != nullptr ? *actor : json::value(nullptr);
    row["kid"] = kid;
    row["leaf_hash"] = Str(r, "leaf_hash");
    row["verified"] = v.verified;
    row["reason"] = v.verified ? json::value(nullptr) : json::value(v.reason);
    row["event"] = ev;
    out_json.push_back(std::move(row));
    rows.push_back({Str(r, "seq"), Str(r, "recorded_at"), Str(ev, "date"),
                    Str(r, "recording_lag_days"), Str(ev, "type"), actor_text,
                    kid.size() > 12 ? kid.substr(0, 12) + "…" : kid,
                    v.verified ? "verified" : "not verified"});
  }
  // Events the log holds for this convention that the source did not list.
  const std::vector<uint64_t> omitted = trust.Omitted(seqs);
  std::string omitted_text;
  for (uint64_t s : omitted) {
    omitted_text += (omitted_text.empty() ? "" : ", ") + std::to_string(s);
  }
  if (c.json) {
    PrintJson(out_json);
  } else {
    std::string out = "History of convention " + DisplayText(convention) +
                      ": " + DisplayText(TrustLine(trust)) + "\n";
    out += FormatTable({"SEQ", "RECORDED (UTC)", "DATE", "LAG (DAYS)", "TYPE", "ACTOR",
                        "KEY", "CHECK"},
                       rows);
    for (const auto& reason : reasons) out += DisplayText(reason) + "\n";
    if (!omitted.empty()) {
      out += "the verified log holds event(s) of this convention that the "
             "source did not list: seq " +
             omitted_text +
             " (hidden, or recorded after the listing was read)\n";
    }
    out += fmt::format("{} event(s)", records.size());
    if (trust.pinned()) {
      out += fmt::format(", {} verified", records.size() - not_verified);
    }
    out += "\n";
    std::fputs(out.c_str(), stdout);
  }
  if (not_verified > 0 || !omitted.empty()) {
    if (not_verified > 0) ReportNotVerified(not_verified, "event(s)");
    if (!omitted.empty()) {
      std::fflush(stdout);
      std::fprintf(stderr,
                   "paraphe: verification failed: the source did not list "
                   "seq %s of this convention\n",
                   omitted_text.c_str());
    }
    return kExitRejected;
  }
  return kExitOk;
}

namespace {

// The seqs of the view's steps: objects with a "seq" and an
// "inclusion_proof" (an order, an execution, a suspension).
void StepSeqs(const json::value& v, std::set<uint64_t>* seqs) {
  if (v.is_array()) {
    for (const auto& e : v.get_array()) StepSeqs(e, seqs);
    return;
  }
  if (!v.is_object()) return;
  const auto& o = v.get_object();
  if (auto s = SeqOf(o); s && o.contains("inclusion_proof")) seqs->insert(*s);
  for (const auto& kv : o) StepSeqs(kv.value(), seqs);
}

// Marks each step of the view "verified" (with a null "reason") only when
// the log verified with the pinned key, the event at its seq passed every
// check, its proof's leaf is that event's record and every field the view
// shows for it (the step's and its mandat's) that the signed event also
// holds has the signed value. Returns the number of steps not verified.
// `human`: one "check" member, "verified" or "not verified (reason)".
uint64_t MarkSteps(json::value& v, const json::object* parent,
                   const LogTrust& trust, bool human) {
  uint64_t failed = 0;
  if (v.is_array()) {
    for (auto& e : v.get_array()) failed += MarkSteps(e, parent, trust, human);
    return failed;
  }
  if (!v.is_object()) return 0;
  auto& o = v.get_object();
  const std::optional<uint64_t> seq = SeqOf(o);
  if (seq && o.contains("inclusion_proof")) {
    std::optional<crypto::Hash> leaf_hash;
    auto proof = ledger::InclusionProofFromJson(o.at("inclusion_proof"));
    if (proof.ok()) leaf_hash = proof->leaf_hash;
    Verdict verdict = trust.Seq(*seq, leaf_hash);
    if (verdict.verified && !leaf_hash) {
      verdict = {false, "the step carries no readable inclusion proof"};
    }
    if (verdict.verified) {
      const json::value event =
          trust.SignedEvent(*seq).value_or(json::value());
      const json::value* data = Find(event, "data");
      auto check = [&](const json::object& fields) {
        for (const auto& kv : fields) {
          if (!verdict.verified) return;
          if (kv.key() == "seq" || kv.value().is_object() ||
              kv.value().is_array()) {
            continue;
          }
          const json::value* signed_value =
              kv.key() == "date" ? Find(event, "date")
              : data != nullptr  ? Find(*data, kv.key())
                                 : nullptr;
          if (signed_value != nullptr && json::serialize(*signed_value) !=
                                             json::serialize(kv.value())) {
            verdict = {false, "the view's " + std::string(kv.key()) +
                                  " is not the signed event's at seq " +
                                  std::to_string(*seq)};
          }
        }
      };
      if (parent != nullptr) check(*parent);
      check(o);
    }
    if (!verdict.verified) ++failed;
    if (human) {
      o["check"] = verdict.verified ? "verified"
                                    : "not verified (" + verdict.reason + ")";
    } else {
      o["verified"] = verdict.verified;
      o["reason"] = verdict.verified ? json::value(nullptr)
                                     : json::value(verdict.reason);
    }
    return failed;
  }
  for (auto& kv : o) failed += MarkSteps(kv.value(), &o, trust, human);
  return failed;
}

// In the human view a step's proof is replaced by its verdict.
void DropProofs(json::value& v) {
  if (v.is_array()) {
    for (auto& e : v.get_array()) DropProofs(e);
  } else if (v.is_object()) {
    v.get_object().erase("inclusion_proof");
    for (auto& kv : v.get_object()) DropProofs(kv.value());
  }
}

}  // namespace

int RunPayments(const Common& c, const std::string& convention,
                const std::string& trusted_key) {
  CLI_ASSIGN_OR_EXIT(c, auto backend, Backend::Open(c.source(), false));
  CLI_ASSIGN_OR_EXIT(c, json::object payments, backend->Payments(convention));
  const std::string vkey = TrimmedKeyArgument(trusted_key);
  std::set<uint64_t> seqs;
  StepSeqs(payments, &seqs);
  CLI_ASSIGN_OR_EXIT(c, LogTrust trust,
                     LogTrust::Check(c.source(), vkey, convention, seqs));

  json::value view = payments;
  const uint64_t steps_failed = MarkSteps(view, nullptr, trust, !c.json);
  // With a pinned key, each proof is checked too: the view's own
  // checkpoint and verifier key are not trusted, the checkpoint must verify
  // with the pinned key.
  ProofTally tally;
  if (trust.pinned()) {
    CLI_ASSIGN_OR_EXIT(c, crypto::NoteVerifier verifier,
                       Verifier(vkey, "trusted key (--trusted-key)"));
    std::string checkpoint;
    if (const auto* cp = payments.if_contains("checkpoint");
        cp && cp->is_string()) {
      checkpoint = std::string(cp->get_string());
    }
    VerifyProofsIn(view, verifier, checkpoint, &tally, /*annotate=*/!c.json);
  }
  const bool verified = trust.pinned() && trust.log_failure().empty() &&
                        steps_failed == 0 && tally.failed == 0;
  std::string statement;
  if (!trust.log_failure().empty()) {
    statement = "not verified (" + trust.log_failure() + ")";
  } else if (steps_failed > 0 || tally.failed > 0) {
    statement = fmt::format(
        "not verified: {} payment event(s) not verified{}", steps_failed,
        tally.failed > 0 ? fmt::format(", {} inclusion proof(s) FAILED: {}",
                                       tally.failed, tally.first_failure)
                         : std::string());
  } else if (seqs.empty()) {
    statement = "no recorded payment events to verify yet";
  } else {
    statement = fmt::format(
        "every payment event ({}) was verified by this run from the log "
        "content against the pinned key {}, and its inclusion in the "
        "checkpoint of size {}",
        seqs.size(), trust.verifier_key(), trust.tree_size());
  }
  if (c.json) {
    json::object out = std::move(view.get_object());
    out["verification"] = json::object{
        {"verified", verified},
        {"reason", verified ? json::value(nullptr)
                   : !trust.log_failure().empty()
                       ? json::value(trust.log_failure())
                       : json::value(statement)},
        {"pinned", trust.pinned()},
        {"proofs_verified", tally.verified},
        {"proofs_failed", tally.failed},
        {"tree_size", trust.tree_size()},
        {"verifier_key", trust.pinned() ? json::value(trust.verifier_key())
                                        : json::value(nullptr)},
        {"statement", statement}};
    PrintJson(out);
  } else {
    if (!trust.pinned()) DropProofs(view);
    view.get_object().erase("checkpoint");
    view.get_object().erase("verifier_key");
    std::string out = "Payments of convention " + DisplayText(convention) +
                      ": " + DisplayText(statement) + "\n";
    RenderTree(out, view, 1);
    out += "Verification: " + DisplayText(statement) + ".\n";
    std::fputs(out.c_str(), stdout);
  }
  if (trust.pinned() && !verified) {
    std::fflush(stdout);
    std::fprintf(stderr, "paraphe: verification failed: %s\n",
                 DisplayText(statement).c_str());
    return kExitRejected;
  }
  return kExitOk;
}

int RunCheckpoint(const Common& c) {
  CLI_ASSIGN_OR_EXIT(c, auto backend, Backend::Open(c.source(), false));
  CLI_ASSIGN_OR_EXIT(c, std::string cp, backend->Checkpoint());
  if (c.json) {
    json::object o{{"checkpoint", cp}};
    // What the checkpoint claims: printed, not verified (`proof check`
    // and `verify` open it with a pinned key).
    auto body = crypto::ReadCheckpointUnverified(cp);
    if (body.ok()) {
      o["origin"] = body->origin;
      o["tree_size"] = body->size;
      o["root"] = crypto::HashBase64(body->root);
    }
    PrintJson(o);
  } else {
    std::fputs(DisplayLines(cp).c_str(), stdout);
  }
  return kExitOk;
}

int RunProofInclusion(const Common& c, uint64_t seq, uint64_t tree_size) {
  CLI_ASSIGN_OR_EXIT(c, auto backend, Backend::Open(c.source(), false));
  CLI_ASSIGN_OR_EXIT(c, ledger::ProofResult p,
                     backend->Inclusion(seq, tree_size));
  if (c.json) {
    PrintJson(ledger::InclusionProofJson(p));
  } else {
    std::fputs(DisplayLines(ledger::InclusionProofText(p)).c_str(), stdout);
  }
  return kExitOk;
}

int RunProofConsistency(const Common& c, uint64_t from, uint64_t to) {
  CLI_ASSIGN_OR_EXIT(c, auto backend, Backend::Open(c.source(), false));
  CLI_ASSIGN_OR_EXIT(c, ledger::ProofResult p, backend->Consistency(from, to));
  json::object o = ledger::ConsistencyProofJson(p);
  if (c.json) {
    PrintJson(o);
  } else {
    std::string out =
        fmt::format("old size {}\nold root {}\nsize     {}\nroot     {}\n",
                    p.old_size, crypto::HashBase64(p.old_root), p.tree_size,
                    crypto::HashBase64(p.root));
    for (const auto& h : p.proof) out += crypto::HashBase64(h) + "\n";
    std::fputs(out.c_str(), stdout);
  }
  return kExitOk;
}

int RunProofCheck(const Common& c, const std::string& file,
                  const std::string& trusted_key, const std::string& leaf_data,
                  const std::string& leaf_hash) {
  if (leaf_data.empty() == leaf_hash.empty()) {
    return ReportError(
        InvalidArgument(
            "give exactly one of --leaf-data FILE or --leaf-hash B64"),
        c.json);
  }
  CLI_ASSIGN_OR_EXIT(c, std::string contents, ReadFile(file));
  const std::string vkey = TrimmedKeyArgument(trusted_key);
  CLI_RETURN_IF_ERROR(c,
                      Verifier(vkey, "trusted key (--trusted-key)").status());
  crypto::Hash leaf{};
  if (!leaf_data.empty()) {
    CLI_ASSIGN_OR_EXIT(c, std::string bytes, ReadFile(leaf_data));
    leaf = crypto::LeafHash(bytes);
  } else {
    auto raw = crypto::Base64Decode(leaf_hash);
    if (!raw.ok() || raw->size() != 32) {
      return ReportError(
          InvalidArgument("--leaf-hash: expected 32 bytes in standard base64"),
          c.json);
    }
    std::copy(raw->begin(), raw->end(), leaf.begin());
  }
  auto invalid = [&](const std::string& reason) {
    std::fflush(stdout);
    if (c.json) PrintJson(json::object{{"valid", false}, {"reason", reason}});
    std::fprintf(stderr, "paraphe: invalid proof: %s\n",
                 DisplayText(reason).c_str());
    return kExitRejected;
  };
  auto parsed = ParseInclusionProofFile(contents);
  if (!parsed.ok()) return invalid(file + ": " + parsed.status().message());
  auto checked = CheckInclusionProof(*parsed, vkey, leaf);
  if (!checked.ok()) return invalid(checked.status().message());
  if (c.json) {
    PrintJson(json::object{{"valid", true},
                           {"origin", checked->origin},
                           {"index", checked->index},
                           {"tree_size", checked->tree_size},
                           {"root", crypto::HashBase64(checked->root)},
                           {"leaf_hash", crypto::HashBase64(leaf)}});
  } else {
    fmt::print(
        "valid: leaf {} is included in the tree of size {} of {}, whose "
        "checkpoint is signed by the trusted key\n",
        checked->index, checked->tree_size, DisplayText(checked->origin));
  }
  return kExitOk;
}

// ---------------------------------------------------------------- writes

int RunSubmitEvent(const Common& c, const std::string& key_file,
                   json::object event) {
  CLI_ASSIGN_OR_EXIT(c, crypto::PrivateKey key, LoadKey(key_file));
  const json::value* conv = event.if_contains("convention");
  if (conv == nullptr || !conv->is_string() || conv->get_string().empty()) {
    return ReportError(
        InvalidArgument("the event has no \"convention\" (give --convention)"),
        c.json);
  }
  CLI_ASSIGN_OR_EXIT(c, auto backend, Backend::Open(c.source(), true));
  const std::string convention(conv->get_string());
  const json::value* type = event.if_contains("type");
  const bool registration =
      type && type->is_string() && type->get_string() == "ConventionRegistered";
  if (!registration) {
    // Named by the user: an unknown convention is an input error (exit 2),
    // reported before the ledger looks for the signer's key in it.
    CLI_ASSIGN_OR_EXIT(c, uint64_t version,
                       backend->ConventionVersion(convention));
    if (version == 0) {
      return ReportError(NotFound("unknown convention \"" + convention +
                                  "\" (`paraphe conventions` lists them)"),
                         c.json);
    }
    if (!event.contains("expected_version"))
      event["expected_version"] = version;
  } else if (!event.contains("expected_version")) {
    event["expected_version"] = 0;
  }
  const std::string payload = json::serialize(InEnvelopeOrder(event));
  const std::string jws = crypto::JwsSign(payload, key);
  CLI_ASSIGN_OR_EXIT(c, json::object receipt, backend->Submit(jws));
  if (c.json) {
    PrintJson(receipt);
  } else {
    PrintReceipt(receipt);
  }
  return kExitOk;
}

int RunSubmitFile(const Common& c, const std::string& key_file,
                  const std::string& event_file) {
  CLI_ASSIGN_OR_EXIT(c, std::string text, ReadFile(event_file));
  CLI_ASSIGN_OR_EXIT(c, json::value v, ParseJsonText(text, event_file));
  if (!v.is_object()) {
    return ReportError(
        InvalidArgument(event_file + ": an event is a JSON object"), c.json);
  }
  return RunSubmitEvent(c, key_file, std::move(v.get_object()));
}

int RunRegister(const Common& c, const std::string& key_file,
                const std::string& file, const std::string& convention,
                const std::string& date) {
  CLI_ASSIGN_OR_EXIT(c, std::string text, ReadFile(file));
  CLI_ASSIGN_OR_EXIT(c, json::value v, ParseJsonText(text, file));
  if (!v.is_object()) {
    return ReportError(InvalidArgument(file + ": expected a JSON object"),
                       c.json);
  }
  json::object& o = v.get_object();
  if (o.contains("type")) {  // already a whole event
    if (!convention.empty()) o["convention"] = convention;
    if (!date.empty()) o["date"] = date;
    return RunSubmitEvent(c, key_file, std::move(o));
  }
  json::object data = o;
  std::string conv = convention;
  // A registration file may name its convention beside its data.
  for (const char* k : {"convention", "id"}) {
    if (const auto* id = data.if_contains(k); id && id->is_string()) {
      if (conv.empty()) conv = std::string(id->get_string());
      data.erase(k);
    }
  }
  if (const auto* d = data.if_contains("data"); d && d->is_object()) {
    data = d->get_object();
  }
  if (conv.empty()) {
    return ReportError(
        InvalidArgument("which convention? give --convention ID"), c.json);
  }
  Envelope env{"ConventionRegistered", conv, date, "operator", "operator", 0};
  return RunSubmitEvent(c, key_file, BuildEvent(env, std::move(data)));
}

// ---------------------------------------------------------------- export

int RunExport(const Common& c, const std::string& out) {
  CLI_ASSIGN_OR_EXIT(c, auto backend, Backend::Open(c.source(), false));
  const bool to_stdout = out == "-";
  const std::string tmp = out + ".partial";
  std::ofstream file;
  if (!to_stdout) {
    file.open(tmp, std::ios::binary | std::ios::trunc);
    if (!file) {
      return ReportError(
          Unavailable("cannot write " + tmp + ": " + std::strerror(errno)),
          c.json);
    }
  }
  std::ostream& stream = to_stdout ? std::cout : file;
  ProgressBar bar("export", 0);
  uint64_t total = 0;
  Status st = backend->Export(stream, [&](uint64_t done, uint64_t all) {
    total = all;
    bar.SetTotal(all);
    bar.Update(done);
  });
  bar.Finish();
  if (to_stdout) {
    std::cout.flush();
    return st.ok() ? kExitOk : ReportError(st, c.json);
  }
  file.close();
  if (st.ok() && !file)
    st = Unavailable("writing " + tmp + " failed (disk full?)");
  if (st.ok()) {
    // Durable before it takes its name.
    int fd = ::open(tmp.c_str(), O_RDONLY);
    if (fd < 0 || ::fsync(fd) != 0)
      st = Unavailable("syncing " + tmp + " failed");
    if (fd >= 0) ::close(fd);
  }
  std::error_code ec;
  if (st.ok()) {
    std::filesystem::rename(tmp, out, ec);
    if (ec)
      st = Unavailable("renaming " + tmp + " to " + out + ": " + ec.message());
  }
  if (!st.ok()) {
    std::filesystem::remove(tmp, ec);
    return ReportError(st, c.json);
  }
  if (c.json) {
    PrintJson(json::object{{"out", out}, {"records", total}});
  } else {
    fmt::print("exported {} record(s) to {}\n", total, out);
  }
  return kExitOk;
}

}  // namespace paraphe::cli
