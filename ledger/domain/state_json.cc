// StateToJson: the readable rendering of a ConventionState.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "ledger/domain/state.h"

namespace paraphe::ledger {
namespace json = boost::json;
namespace {

json::value OptDate(const std::optional<Date>& d) {
  return d ? json::value(d->ToString()) : json::value(nullptr);
}

template <class T>
json::value Opt(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

// The recording lag of the event at `seq`, or null.
json::value Lag(const ConventionState& s, std::optional<uint64_t> seq) {
  const EventTiming* t = seq ? FindEventTiming(s, *seq) : nullptr;
  return t ? json::value(t->recording_lag_days) : json::value(nullptr);
}

json::object SignatureJson(const ConventionState& s, const SignatureRecord& r) {
  json::object o{{"party", r.party},
                 {"document_sha256", r.document_sha256},
                 {"date", r.date.ToString()},
                 {"seq", r.seq},
                 {"recording_lag_days", Lag(s, r.seq)}};
  if (!r.signatory.empty()) o["signatory"] = r.signatory;
  return o;
}

json::array Signatures(const ConventionState& s,
                       const std::vector<SignatureRecord>& v) {
  json::array a;
  for (const auto& r : v) a.push_back(SignatureJson(s, r));
  return a;
}

json::object PaymentJson(const ConventionState& s, Date at) {
  json::array installments;
  for (size_t i = 0; i < s.installments.size(); ++i) {
    installments.push_back(json::object{
        {"index", i},
        {"amount_cents", s.installments[i].amount_cents},
        {"trigger", s.installments[i].trigger}});
  }
  json::array mandats;
  for (const auto& m : s.mandats) {
    std::string status =
        m.executed ? "executed" : (m.suspended ? "suspended" : "ordered");
    mandats.push_back(json::object{
        {"exercice", m.exercice},
        {"mandat", m.number},
        {"bordereau", m.bordereau},
        {"payee", m.payee},
        {"amount_cents", m.amount_cents},
        {"installment", m.installment},
        {"status", status},
        {"ordered_date", m.ordered_date.ToString()},
        {"ordered_seq", m.ordered_seq},
        {"ordered_recording_lag_days", Lag(s, m.ordered_seq)},
        {"executed_date", OptDate(m.executed_date)},
        {"executed_seq", Opt(m.executed_seq)},
        {"executed_recording_lag_days", Lag(s, m.executed_seq)},
        {"bank_reference", m.executed ? json::value(m.bank_reference)
                                      : json::value(nullptr)},
        {"suspended_date", OptDate(m.suspended_date)},
        {"suspended_seq", Opt(m.suspended_seq)},
        {"suspended_recording_lag_days", Lag(s, m.suspended_seq)},
        {"suspension_reason", m.suspended ? json::value(m.suspension_reason)
                                          : json::value(nullptr)}});
  }
  const int64_t due = DueCents(s, at), ordered = OrderedCents(s),
                paid = PaidCents(s);
  std::string status;
  if (paid == s.amount_cents && paid > 0) {
    status = "paid";
  } else if (paid > 0) {
    status = "partially_paid";
  } else if (ordered > 0) {
    status = "ordered";
  } else if (due > 0) {
    status = "due";
  } else {
    status = "not_due";
  }
  return json::object{{"agreed_cents", s.amount_cents},
                      {"due_cents", due},
                      {"ordered_cents", ordered},
                      {"paid_cents", paid},
                      {"outstanding_cents", s.amount_cents - paid},
                      {"status", status},
                      {"installments", std::move(installments)},
                      {"mandats", std::move(mandats)}};
}

json::array LettersJson(const ConventionState& s) {
  json::array a;
  for (const auto& l : s.letters) {
    json::object o{{"letter_id", l.id},
                   {"purpose", l.purpose},
                   {"from_party", l.from_party},
                   {"to_party", l.to_party},
                   {"deposit_date", l.deposit_date.ToString()},
                   {"tracking_number", l.tracking_number},
                   {"content_sha256", l.content_sha256},
                   {"sent_date", l.sent_date.ToString()},
                   {"sent_seq", l.sent_seq},
                   {"sent_recording_lag_days", Lag(s, l.sent_seq)},
                   {"delivery", nullptr}};
    if (l.delivery) {
      const Delivery& d = *l.delivery;
      o["delivery"] = json::object{
          {"first_presentation_date", d.first_presentation_date.ToString()},
          {"outcome", d.outcome},
          {"delivery_date", OptDate(d.delivery_date)},
          {"reference_date", d.reference_date.ToString()},
          {"reference_basis", d.reference_basis},
          {"recorded_date", d.recorded_date.ToString()},
          {"seq", d.seq},
          {"recording_lag_days", Lag(s, d.seq)},
          {"attested_by", d.attested_by},
          {"proof_sha256", d.proof_sha256.empty()
                               ? json::value(nullptr)
                               : json::value(d.proof_sha256)}};
    }
    a.push_back(std::move(o));
  }
  return a;
}

json::array DisputesJson(const ConventionState& s, Date at) {
  json::array a;
  for (const auto& d : s.disputes) {
    std::string status;
    if (d.court) {
      status = "in_court";
    } else if (d.settled_seq) {
      status = "settled";
    } else if (!d.amicable_end) {
      status = "awaiting_delivery";
    } else if (at <= *d.amicable_end) {
      status = "amicable_period";
    } else {
      status = "court_possible";
    }
    json::value court = nullptr;
    if (d.court) {
      court = json::object{{"party", d.court->party},
                           {"court", d.court->court},
                           {"case_number", d.court->case_number},
                           {"date", d.court->date.ToString()},
                           {"seq", d.court->seq},
                           {"recording_lag_days", Lag(s, d.court->seq)}};
    }
    a.push_back(json::object{
        {"letter_id", d.letter_id},
        {"opened_by", d.opened_by},
        {"against", d.against},
        {"status", status},
        {"amicable_end_raw", OptDate(d.amicable_end_raw)},
        {"amicable_end_extended", OptDate(d.amicable_end_extended)},
        {"amicable_end", OptDate(d.amicable_end)},
        {"court_possible_from",
         d.amicable_end ? json::value(d.amicable_end->AddDays(1).ToString())
                        : json::value(nullptr)},
        {"settlements", Signatures(s, d.settlements)},
        {"settled", d.settled_seq.has_value()},
        {"settled_date", OptDate(d.settled_date)},
        {"settled_seq", Opt(d.settled_seq)},
        {"court", std::move(court)}});
  }
  return a;
}

}  // namespace

boost::json::value StateToJson(const ConventionState& s,
                               std::optional<Date> as_of) {
  const Date at = as_of ? *as_of : s.last_event_date.value_or(s.registered_date);
  json::object o;
  o["convention"] = s.id;
  o["version"] = s.version;
  o["as_of"] = at.ToString();
  o["phase"] = Phase(s, at);
  if (s.version == 0) return o;
  o["title"] = s.title;
  o["document_sha256"] = s.document_sha256;
  o["currency"] = s.currency;
  o["funder"] = s.funder;
  o["registered_date"] = s.registered_date.ToString();
  o["registered_seq"] = s.registered_seq;
  o["registered_recording_lag_days"] = Lag(s, s.registered_seq);
  json::array parties;
  for (const auto& p : s.parties) {
    parties.push_back(
        json::object{{"id", p.id}, {"name", p.name}, {"siren", p.siren}});
  }
  o["parties"] = std::move(parties);
  o["terms"] = json::object{
      {"original_amount_cents", s.original_amount_cents},
      {"amount_cents", s.amount_cents},
      {"original_end_date", s.original_end_date.ToString()},
      {"end_date", s.end_date.ToString()},
      {"dispute_amicable_days", s.dispute_amicable_days},
      {"termination_notice_months", s.termination_notice_months},
      {"extend_to_working_day", s.extend_to_working_day},
      {"letter_reference", s.letter_reference},
      {"max_recording_lag_days", s.max_recording_lag_days}};
  o["signatures"] = Signatures(s, s.signatures);
  o["effective_date"] = OptDate(s.effective_date);
  o["effective_seq"] = Opt(s.effective_seq);
  o["end_date"] = s.end_date.ToString();
  if (s.attribution) {
    o["attribution"] = json::object{{"reference", s.attribution->reference},
                                    {"channel", s.attribution->channel},
                                    {"party", s.attribution->party},
                                    {"date", s.attribution->date.ToString()},
                                    {"seq", s.attribution->seq},
                                    {"recording_lag_days",
                                     Lag(s, s.attribution->seq)}};
  } else {
    o["attribution"] = nullptr;
  }
  o["payment"] = PaymentJson(s, at);
  json::array committee;
  for (const auto& c : s.committee_decisions) {
    committee.push_back(json::object{{"minutes_sha256", c.minutes_sha256},
                                     {"decisions", c.decisions},
                                     {"party", c.party},
                                     {"date", c.date.ToString()},
                                     {"seq", c.seq},
                                     {"recording_lag_days", Lag(s, c.seq)}});
  }
  o["committee_decisions"] = std::move(committee);
  json::array amendments;
  for (const auto& a : s.amendments) {
    json::object changes;
    if (a.new_end_date) changes["end_date"] = a.new_end_date->ToString();
    if (a.new_amount_cents) changes["amount_cents"] = *a.new_amount_cents;
    amendments.push_back(json::object{
        {"number", a.number},
        {"document_sha256", a.document_sha256},
        {"changes", std::move(changes)},
        {"proposed_by", a.proposed_by},
        {"proposed_date", a.proposed_date.ToString()},
        {"proposed_seq", a.proposed_seq},
        {"proposed_recording_lag_days", Lag(s, a.proposed_seq)},
        {"signatures", Signatures(s, a.signatures)},
        {"effective", a.effective_seq.has_value()},
        {"effective_date", OptDate(a.effective_date)},
        {"effective_seq", Opt(a.effective_seq)}});
  }
  o["amendments"] = std::move(amendments);
  o["letters"] = LettersJson(s);
  o["disputes"] = DisputesJson(s, at);
  if (s.termination) {
    const Termination& t = *s.termination;
    o["termination"] = json::object{
        {"letter_id", t.letter_id},
        {"requested_by", t.requested_by},
        {"effective_raw", OptDate(t.effective_raw)},
        {"effective_extended", OptDate(t.effective_extended)},
        {"effective_date", OptDate(t.effective_date)},
        {"superseded_by_expiry", TerminationSupersededByExpiry(s)}};
  } else {
    o["termination"] = nullptr;
  }
  json::array keys;
  for (const auto& [kid, k] : s.keys) {
    json::array roles;
    for (const auto& r : k.roles) roles.push_back(json::value(r));
    keys.push_back(json::object{{"kid", kid},
                                {"party", k.party},
                                {"roles", std::move(roles)},
                                {"registered_seq", k.registered_seq},
                                {"revoked_seq", Opt(k.revoked_seq)}});
  }
  o["keys"] = std::move(keys);
  json::array late;
  for (uint64_t q : s.late_recorded) late.push_back(q);
  o["late_recorded_seqs"] = std::move(late);
  o["last_event_date"] = OptDate(s.last_event_date);
  // No per-event list here: the state's size stays that of its facts (a
  // convention's every event, with its lag, is its history:
  // GET /v1/conventions/{id}/events, `paraphe history`).
  return o;
}

}  // namespace paraphe::ledger
