// paraphe: the command-line tool of Paraphe. Parses flags with CLI11, calls
// the Run* function of the chosen subcommand and returns its exit code
// (docs/CLI.md): 0 success, 1 the ledger said no, 2 usage or input error,
// 3 I/O, server unreachable or internal error. No exception leaves main.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <exception>
#include <functional>
#include <list>
#include <optional>
#include <string>

#include "tools/paraphe/commands.h"
#include "tools/paraphe/output.h"

namespace paraphe::cli {
namespace {

namespace json = boost::json;

// Flags of the shorthand event subcommands.
struct EventFlags {
  std::string key;
  std::string convention;
  std::string party;
  std::string date;
  uint64_t expected_version_raw = 0;
  // type-specific
  std::string signatory, document, reference, channel, mandat, bordereau, payee,
      bank_reference, reason, letter_id, purpose, from_party, to_party,
      deposit_date, tracking_number, content, first_presentation_date, outcome,
      delivery_date, proof, settlement, court, case_number, minutes, decisions,
      end_date, amount;
  int64_t exercice = 0;
  int64_t number = 0;
  int64_t amount_cents = -1;
};

void AddSource(CLI::App* sub, Common* c) {
  sub->add_option("--data", c->data,
                  "ledger directory (default ./paraphe-data)");
  auto* server = sub->add_option("--server", c->server,
                                 "paraphed base URL, e.g. "
                                 "http://127.0.0.1:8080 (instead of --data)");
  sub->add_option("--token-file", c->token_file,
                  "with --server: file holding the server's read token "
                  "(mode 0600)")
      ->needs(server);
  sub->add_flag("--json", c->json, "machine-readable JSON on stdout");
}

void AddEnvelope(CLI::App* sub, Common* c, EventFlags* f, std::string* role) {
  AddSource(sub, c);
  sub->add_option("--key", f->key,
                  "private key file (PEM) that signs the event")
      ->required();
  sub->add_option("--convention", f->convention, "convention id")->required();
  sub->add_option("--party", f->party, "acting party id")->required();
  sub->add_option("--role", *role, "acting role")->capture_default_str();
  sub->add_option("--date", f->date,
                  "business date YYYY-MM-DD (default: today, Europe/Paris)");
  sub->add_option(
      "--expected-version", f->expected_version_raw,
      "stream version the event expects (default: the current one)");
}

// A SHA-256 flag: 64 hex digits, or a file whose hash is taken.
bool PutHash(json::object& data, const char* field, const std::string& value,
             const char* flag, Status* error) {
  if (value.empty()) return true;
  auto h = HashArgument(value, flag);
  if (!h.ok()) {
    *error = h.status();
    return false;
  }
  data[field] = *h;
  return true;
}

struct Shorthand {
  CLI::App* app = nullptr;
  std::string type;
  std::string role;  // --role, defaulting to the type's usual role
  std::function<Status(json::object&)> fill;  // builds `data`
};

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{
      "paraphe: a signed, event-sourced audit ledger for partnership "
      "conventions.\nEvery command works on a local ledger (--data DIR) or a "
      "server (--server URL).\nExit codes: 0 success, 1 rejected or not "
      "verified, 2 usage or input error, 3 I/O or server unreachable, 4 "
      "verify without a pinned key.",
      "paraphe"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every subcommand");
  app.footer("Run `paraphe SUBCOMMAND --help` for its flags and an example.");

  Common c;
  std::function<int()> action;

  // --- init
  std::string origin;
  bool force = false;
  auto* init =
      app.add_subcommand("init", "create a ledger directory and its keys");
  init->add_option("--data", c.data,
                   "ledger directory to create (default ./paraphe-data)");
  init->add_option("--origin", origin,
                   "checkpoint origin (the ledger's public name), default "
                   "paraphe.local/ledger");
  init->add_flag("--force", force, "overwrite existing key files");
  init->add_flag("--json", c.json, "machine-readable JSON on stdout");
  init->footer(
      "Example:\n  paraphe init --data ./paraphe-data --origin "
      "ledger.example.org/conventions");
  init->callback([&] { action = [&] { return RunInit(c, origin, force); }; });

  // --- key gen / key show
  auto* key = app.add_subcommand("key", "create or inspect Ed25519 keys");
  key->require_subcommand(1);
  std::string key_out, key_file;
  auto* key_gen = key->add_subcommand(
      "gen", "generate an Ed25519 private key (PEM, mode 0600)");
  key_gen->add_option("--out", key_out, "file to write")->required();
  key_gen->add_flag("--force", force, "overwrite an existing file");
  key_gen->add_flag("--json", c.json, "machine-readable JSON on stdout");
  key_gen->footer("Example:\n  paraphe key gen --out metropole-signatory.pem");
  key_gen->callback(
      [&] { action = [&] { return RunKeyGen(c, key_out, force); }; });
  auto* key_show = key->add_subcommand(
      "show",
      "print a key's kid (RFC 7638 thumbprint) and public key (base64url)");
  key_show->add_option("FILE", key_file, "private or public key PEM")
      ->required();
  key_show->add_flag("--json", c.json, "machine-readable JSON on stdout");
  key_show->footer("Example:\n  paraphe key show metropole-signatory.pem");
  key_show->callback([&] { action = [&] { return RunKeyShow(c, key_file); }; });

  // --- verifier-key, conventions, checkpoint
  auto* vk = app.add_subcommand(
      "verifier-key", "print the ledger's checkpoint verifier key (C2SP vkey)");
  AddSource(vk, &c);
  vk->footer(
      "Example:\n  paraphe verifier-key --data ./paraphe-data > ledger.vkey");
  vk->callback([&] { action = [&] { return RunVerifierKey(c); }; });

  auto* convs = app.add_subcommand("conventions", "list the conventions");
  AddSource(convs, &c);
  convs->footer("Example:\n  paraphe conventions --data ./paraphe-data");
  convs->callback([&] { action = [&] { return RunConventions(c); }; });

  auto* cp = app.add_subcommand(
      "checkpoint", "print the latest signed checkpoint (C2SP note, verbatim)");
  AddSource(cp, &c);
  cp->footer("Example:\n  paraphe checkpoint --server http://127.0.0.1:8080");
  cp->callback([&] { action = [&] { return RunCheckpoint(c); }; });

  // --- submit
  std::string event_file;
  auto* submit = app.add_subcommand(
      "submit", "sign an event JSON file locally and append it to the ledger");
  AddSource(submit, &c);
  EventFlags ef;
  submit
      ->add_option("--key", ef.key,
                   "private key file (PEM) that signs the event")
      ->required();
  submit->add_option("EVENT", event_file, "event JSON file (docs/EVENTS.md)")
      ->required();
  submit->footer(
      "expected_version is filled with the convention's current version when "
      "absent.\nThe private key never leaves this machine: only the JWS is "
      "sent.\nExample:\n  paraphe submit --key metropole.pem --data "
      "./paraphe-data event.json");
  submit->callback(
      [&] { action = [&] { return RunSubmitFile(c, ef.key, event_file); }; });

  // --- register
  std::string reg_file;
  auto* reg = app.add_subcommand(
      "register",
      "register a convention from a registration file (operator key)");
  AddSource(reg, &c);
  reg->add_option(
         "FILE", reg_file,
         "registration JSON (e.g. examples/conventions/registration.json)")
      ->required();
  reg->add_option("--key", ef.key, "operator private key file")->required();
  reg->add_option("--convention", ef.convention,
                  "convention id (default: the file's)");
  reg->add_option("--date", ef.date,
                  "business date (default: today, Europe/Paris)");
  reg->footer(
      "Example:\n  paraphe register examples/conventions/registration.json "
      "--key paraphe-data/keys/operator.pem");
  reg->callback([&] {
    action = [&] {
      return RunRegister(c, ef.key, reg_file, ef.convention, ef.date);
    };
  });

  // --- shorthand events
  std::list<Shorthand> shorthands;  // stable addresses: options point here
  auto shorthand = [&](CLI::App* parent, const std::string& name,
                       const std::string& help, const std::string& type,
                       const std::string& role, const std::string& example,
                       std::function<Status(json::object&)> fill) {
    auto* sub = parent->add_subcommand(name, help);
    Shorthand& sh = shorthands.emplace_back();
    sh.app = sub;
    sh.type = type;
    sh.role = role;
    sh.fill = std::move(fill);
    AddEnvelope(sub, &c, &ef, &sh.role);
    sub->footer("Event " + type + " (docs/EVENTS.md).\nExample:\n  " + example);
    return sub;
  };
  auto amount_cents = [&](json::object& d, const char* field) -> Status {
    if (ef.amount_cents >= 0) {
      d[field] = ef.amount_cents;
      return Status::Ok();
    }
    if (ef.amount.empty()) {
      return InvalidArgument(
          "give the amount with --amount EUROS or --amount-cents N");
    }
    PARAPHE_ASSIGN_OR_RETURN(int64_t cents, ParseAmount(ef.amount));
    d[field] = cents;
    return Status::Ok();
  };
  auto hash = [&](json::object& d, const char* field, const std::string& v,
                  const char* flag) -> Status {
    Status st;
    if (!PutHash(d, field, v, flag, &st)) return st;
    return Status::Ok();
  };

  auto* sign = shorthand(
      &app, "sign", "record a party's signature of the convention",
      "PartySigned", "signatory",
      "paraphe sign --convention metropole-amp-crpv-paca-2026 --party "
      "metropole --signatory "
      "\"Jeanne Martin\" --document convention.pdf --key metropole.pem",
      [&](json::object& d) -> Status {
        d["party"] = ef.party;
        d["signatory"] = ef.signatory;
        return hash(d, "document_sha256", ef.document, "--document");
      });
  sign->add_option("--signatory", ef.signatory, "name of the person signing")
      ->required();
  sign->add_option("--document", ef.document,
                   "signed document: file or its SHA-256 hex")
      ->required();

  auto* notify =
      shorthand(&app, "notify", "record the notification of attribution",
                "AttributionNotified", "clerk",
                "paraphe notify --convention metropole-amp-crpv-paca-2026 "
                "--party metropole --reference "
                "NOTIF-2026-001 --channel email --key metropole.pem",
                [&](json::object& d) -> Status {
                  d["reference"] = ef.reference;
                  d["channel"] = ef.channel;
                  return Status::Ok();
                });
  notify->add_option("--reference", ef.reference, "notification reference")
      ->required();
  notify
      ->add_option("--channel", ef.channel,
                   "how it was notified (email, letter...)")
      ->required();

  auto* pay = app.add_subcommand(
      "pay", "record payment orders (mandats) and executions");
  pay->require_subcommand(1);
  auto* pay_order =
      shorthand(pay, "order", "record a payment order (mandat)",
                "PaymentOrdered", "finance",
                "paraphe pay order --convention metropole-amp-crpv-paca-2026 "
                "--party metropole --exercice 2026 "
                "--mandat M-2026-0042 --bordereau B-117 --amount 200000 "
                "--payee crpv-paca "
                "--key metropole-finance.pem",
                [&](json::object& d) -> Status {
                  d["exercice"] = ef.exercice;
                  d["mandat"] = ef.mandat;
                  d["bordereau"] = ef.bordereau;
                  PARAPHE_RETURN_IF_ERROR(amount_cents(d, "amount_cents"));
                  d["payee"] = ef.payee;
                  return Status::Ok();
                });
  pay_order->add_option("--exercice", ef.exercice, "budget year")->required();
  pay_order->add_option("--mandat", ef.mandat, "mandat number")->required();
  pay_order->add_option("--bordereau", ef.bordereau, "bordereau number")
      ->required();
  pay_order->add_option("--payee", ef.payee, "party paid")->required();
  pay_order->add_option("--amount", ef.amount,
                        "amount in euros (200000 or 200000.00)");
  pay_order->add_option("--amount-cents", ef.amount_cents, "amount in cents");
  auto* pay_exec = shorthand(
      pay, "execute", "record the execution of a mandat", "PaymentExecuted",
      "finance",
      "paraphe pay execute --convention metropole-amp-crpv-paca-2026 --party "
      "metropole --exercice "
      "2026 --mandat M-2026-0042 --amount 200000 --bank-reference VIR-123 "
      "--key metropole-finance.pem",
      [&](json::object& d) -> Status {
        d["exercice"] = ef.exercice;
        d["mandat"] = ef.mandat;
        PARAPHE_RETURN_IF_ERROR(amount_cents(d, "amount_cents"));
        d["bank_reference"] = ef.bank_reference;
        return Status::Ok();
      });
  pay_exec->add_option("--exercice", ef.exercice, "budget year")->required();
  pay_exec->add_option("--mandat", ef.mandat, "mandat number")->required();
  pay_exec
      ->add_option("--bank-reference", ef.bank_reference,
                   "bank transfer reference")
      ->required();
  pay_exec->add_option("--amount", ef.amount, "amount in euros");
  pay_exec->add_option("--amount-cents", ef.amount_cents, "amount in cents");
  auto* pay_suspend = shorthand(
      pay, "suspend", "suspend a mandat", "PaymentSuspended", "finance",
      "paraphe pay suspend --convention metropole-amp-crpv-paca-2026 --party "
      "metropole --exercice "
      "2026 --mandat M-2026-0042 --reason \"RIB invalide\" --key "
      "metropole-finance.pem",
      [&](json::object& d) -> Status {
        d["exercice"] = ef.exercice;
        d["mandat"] = ef.mandat;
        d["reason"] = ef.reason;
        return Status::Ok();
      });
  pay_suspend->add_option("--exercice", ef.exercice, "budget year")->required();
  pay_suspend->add_option("--mandat", ef.mandat, "mandat number")->required();
  pay_suspend->add_option("--reason", ef.reason, "why")->required();

  auto* amend =
      app.add_subcommand("amend", "propose and sign avenants (amendments)");
  amend->require_subcommand(1);
  auto* amend_propose = shorthand(
      amend, "propose", "propose an avenant", "AmendmentProposed", "signatory",
      "paraphe amend propose --convention metropole-amp-crpv-paca-2026 --party "
      "metropole --number 1 "
      "--document avenant-1.pdf --end-date 2027-06-30 --key metropole.pem",
      [&](json::object& d) -> Status {
        d["number"] = ef.number;
        PARAPHE_RETURN_IF_ERROR(
            hash(d, "document_sha256", ef.document, "--document"));
        json::object changes;
        if (!ef.end_date.empty()) changes["end_date"] = ef.end_date;
        if (ef.amount_cents >= 0 || !ef.amount.empty()) {
          PARAPHE_RETURN_IF_ERROR(amount_cents(changes, "amount_cents"));
        }
        d["changes"] = std::move(changes);
        return Status::Ok();
      });
  amend_propose->add_option("--number", ef.number, "avenant number (1, 2...)")
      ->required();
  amend_propose
      ->add_option("--document", ef.document, "avenant: file or SHA-256 hex")
      ->required();
  amend_propose->add_option("--end-date", ef.end_date,
                            "new end date YYYY-MM-DD");
  amend_propose->add_option("--amount", ef.amount, "new amount in euros");
  amend_propose->add_option("--amount-cents", ef.amount_cents,
                            "new amount in cents");
  auto* amend_sign = shorthand(
      amend, "sign", "sign an avenant", "AmendmentSigned", "signatory",
      "paraphe amend sign --convention metropole-amp-crpv-paca-2026 --party "
      "crpv-paca --number 1 "
      "--document avenant-1.pdf --key crpv.pem",
      [&](json::object& d) -> Status {
        d["number"] = ef.number;
        d["party"] = ef.party;
        return hash(d, "document_sha256", ef.document, "--document");
      });
  amend_sign->add_option("--number", ef.number, "avenant number")->required();
  amend_sign
      ->add_option("--document", ef.document, "avenant: file or SHA-256 hex")
      ->required();

  auto* letter =
      app.add_subcommand("letter", "record registered letters (LRAR)");
  letter->require_subcommand(1);
  auto* letter_send = shorthand(
      letter, "send", "record a registered letter sent", "LetterSent",
      "signatory",
      "paraphe letter send --convention metropole-amp-crpv-paca-2026 --party "
      "crpv-paca --letter-id L1 "
      "--purpose dispute --to metropole --deposit-date 2026-05-04 "
      "--tracking 1A23456789 --content lettre.pdf --key crpv.pem",
      [&](json::object& d) -> Status {
        d["letter_id"] = ef.letter_id;
        d["purpose"] = ef.purpose;
        d["from_party"] = ef.from_party.empty() ? ef.party : ef.from_party;
        d["to_party"] = ef.to_party;
        d["deposit_date"] = ef.deposit_date;
        d["tracking_number"] = ef.tracking_number;
        return hash(d, "content_sha256", ef.content, "--content");
      });
  letter_send->add_option("--letter-id", ef.letter_id, "letter id")->required();
  letter_send->add_option("--purpose", ef.purpose, "dispute or termination")
      ->required();
  letter_send->add_option("--from", ef.from_party,
                          "sending party (default --party)");
  letter_send->add_option("--to", ef.to_party, "receiving party")->required();
  letter_send
      ->add_option("--deposit-date", ef.deposit_date, "date posted YYYY-MM-DD")
      ->required();
  letter_send->add_option("--tracking", ef.tracking_number, "tracking number")
      ->required();
  letter_send
      ->add_option("--content", ef.content, "letter: file or SHA-256 hex")
      ->required();
  auto* letter_delivered = shorthand(
      letter, "delivered", "record a letter's presentation and outcome",
      "LetterDelivered", "clerk",
      "paraphe letter delivered --convention metropole-amp-crpv-paca-2026 "
      "--party crpv-paca --letter-id "
      "L1 --first-presentation 2026-05-06 --outcome delivered --delivery-date "
      "2026-05-07 --key crpv-clerk.pem",
      [&](json::object& d) -> Status {
        d["letter_id"] = ef.letter_id;
        d["first_presentation_date"] = ef.first_presentation_date;
        d["outcome"] = ef.outcome;
        if (!ef.delivery_date.empty()) d["delivery_date"] = ef.delivery_date;
        // The sender attests a delivery only with the postal proof's hash.
        return hash(d, "proof_sha256", ef.proof, "--proof");
      });
  letter_delivered->add_option("--letter-id", ef.letter_id, "letter id")
      ->required();
  letter_delivered
      ->add_option("--first-presentation", ef.first_presentation_date,
                   "first presentation date YYYY-MM-DD")
      ->required();
  letter_delivered
      ->add_option("--outcome", ef.outcome, "delivered, unclaimed or refused")
      ->required();
  letter_delivered->add_option("--delivery-date", ef.delivery_date,
                               "delivery date (when delivered)");
  letter_delivered->add_option(
      "--proof", ef.proof,
      "the postal proof (avis de réception): file or SHA-256 hex; required "
      "when the sender attests the delivery");

  auto* settle = shorthand(
      &app, "settle", "sign an amicable settlement of a dispute",
      "SettlementReached", "signatory",
      "paraphe settle --convention metropole-amp-crpv-paca-2026 --party "
      "metropole --letter-id L1 "
      "--settlement accord.pdf --key metropole.pem",
      [&](json::object& d) -> Status {
        d["letter_id"] = ef.letter_id;
        d["party"] = ef.party;
        return hash(d, "settlement_sha256", ef.settlement, "--settlement");
      });
  settle->add_option("--letter-id", ef.letter_id, "the dispute letter's id")
      ->required();
  settle
      ->add_option("--settlement", ef.settlement,
                   "settlement: file or SHA-256 hex")
      ->required();

  auto* court = shorthand(
      &app, "court", "record a referral to court after the amicable period",
      "CourtReferral", "signatory",
      "paraphe court --convention metropole-amp-crpv-paca-2026 --party "
      "crpv-paca --letter-id L1 --court "
      "\"TA Marseille\" --case 2601234 --key crpv.pem",
      [&](json::object& d) -> Status {
        d["letter_id"] = ef.letter_id;
        d["court"] = ef.court;
        d["case_number"] = ef.case_number;
        return Status::Ok();
      });
  court->add_option("--letter-id", ef.letter_id, "the dispute letter's id")
      ->required();
  court->add_option("--court", ef.court, "court name")->required();
  court->add_option("--case", ef.case_number, "case number")->required();

  auto* committee = shorthand(
      &app, "committee", "record a committee (comité technique) decision",
      "CommitteeDecision", "committee",
      "paraphe committee --convention metropole-amp-crpv-paca-2026 --party "
      "metropole --minutes "
      "pv-comite.pdf --decisions \"Orientations 2026 validées\" --key "
      "comite.pem",
      [&](json::object& d) -> Status {
        PARAPHE_RETURN_IF_ERROR(
            hash(d, "minutes_sha256", ef.minutes, "--minutes"));
        d["decisions"] = ef.decisions;
        return Status::Ok();
      });
  committee->add_option("--minutes", ef.minutes, "minutes: file or SHA-256 hex")
      ->required();
  committee
      ->add_option("--decisions", ef.decisions, "the decisions, in a sentence")
      ->required();

  for (auto& s : shorthands) {
    Shorthand* sh = &s;
    sh->app->callback([&, sh] {
      action = [&, sh]() -> int {
        json::object data;
        Status st = sh->fill(data);
        if (!st.ok()) return ReportError(st, c.json);
        Envelope env{sh->type, ef.convention, ef.date,
                     ef.party, sh->role,      std::nullopt};
        if (sh->app->count("--expected-version") > 0) {
          env.expected_version = ef.expected_version_raw;
        }
        return RunSubmitEvent(c, ef.key, BuildEvent(env, std::move(data)));
      };
    });
  }

  // --- status, history, payments
  std::string convention;
  uint64_t as_of_seq = 0;
  std::string as_of_date;
  auto* status = app.add_subcommand("status", "a convention's replayed state");
  AddSource(status, &c);
  status->add_option("CONVENTION", convention, "convention id")->required();
  auto* seq_opt = status->add_option("--as-of-seq", as_of_seq,
                                     "only records with seq <= N");
  auto* date_opt = status->add_option("--as-of-date", as_of_date,
                                      "as of a business date YYYY-MM-DD");
  seq_opt->excludes(date_opt);
  status->footer(
      "Example:\n  paraphe status metropole-amp-crpv-paca-2026 --as-of-date "
      "2026-06-30 --json");
  status->callback([&] {
    action = [&] {
      std::optional<uint64_t> seq;
      if (seq_opt->count() > 0) seq = as_of_seq;
      return RunStatus(c, convention, seq, as_of_date);
    };
  });

  std::string trusted_key;
  auto* history = app.add_subcommand(
      "history",
      "every event of a convention; verified only against a pinned key");
  AddSource(history, &c);
  history->add_option("CONVENTION", convention, "convention id")->required();
  history->add_option("--trusted-key", trusted_key,
                      "the ledger's verifier key (vkey or file), obtained "
                      "independently: the whole log is verified against it");
  history->footer(
      "Without --trusted-key every event is \"not verified\". With it, exit 1 "
      "if an event is not verified.\nExample:\n  paraphe history "
      "metropole-amp-crpv-paca-2026 --trusted-key ledger.vkey");
  history->callback([&] {
    action = [&] { return RunHistory(c, convention, trusted_key); };
  });

  auto* payments = app.add_subcommand(
      "payments",
      "what was ordered and paid; verified only against a pinned key");
  AddSource(payments, &c);
  payments->add_option("CONVENTION", convention, "convention id")->required();
  payments->add_option(
      "--trusted-key", trusted_key,
      "the ledger's verifier key (vkey or file), obtained independently: the "
      "whole log and each inclusion proof are verified against it");
  payments->footer(
      "Without --trusted-key nothing is \"verified\". With it, exit 1 if a "
      "payment event or a proof is not verified.\nExample:\n  paraphe "
      "payments metropole-amp-crpv-paca-2026 --trusted-key ledger.vkey "
      "--json");
  payments->callback([&] {
    action = [&] { return RunPayments(c, convention, trusted_key); };
  });

  // --- proof
  auto* proof =
      app.add_subcommand("proof", "Merkle inclusion and consistency proofs");
  proof->require_subcommand(1);
  uint64_t seq = 0, tree_size = 0, from = 0, to = 0;
  auto* incl = proof->add_subcommand(
      "inclusion",
      "prove that record N is in the log (C2SP tlog-proof, or --json)");
  AddSource(incl, &c);
  incl->add_option("--seq", seq, "the record's sequence number")->required();
  incl->add_option("--tree-size", tree_size, "tree size (default: the latest)");
  incl->footer(
      "Example:\n  paraphe proof inclusion --seq 4 > receipt.tlog-proof");
  incl->callback(
      [&] { action = [&] { return RunProofInclusion(c, seq, tree_size); }; });
  auto* cons = proof->add_subcommand(
      "consistency", "prove that tree size B extends tree size A");
  AddSource(cons, &c);
  cons->add_option("--from", from, "old tree size")->required();
  cons->add_option("--to", to, "new tree size")->required();
  cons->footer("Example:\n  paraphe proof consistency --from 3 --to 9 --json");
  cons->callback(
      [&] { action = [&] { return RunProofConsistency(c, from, to); }; });
  std::string proof_file, leaf_data, leaf_hash;
  auto* check = proof->add_subcommand(
      "check", "verify an inclusion proof offline against a pinned key");
  check->add_option("FILE", proof_file, "C2SP tlog-proof text or its JSON form")
      ->required();
  check
      ->add_option("--trusted-key", trusted_key,
                   "the ledger's verifier key (vkey string or file)")
      ->required();
  auto* ld = check->add_option("--leaf-data", leaf_data,
                               "file holding the leaf bytes");
  auto* lh =
      check->add_option("--leaf-hash", leaf_hash, "leaf hash, standard base64");
  ld->excludes(lh);
  check->add_flag("--json", c.json, "machine-readable JSON on stdout");
  check->footer(
      "Exit 0 valid, 1 invalid (with the reason).\nExample:\n  paraphe proof "
      "check receipt.tlog-proof --trusted-key ledger.vkey --leaf-data "
      "leaf.bin");
  check->callback([&] {
    action = [&] {
      return RunProofCheck(c, proof_file, trusted_key, leaf_data, leaf_hash);
    };
  });

  // --- export, demo
  std::string out;
  auto* exp = app.add_subcommand("export",
                                 "write a JSON Lines bundle of the whole log");
  AddSource(exp, &c);
  exp->add_option("--out", out, "bundle file (- for stdout)")->required();
  exp->footer(
      "Format: docs/CLI.md (paraphe-bundle/v1).\nExample:\n  paraphe export "
      "--out ledger.jsonl");
  exp->callback([&] { action = [&] { return RunExport(c, out); }; });

  // --- verify
  VerifyFlags vf;
  auto* verify = app.add_subcommand(
      "verify", "audit a whole log: checkpoint, leaves, root, signatures, rules");
  auto* v_data = verify->add_option("--data", vf.data,
                                    "ledger directory (default ./paraphe-data)");
  auto* v_bundle =
      verify->add_option("--bundle", vf.bundle, "export bundle (JSON Lines)");
  auto* v_server = verify->add_option("--server", vf.server,
                                      "paraphed base URL, e.g. "
                                      "http://127.0.0.1:8080");
  verify
      ->add_option("--token-file", vf.token_file,
                   "with --server: file holding the server's read token "
                   "(mode 0600)")
      ->needs(v_server);
  v_data->excludes(v_bundle, v_server);
  v_bundle->excludes(v_server);
  auto* v_key = verify->add_option("--trusted-key", vf.trusted_key,
                                   "the ledger's verifier key (vkey string)");
  auto* v_key_file = verify->add_option(
      "--trusted-key-file", vf.trusted_key_file, "file holding the vkey");
  v_key->excludes(v_key_file);
  verify->add_flag("--insecure-unpinned", vf.insecure_unpinned,
                   "run without a pinned key, trusting the key found in the "
                   "data: checks internal consistency only");
  verify->add_option("--operator-key", vf.operator_keys,
                     "pin an operator key (base64url, or a PEM file): the "
                     "genesis must be signed by a pinned one (repeatable)");
  verify->add_option("--party-key", vf.party_keys,
                     "pin PARTY=KEY: PARTY's events must be signed by a "
                     "pinned key of PARTY (repeatable)");
  verify->add_option("--since", vf.since,
                     "audit state (or checkpoint) of a previous run: verify "
                     "only what was added since");
  verify->add_option("--save-state", vf.save_state,
                     "write the audit state here when everything holds");
  verify->add_option("--report", vf.report, "write an HTML report here");
  verify->add_option("--threads", vf.threads,
                     "signature threads (default: every core)");
  verify->add_flag("--json", vf.json, "machine-readable JSON on stdout");
  verify->footer(
      "Exit 0 if everything holds, 1 on any failure, 2 usage or input "
      "error, 3 I/O or server unreachable, 4 no pinned verifier key (pass "
      "--trusted-key, or --insecure-unpinned).\nExample:\n  paraphe verify "
      "--bundle ledger.jsonl --trusted-key-file ledger.vkey --save-state "
      "audit.state\n  paraphe verify --server http://127.0.0.1:8080 "
      "--trusted-key-file ledger.vkey --since audit.state");
  verify->callback([&] { action = [&] { return RunVerify(vf); }; });

  std::string examples =
      std::string(PARAPHE_SOURCE_DIR) + "/examples/conventions";
  auto* demo = app.add_subcommand(
      "demo", "create a ledger holding the seed convention's example history");
  demo->add_option("--data", c.data,
                   "ledger directory to create (default ./paraphe-data)");
  demo->add_option("--examples", examples, "examples directory")
      ->capture_default_str();
  demo->add_flag("--force", force, "replace the directory if it exists");
  demo->add_flag("--json", c.json, "machine-readable JSON on stdout");
  demo->footer(
      "Example:\n  paraphe demo --data ./demo-data\n  paraphe status "
      "metropole-amp-crpv-paca-2026 --data ./demo-data");
  demo->callback([&] { action = [&] { return RunDemo(c, examples, force); }; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(
        stderr,
        "paraphe: usage error: %s\nRun with --help for more information.\n",
        e.what());
    return kExitUsage;
  }
  if (!action) {
    std::fprintf(stderr, "paraphe: no command given; run with --help\n");
    return kExitUsage;
  }
  return action();
}

}  // namespace paraphe::cli

int main(int argc, char** argv) {
  // Files are private: what this process creates (a ledger's RocksDB files,
  // which take their mode from the umask, keys, exports, audit states) is
  // 0600, directories 0700. The ledger's directories are private anyway
  // (Ledger::Init makes them 0700, Ledger::Open refuses them otherwise).
  ::umask(077);
  try {
    return paraphe::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "paraphe: internal error: %s\n", e.what());
    return paraphe::cli::kExitIo;
  } catch (...) {
    std::fprintf(stderr, "paraphe: internal error\n");
    return paraphe::cli::kExitIo;
  }
}
