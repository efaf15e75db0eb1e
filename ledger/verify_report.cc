// RenderVerifyReportHtml: the auditor's self-contained HTML report.
#include <cstdio>
#include <sstream>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "ledger/record.h"
#include "ledger/verify.h"

namespace paraphe::ledger {

namespace json = boost::json;

namespace {

std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// A JSON scalar as text; "" for null or absent.
std::string Text(const json::value* v) {
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_bool()) return v->get_bool() ? "yes" : "no";
  return json::serialize(*v);
}
std::string Field(const json::object& o, std::string_view k) { return Text(o.if_contains(k)); }

std::string Euros(int64_t cents) {
  const bool neg = cents < 0;
  uint64_t c = neg ? static_cast<uint64_t>(-(cents + 1)) + 1 : static_cast<uint64_t>(cents);
  std::string units = std::to_string(c / 100);
  std::string grouped;
  for (size_t i = 0; i < units.size(); ++i) {
    if (i > 0 && (units.size() - i) % 3 == 0) grouped += "\u202f";
    grouped += units[i];
  }
  char frac[8];
  std::snprintf(frac, sizeof frac, ",%02u", static_cast<unsigned>(c % 100));
  return (neg ? "-" : "") + grouped + frac + " €";
}

int64_t Cents(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return 0;
}

const json::array* Arr(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_array() ? &v->get_array() : nullptr;
}
const json::object* Obj(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

void Table(std::ostringstream& h, std::initializer_list<std::string_view> headers,
           const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) {
    h << "<p class=muted>none</p>\n";
    return;
  }
  h << "<table><tr>";
  for (auto c : headers) h << "<th>" << Esc(c) << "</th>";
  h << "</tr>\n";
  for (const auto& r : rows) {
    h << "<tr>";
    for (const auto& c : r) h << "<td>" << c << "</td>";
    h << "</tr>\n";
  }
  h << "</table>\n";
}

void Convention(std::ostringstream& h, const ConventionSummary& c) {
  h << "<section><h2>" << Esc(c.title.empty() ? c.id : c.title) << "</h2>\n";
  h << "<p><code>" << Esc(c.id) << "</code> — version " << c.version << ", " << c.events
    << " event(s) verified in this run, " << c.accepted << " accepted, " << c.failures
    << " failure(s)</p>\n";

  h << "<h3>Timeline</h3>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : c.timeline) {
    rows.push_back({std::to_string(t.seq), Esc(t.date), Esc(FormatTimestampMs(t.recorded_at_ms)),
                    std::to_string(t.recording_lag_days), Esc(t.party + " / " + t.role),
                    Esc(t.type), "<code>" + Esc(t.kid) + "</code>",
                    t.ok ? "<span class=ok>ok</span>" : "<span class=bad>FAILED</span>"});
  }
  Table(h, {"seq", "date", "recorded", "lag (days)", "actor", "event", "key id", "check"}, rows);

  if (!c.state.is_object()) {
    h << "</section>\n";
    return;
  }
  const json::object& s = c.state.get_object();
  h << "<p>Phase as of " << Esc(Field(s, "as_of")) << ": <b>" << Esc(Field(s, "phase"))
    << "</b>; in force from " << Esc(Field(s, "effective_date")) << " to "
    << Esc(Field(s, "end_date")) << "; document SHA-256 <code>" << Esc(Field(s, "document_sha256"))
    << "</code></p>\n";

  h << "<h3>Payments</h3>\n";
  if (const json::object* p = Obj(s, "payment")) {
    const int64_t agreed = Cents(*p, "agreed_cents"), paid = Cents(*p, "paid_cents");
    h << "<p>Contract amount <b>" << Esc(Euros(agreed)) << "</b>; ordered "
      << Esc(Euros(Cents(*p, "ordered_cents"))) << "; paid <b>" << Esc(Euros(paid))
      << "</b>; outstanding " << Esc(Euros(Cents(*p, "outstanding_cents"))) << " — "
      << (paid == agreed ? "<span class=ok>" : "<span class=warn>") << Esc(Field(*p, "status"))
      << "</span></p>\n";
    rows.clear();
    if (const json::array* ms = Arr(*p, "mandats")) {
      for (const auto& mv : *ms) {
        if (!mv.is_object()) continue;
        const json::object& m = mv.get_object();
        rows.push_back({Esc(Field(m, "exercice") + "/" + Field(m, "mandat")),
                        Esc(Euros(Cents(m, "amount_cents"))), Esc(Field(m, "payee")),
                        Esc(Field(m, "ordered_date")) + " (seq " + Esc(Field(m, "ordered_seq")) + ")",
                        Esc(Field(m, "executed_date")) +
                            (Field(m, "executed_seq").empty() ? "" : " (seq " + Esc(Field(m, "executed_seq")) + ")"),
                        Esc(Field(m, "bank_reference")), Esc(Field(m, "status"))});
      }
    }
    Table(h, {"mandat", "amount", "payee", "ordered", "executed", "bank reference", "status"}, rows);
  }

  h << "<h3>Amendments</h3>\n";
  rows.clear();
  if (const json::array* as = Arr(s, "amendments")) {
    for (const auto& av : *as) {
      if (!av.is_object()) continue;
      const json::object& a = av.get_object();
      const json::value* changes = a.if_contains("changes");
      rows.push_back({Esc(Field(a, "number")), Esc(changes ? json::serialize(*changes) : ""),
                      Esc(Field(a, "proposed_by")) + " " + Esc(Field(a, "proposed_date")),
                      std::to_string(Arr(a, "signatures") ? Arr(a, "signatures")->size() : 0),
                      Esc(Field(a, "effective_date"))});
    }
  }
  Table(h, {"no.", "changes", "proposed", "signatures", "effective"}, rows);

  h << "<h3>Letters and deadlines</h3>\n";
  rows.clear();
  if (const json::array* ls = Arr(s, "letters")) {
    for (const auto& lv : *ls) {
      if (!lv.is_object()) continue;
      const json::object& l = lv.get_object();
      std::string delivery;
      if (const json::object* d = Obj(l, "delivery")) {
        delivery = Field(*d, "outcome") + ", reference date " + Field(*d, "reference_date") +
                   " (" + Field(*d, "reference_basis") + ")";
      }
      rows.push_back({Esc(Field(l, "letter_id")), Esc(Field(l, "purpose")),
                      Esc(Field(l, "from_party") + " → " + Field(l, "to_party")),
                      Esc(Field(l, "deposit_date")), Esc(delivery)});
    }
  }
  Table(h, {"letter", "purpose", "from → to", "deposited", "delivery"}, rows);
  rows.clear();
  if (const json::array* ds = Arr(s, "disputes")) {
    for (const auto& dv : *ds) {
      if (!dv.is_object()) continue;
      const json::object& d = dv.get_object();
      rows.push_back({Esc(Field(d, "letter_id")), Esc(Field(d, "opened_by") + " vs " + Field(d, "against")),
                      Esc(Field(d, "amicable_end_raw")), Esc(Field(d, "amicable_end")),
                      Esc(Field(d, "status")), Esc(Field(d, "settled_date"))});
    }
  }
  h << "<h4>Disputes (Art. 6)</h4>\n";
  Table(h, {"letter", "parties", "amicable end (raw)", "amicable end", "status", "settled"}, rows);
  if (const json::object* t = Obj(s, "termination")) {
    h << "<h4>Termination (Art. 7)</h4>\n<p>Requested by " << Esc(Field(*t, "requested_by"))
      << " (letter " << Esc(Field(*t, "letter_id")) << "), effective "
      << Esc(Field(*t, "effective_date")) << (Field(*t, "superseded_by_expiry") == "yes"
                                                  ? " — superseded by expiry"
                                                  : "")
      << "</p>\n";
  }
  h << "</section>\n";
}

}  // namespace

std::string RenderVerifyReportHtml(const VerifyResult& r) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
    << "<title>Paraphe audit report — " << Esc(r.origin) << "</title>\n"
    << "<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}"
       "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;"
       "text-align:left;vertical-align:top}th{background:#f3f3f3}code,pre{font:12px monospace}"
       "pre{background:#f7f7f7;padding:.5em;overflow-x:auto}.ok{color:#060;font-weight:bold}"
       ".bad{color:#b00;font-weight:bold}.warn{color:#a60}.muted{color:#888}"
       ".verdict{font-size:1.4em;padding:.5em;border:2px solid}</style></head><body>\n";
  h << "<h1>Paraphe audit report</h1>\n";
  h << "<p class=\"verdict " << (r.ok() ? "ok" : "bad") << "\">"
    << (r.ok() ? "VERIFIED: no failure" : "NOT VERIFIED: " + std::to_string(r.failures_total) + " failure(s)")
    << "</p>\n";

  h << "<h2>Ledger</h2>\n<table>"
    << "<tr><th>source</th><td>" << Esc(r.source) << "</td></tr>"
    << "<tr><th>origin</th><td>" << Esc(r.origin) << "</td></tr>"
    << "<tr><th>verifier key</th><td><code>" << Esc(r.verifier_key) << "</code>"
    << (r.trusted_from_data ? " <span class=warn>(taken from the data, not pinned)</span>" : " (pinned)")
    << "</td></tr>"
    << "<tr><th>tree size</th><td>" << r.tree_size << "</td></tr>"
    << "<tr><th>root</th><td><code>" << Esc(crypto::HashBase64(r.root)) << "</code></td></tr>"
    << "</table>\n<p>Checkpoint:</p><pre>" << Esc(r.checkpoint) << "</pre>\n";

  h << "<h2>Verification</h2>\n<table>"
    << "<tr><th>mode</th><td>" << Esc(r.mode)
    << (r.since_size ? " (since size " + std::to_string(*r.since_size) + ")" : "") << "</td></tr>"
    << "<tr><th>records verified</th><td>" << r.records << " (from seq " << r.start << ")</td></tr>"
    << "<tr><th>signatures checked</th><td>" << r.signatures_checked << "</td></tr>"
    << "<tr><th>events replayed</th><td>" << r.events_replayed << "</td></tr>"
    << "<tr><th>time</th><td>";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.3f s, %.0f records/s, %u thread(s)", r.seconds,
                r.records_per_second, r.threads);
  h << buf << "</td></tr></table>\n";
  if (!r.notes.empty()) {
    h << "<ul>";
    for (const auto& n : r.notes) h << "<li>" << Esc(n) << "</li>";
    h << "</ul>\n";
  }
  h << "<h3>Failures</h3>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : r.failures) {
    rows.push_back({f.seq ? std::to_string(*f.seq) : "—", Esc(f.convention),
                    "<span class=bad>" + Esc(f.property) + "</span>", Esc(f.detail)});
  }
  Table(h, {"seq", "convention", "property", "detail"}, rows);
  if (r.failures_total > r.failures.size()) {
    h << "<p>" << (r.failures_total - r.failures.size()) << " more failure(s) not listed.</p>\n";
  }
  for (const auto& [id, c] : r.conventions) Convention(h, c);
  h << "<p class=muted>Generated by paraphe verify. Formats: docs/FORMAT.md.</p>\n</body></html>\n";
  return h.str();
}

}  // namespace paraphe::ledger
