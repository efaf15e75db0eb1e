// `paraphe verify`: opens the chosen source, runs ledger::VerifyLog and
// prints its result. The checks themselves are in ledger/verify.h.
#include <fmt/core.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/verify.h"
#include "tools/paraphe/commands.h"
#include "tools/paraphe/event_builder.h"
#include "tools/paraphe/log_trust.h"
#include "tools/paraphe/output.h"

namespace paraphe::cli {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr char kUnpinnedWarning[] =
    "no trusted verifier key was given: the key found in the data was "
    "trusted, which proves internal consistency only; pin the ledger's key "
    "with --trusted-key or --trusted-key-file";
constexpr char kUnpinnedRefusal[] =
    "no pinned verifier key: pass --trusted-key VKEY (obtained "
    "independently) or --insecure-unpinned to check internal consistency "
    "only";

// Whether `since` names an audit state, which pins the key it was saved
// with (a bare checkpoint does not).
bool SincePinsAKey(const std::string& since) {
  if (since.empty()) return false;
  std::ifstream in(since, std::ios::binary);
  if (!in) return false;  // the verifier reports the unreadable file
  std::stringstream text;
  text << in.rdbuf();
  return ledger::DecodeAuditState(text.str()).ok();
}

// Refuses an unpinned run before anything is read or saved.
int RefuseUnpinned(bool json_output) {
  std::fflush(stdout);
  std::fprintf(stderr, "paraphe: not verified: %s\n", kUnpinnedRefusal);
  if (json_output) {
    PrintJson(json::object{
        {"ok", false},
        {"pinned", false},
        {"error", json::object{{"code", "unpinned"},
                               {"rule", ""},
                               {"message", kUnpinnedRefusal}}}});
  }
  return kExitUnpinned;
}

// The pinned key: the string, or the first line of the file.
Result<std::optional<std::string>> TrustedKey(const VerifyFlags& f) {
  if (!f.trusted_key.empty()) return std::optional<std::string>(f.trusted_key);
  if (f.trusted_key_file.empty()) return std::optional<std::string>();
  std::ifstream in(f.trusted_key_file, std::ios::binary);
  if (!in) {
    return NotFound("--trusted-key-file: cannot read " + f.trusted_key_file +
                    ": " + std::strerror(errno));
  }
  std::string key;
  std::getline(in, key);
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) {
    key.pop_back();
  }
  return std::optional<std::string>(key);
}

// A pinned public key: base64url of the 32 raw bytes (the registry's form),
// or a PEM file holding a public or private key. kInvalidArgument naming
// the option.
Result<crypto::PublicKey> PinnedKey(const std::string& text, std::string_view option) {
  std::error_code ec;
  Result<crypto::PublicKey> key = InvalidArgument("empty");
  if (!text.empty() && fs::is_regular_file(text, ec)) {
    PARAPHE_ASSIGN_OR_RETURN(std::string pem, ReadFile(text));
    key = crypto::PublicKey::FromPem(pem);
  } else {
    key = crypto::PublicKey::FromBase64Url(text);
  }
  if (!key.ok()) {
    return InvalidArgument(std::string(option) + " \"" + text.substr(0, 64) +
                           "\": not a public key (base64url of 32 bytes, or a PEM file): " +
                           key.status().message());
  }
  return key;
}

Status AddPins(const VerifyFlags& f, ledger::VerifyOptions& options) {
  for (const std::string& k : f.operator_keys) {
    PARAPHE_ASSIGN_OR_RETURN(crypto::PublicKey key, PinnedKey(k, "--operator-key"));
    options.operator_keys.push_back(key);
  }
  for (const std::string& pk : f.party_keys) {
    const size_t eq = pk.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgument("--party-key \"" + pk.substr(0, 64) + "\": expected PARTY=KEY");
    }
    PARAPHE_ASSIGN_OR_RETURN(crypto::PublicKey key,
                             PinnedKey(pk.substr(eq + 1), "--party-key"));
    options.party_keys.emplace(pk.substr(0, eq), key);
  }
  return Status::Ok();
}

Status WriteReport(const std::string& file, const std::string& html) {
  const std::string tmp = file + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << html;
    out.close();
    if (!out) return Unavailable("cannot write " + tmp + ": " + std::strerror(errno));
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Unavailable("renaming " + tmp + " to " + file + ": " + ec.message());
  }
  return Status::Ok();
}

void PrintHuman(const ledger::VerifyResult& r) {
  fmt::print("Source:      {}\n", DisplayText(r.source));
  fmt::print("Origin:      {}\n", DisplayText(r.origin));
  fmt::print("Trusted key: {}{}\n", DisplayText(r.verifier_key),
             r.trusted_from_data ? "  (UNPINNED: taken from the data)" : "");
  fmt::print("Checkpoint:  size {}\n", r.tree_size);
  fmt::print("Pinned:      {} operator key(s), {} party key(s)\n", r.pinned_operator_keys,
             r.pinned_party_keys);
  std::string mode = r.mode;
  if (r.since_size) mode += fmt::format(" (since size {})", *r.since_size);
  fmt::print("Mode:        {}, records {} to {}\n", mode, r.start,
             r.start + r.records);
  fmt::print("Signatures:  {} checked; {} event(s) replayed by the rules\n",
             r.signatures_checked, r.events_replayed);
  if (!r.conventions.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [id, c] : r.conventions) {
      rows.push_back({id, std::to_string(c.events), std::to_string(c.accepted),
                      std::to_string(c.failures), std::to_string(c.version)});
    }
    std::fputs("\n", stdout);
    std::fputs(FormatTable({"CONVENTION", "EVENTS", "ACCEPTED", "FAILURES",
                            "VERSION"},
                           rows)
                   .c_str(),
               stdout);
  }
  for (const auto& n : r.notes) fmt::print("note: {}\n", DisplayText(n));
  if (!r.failures.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : r.failures) {
      rows.push_back({f.seq ? std::to_string(*f.seq) : "-",
                      f.convention.empty() ? "-" : f.convention, f.property,
                      f.detail});
    }
    fmt::print("\n{} FAILURE(S){}:\n", r.failures_total,
               r.failures_total > r.failures.size()
                   ? fmt::format(" (first {} shown)", r.failures.size())
                   : "");
    std::fputs(FormatTable({"SEQ", "CONVENTION", "PROPERTY", "DETAIL"}, rows)
                   .c_str(),
               stdout);
  }
  fmt::print("\n{}\n", r.ok() ? "OK: every check holds"
                              : "FAILED: the log does not verify");
  fmt::print("verified {} record(s) in {:.3f} s ({:.0f} records/s)\n",
             r.records, r.seconds, r.records_per_second);
}

}  // namespace

int RunVerify(const VerifyFlags& f) {
  auto key = TrustedKey(f);
  if (!key.ok()) return ReportError(key.status(), f.json);
  if (!key->has_value() && !f.insecure_unpinned && !SincePinsAKey(f.since)) {
    return RefuseUnpinned(f.json);
  }
  auto source = OpenVerifySource(f.data, f.bundle, f.server, f.token_file);
  if (!source.ok()) return ReportError(source.status(), f.json);

  ledger::VerifyOptions options;
  options.trusted_vkey = *key;
  if (Status pins = AddPins(f, options); !pins.ok()) return ReportError(pins, f.json);
  if (!f.since.empty()) options.since = f.since;
  if (!f.save_state.empty()) options.save_state = f.save_state;
  options.threads = f.threads;
  options.collect_details = !f.report.empty();
  ProgressBar bar("verify", 0);
  options.progress = [&bar](uint64_t done, uint64_t total) {
    bar.SetTotal(total);
    bar.Update(done);
  };
  auto result = ledger::VerifyLog(**source, options);
  bar.Finish();
  if (!result.ok()) return ReportError(result.status(), f.json);
  const ledger::VerifyResult& r = *result;
  // The verifier fell back on the data's own key (a `since` that pins
  // nothing): refused unless asked for.
  if (r.trusted_from_data && !f.insecure_unpinned) return RefuseUnpinned(f.json);

  if (r.trusted_from_data) {
    std::fflush(stdout);
    std::fprintf(stderr, "paraphe: WARNING: %s\n", kUnpinnedWarning);
  }
  Status report_status = Status::Ok();
  if (!f.report.empty()) {
    report_status = WriteReport(f.report, ledger::RenderVerifyReportHtml(r));
  }
  if (f.json) {
    json::object o = r.ToJson();
    o["pinned"] = !r.trusted_from_data;
    if (r.trusted_from_data) o["warning"] = kUnpinnedWarning;
    o["report"] = f.report.empty() || !report_status.ok()
                      ? json::value(nullptr)
                      : json::value(f.report);
    PrintJson(o);
  } else {
    PrintHuman(r);
    if (!f.report.empty() && report_status.ok()) {
      std::fflush(stdout);
      std::fprintf(stderr, "paraphe: report written to %s\n", f.report.c_str());
    }
  }
  if (!report_status.ok()) return ReportError(report_status, false);
  if (!r.ok()) {
    std::fflush(stdout);
    std::fprintf(stderr, "paraphe: verification FAILED: %llu failure(s)\n",
                 static_cast<unsigned long long>(r.failures_total));
    return kExitRejected;
  }
  return kExitOk;
}

}  // namespace paraphe::cli
