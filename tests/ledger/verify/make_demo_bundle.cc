// make_demo_bundle OUTDIR: builds a ledger from the seed convention's example
// history (deterministic demo keys, fixed clock) and writes, for the
// independent verifier's tests:
//   OUTDIR/demo.jsonl            the export bundle
//   OUTDIR/demo.vkey             the ledger's verifier key
//   OUTDIR/operator.pub.pem      the real operator's public key (PEM)
//   OUTDIR/demo.operator         the demo operator public key (base64url), to pin
//   OUTDIR/tampered-<what>.jsonl one tampering each (see below and
//                                tests/independent/check_tampered.py)
//   OUTDIR/forged-genesis.jsonl  a log re-written by a thief of the ledger
//                                key (consistent; fails only with an operator pin)
//   OUTDIR/rotated.jsonl         the demo plus an operator key rotation (passes)
//   OUTDIR/example.jsonl         the log of docs/FORMAT.md section 10
//   OUTDIR/worked-example.txt    the values pasted in docs/FORMAT.md
// The demo ledger key is random per run, so the demo's checkpoints differ
// between runs; the example log (fixed ledger key) is deterministic.
// The C++ verifier is run here on the forgeries too: the program fails when
// it does not find what the independent verifier must find.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "crypto/base64.h"
#include "crypto/jws.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "ledger/bundle.h"
#include "ledger/ledger.h"
#include "ledger/log_source.h"
#include "ledger/record.h"
#include "ledger/verify.h"
#include "tests/ledger/demo_history.h"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace paraphe;          // NOLINT
using namespace paraphe::ledger;  // NOLINT

namespace {

constexpr int64_t kNowMs = 1'795'694'400'000LL;  // 2026-11-26T12:00:00Z
constexpr char kOrigin[] = "paraphe.demo/ledger";
// Records before the first event of the example history: the genesis.
constexpr size_t kGenesis = 1;
constexpr size_t kPayment = kGenesis + 4;  // 04-PaymentOrdered
constexpr size_t kLast = kGenesis + 13;    // 13-SettlementReached

[[noreturn]] void Die(const std::string& what, const Status& st) {
  std::cerr << "make_demo_bundle: " << what << ": " << st.ToString() << "\n";
  std::exit(2);
}

void WriteBundleFile(const fs::path& p, const Bundle& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << BundleHeaderLine(b);
  for (const auto& r : b.records) out << BundleRecordLine(r.seq, r.recorded_at_ms, r.leaf);
}

void Reseal(Bundle& b, const crypto::NoteSigner& signer) {
  crypto::MemoryTree tree;
  for (const auto& r : b.records) tree.AppendLeaf(r.leaf);
  b.checkpoint = *signer.Sign(crypto::Checkpoint{signer.name(), tree.size(), tree.Root(), {}}.Body());
  b.tree_size = tree.size();
}

json::object PayloadOf(const BundleRecord& r) {
  return json::parse(crypto::JwsParse(DecodeLeaf(r.leaf)->jws)->payload).as_object();
}

std::string Hex(std::string_view s) { return crypto::HexEncode(s); }

crypto::PrivateKey SeedKey(std::string_view text) {
  return std::move(*crypto::PrivateKey::FromSeed(crypto::HashBytes(crypto::Sha256(text))));
}

// The bundle's records with record 0 replaced by `genesis_jws` (same time).
void ReplaceGenesis(Bundle& b, const std::string& genesis_jws) {
  b.records[0].leaf = EncodeLeaf(0, b.records[0].recorded_at_ms, genesis_jws);
}

VerifyResult MustVerify(const Bundle& b, const std::string& vkey,
                        std::vector<crypto::PublicKey> operator_pins, const std::string& what) {
  VerifyOptions vo;
  vo.trusted_vkey = vkey;
  vo.operator_keys = std::move(operator_pins);
  vo.threads = 1;
  auto r = VerifyLog(*MakeBundleSource(b, what), vo);
  if (!r.ok()) Die("verify " + what, r.status());
  return *r;
}

// Dies unless `r` holds a failure of `property` at seq 0 (or passes when
// property is empty).
void Expect(const VerifyResult& r, const std::string& property, const std::string& what) {
  const bool found = std::any_of(r.failures.begin(), r.failures.end(), [&](const VerifyFailure& f) {
    return f.property == property && f.seq == 0;
  });
  if (property.empty() ? r.ok() : found) return;
  std::cerr << "make_demo_bundle: the C++ verifier on " << what << ": expected "
            << (property.empty() ? "no failure" : property + " at seq 0") << ", got:\n";
  for (const auto& f : r.failures) {
    std::cerr << "  seq " << (f.seq ? std::to_string(*f.seq) : "-") << " " << f.property << ": "
              << f.detail << "\n";
  }
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_demo_bundle OUTDIR\n";
    return 2;
  }
  const fs::path out = argv[1];
  const fs::path dir = out / "ledger";
  fs::remove_all(dir);
  fs::create_directories(out);

  auto payloads = test::ExamplePayloads();
  test::DemoSigner signer(payloads[0]);
  InitOptions io;
  io.origin = kOrigin;
  io.clock = [] { return kNowMs; };
  io.operator_key_pem = test::DemoKey("operator").ToPem();
  auto init = Ledger::Init(dir, io);
  if (!init.ok()) Die("init", init.status());
  LedgerOptions lo;
  lo.clock = [] { return kNowMs; };
  lo.sync = false;
  auto ledger = Ledger::Open(dir, lo);
  if (!ledger.ok()) Die("open", ledger.status());
  for (size_t i = 0; i < payloads.size(); ++i) {
    json::object p = payloads[i];
    p["expected_version"] = i;
    auto r = (*ledger)->Submit(signer.Sign(p));
    if (!r.ok()) Die("submit " + std::to_string(i), r.status());
  }
  std::stringstream ss;
  if (Status st = WriteBundle(*MakeLedgerSource(**ledger, "ledger"), ss); !st.ok()) Die("export", st);
  std::string text = ss.str();
  auto parsed = ReadBundle(ss);
  if (!parsed.ok()) Die("re-read", parsed.status());
  const Bundle bundle = *parsed;
  std::ofstream(out / "demo.jsonl", std::ios::binary | std::ios::trunc) << text;
  std::ofstream(out / "demo.vkey") << init->verifier_key << "\n";
  // The real operator's public key, as an auditor pins it (verify --operator-key).
  std::ofstream(out / "operator.pub.pem") << test::DemoKey("operator").public_key().ToPem();

  const auto demo_operator = test::DemoKey("operator").public_key();
  std::ofstream(out / "demo.operator") << crypto::Base64UrlEncode(demo_operator.raw()) << "\n";

  auto ledger_key = crypto::PrivateKey::Load(dir / "keys" / "ledger.pem");
  if (!ledger_key.ok()) Die("ledger key", ledger_key.status());
  auto real = crypto::NoteSigner::Create(kOrigin, std::move(*ledger_key));

  // Tamperings (the file name says what the independent verifier must report).
  {  // a payment amount changed and re-signed by an unregistered key
    Bundle b = bundle;
    json::object p = PayloadOf(b.records[kPayment]);
    p["data"].as_object()["amount_cents"] = 2000000000;
    std::string jws = crypto::JwsSign(json::serialize(p), SeedKey("rogue"));
    b.records[kPayment].leaf = EncodeLeaf(kPayment, b.records[kPayment].recorded_at_ms, jws);
    Reseal(b, *real);
    WriteBundleFile(out / "tampered-signature.jsonl", b);
  }
  {  // a payment amount changed, signature kept
    Bundle b = bundle;
    std::string jws = DecodeLeaf(b.records[kPayment].leaf)->jws;
    json::object p = PayloadOf(b.records[kPayment]);
    p["data"].as_object()["amount_cents"] = 2000000000;
    std::string header = jws.substr(0, jws.find('.'));
    std::string sig = jws.substr(jws.rfind('.') + 1);
    jws = header + "." + crypto::Base64UrlEncode(json::serialize(p)) + "." + sig;
    b.records[kPayment].leaf = EncodeLeaf(kPayment, b.records[kPayment].recorded_at_ms, jws);
    WriteBundleFile(out / "tampered-root.jsonl", b);
  }
  {  // a record deleted
    Bundle b = bundle;
    b.records.erase(b.records.begin() + kPayment);
    WriteBundleFile(out / "tampered-sequence.jsonl", b);
  }
  {  // a checkpoint signed by another key of the same name, the header naming
     // that key (the header carries no trust: the pinned key decides)
    Bundle b = bundle;
    auto other = crypto::NoteSigner::Create(kOrigin, SeedKey("other"));
    Reseal(b, *other);
    b.verifier_key = other->Verifier().VerifierKey();
    WriteBundleFile(out / "tampered-checkpoint.jsonl", b);
  }
  {  // two records swapped, resealed with the real key
    Bundle b = bundle;
    std::swap(b.records[kPayment - 1], b.records[kPayment]);
    Reseal(b, *real);
    WriteBundleFile(out / "tampered-swap.jsonl", b);
  }
  {  // an expected_version skipped, validly signed and sealed
    Bundle b = bundle;
    json::object p = PayloadOf(b.records[kLast]);
    p["expected_version"] = kLast - kGenesis + 1;
    b.records[kLast].leaf = EncodeLeaf(kLast, b.records[kLast].recorded_at_ms, signer.Sign(p));
    Reseal(b, *real);
    WriteBundleFile(out / "tampered-version.jsonl", b);
  }
  {  // the header lists operator keys (paraphe-bundle/v1's member): unreadable
    std::string t = text;
    const std::string key = "\"tree_size\":";
    t.insert(t.find(key), "\"operator_keys\":[{\"kid\":\"" + demo_operator.Thumbprint() +
                              "\",\"public_key\":\"" +
                              crypto::Base64UrlEncode(demo_operator.raw()) + "\"}],");
    std::ofstream(out / "tampered-header-operator-keys.jsonl", std::ios::binary | std::ios::trunc)
        << t;
    std::stringstream in(t);
    if (ReadBundle(in).ok()) {
      std::cerr << "make_demo_bundle: the C++ reader accepts a header with operator_keys\n";
      return 2;
    }
  }
  {  // no genesis: record 0 dropped, the others renumbered and resealed
    Bundle b = bundle;
    b.records.erase(b.records.begin());
    for (size_t i = 0; i < b.records.size(); ++i) {
      b.records[i].seq = i;
      b.records[i].leaf = EncodeLeaf(i, b.records[i].recorded_at_ms, DecodeLeaf(b.records[i].leaf)->jws);
    }
    Reseal(b, *real);
    WriteBundleFile(out / "tampered-genesis-missing.jsonl", b);
    Expect(MustVerify(b, init->verifier_key, {}, "tampered-genesis-missing"), kPropGenesis,
           "tampered-genesis-missing");
  }

  // The operator registry replayed from the ledger stream: a second
  // operator key registered at 15, the first revoked at 16 (signed by
  // itself), then a KeyRegistered at 17 signed by the new key (rotated: must
  // pass) or by the revoked one (tampered-operator-revoked: [key.revoked]).
  {
    auto op1 = test::DemoKey("operator");
    auto op2 = SeedKey("paraphe demo second operator key");
    const json::object actor{{"party", "operator"}, {"role", "operator"}};
    const std::string conv(payloads[0].at("convention").as_string());
    auto ledger_event = [&](std::string type, uint64_t version, json::object data) {
      return json::object{{"type", std::move(type)}, {"convention", "_ledger"},
                          {"expected_version", version}, {"date", "2026-11-26"},
                          {"actor", actor}, {"data", std::move(data)}};
    };
    json::object reg = ledger_event(
        "OperatorKeyRegistered", 1,
        {{"public_key", crypto::Base64UrlEncode(op2.public_key().raw())},
         {"holder", "second operator"}});
    json::object rev = ledger_event("OperatorKeyRevoked", 2,
                                    {{"kid", op1.public_key().Thumbprint()},
                                     {"reason", "rotation"}});
    json::object party_key{
        {"type", "KeyRegistered"}, {"convention", conv},
        {"expected_version", payloads.size()}, {"date", "2026-11-26"}, {"actor", actor},
        {"data", json::object{{"party", "crpv-paca"},
                              {"public_key", crypto::Base64UrlEncode(
                                                 SeedKey("crpv new finance key").public_key().raw())},
                              {"roles", json::array{"finance"}}}}};
    for (const bool revoked_signer : {false, true}) {
      Bundle b = bundle;
      auto append = [&](const std::string& jws) {
        const uint64_t seq = b.records.size();
        b.records.push_back(BundleRecord{seq, kNowMs, EncodeLeaf(seq, kNowMs, jws)});
      };
      append(crypto::JwsSign(json::serialize(reg), op1));
      append(crypto::JwsSign(json::serialize(rev), op1));
      append(crypto::JwsSign(json::serialize(party_key), revoked_signer ? op1 : op2));
      Reseal(b, *real);
      const std::string name = revoked_signer ? "tampered-operator-revoked" : "rotated";
      WriteBundleFile(out / (name + ".jsonl"), b);
      auto r = MustVerify(b, init->verifier_key, {demo_operator}, name);
      const bool want_fail = revoked_signer;
      const bool found = std::any_of(r.failures.begin(), r.failures.end(), [&](const auto& f) {
        return f.seq == b.records.size() - 1 && f.property == kPropSignature &&
               f.detail.find("[key.revoked]") == 0;
      });
      if (want_fail ? !found || r.failures.size() != 1 : !r.ok()) {
        std::cerr << "make_demo_bundle: the C++ verifier on " << name << ": unexpected result:\n";
        for (const auto& f : r.failures) std::cerr << "  " << f.property << ": " << f.detail << "\n";
        return 2;
      }
    }
  }

  // Issue 12 item 1: a thief of the ledger key (and of nothing else) re-writes
  // the log. Operator keys come only from the genesis, so they forge one
  // naming their own operator key, re-sign the operator's events with it,
  // cut the history after the payment order, register a finance key of
  // their own for the funder and execute the payment with it; the
  // checkpoint is signed with the real ledger key. The log is internally
  // consistent (a ledger accepted every event): only a pinned operator key
  // catches it.
  {
    const fs::path fdir = out / "forged-ledger";
    fs::remove_all(fdir);
    auto thief = SeedKey("attacker operator key");
    auto thief_finance = SeedKey("attacker finance key");
    InitOptions fo = io;
    fo.operator_key_pem = thief.ToPem();
    auto finit = Ledger::Init(fdir, fo);
    if (!finit.ok()) Die("forged init", finit.status());
    auto forged = Ledger::Open(fdir, lo);
    if (!forged.ok()) Die("forged open", forged.status());
    auto submit = [&](json::object p, const crypto::PrivateKey* key) {
      std::string jws = key ? crypto::JwsSign(json::serialize(p), *key) : signer.Sign(p);
      auto r = (*forged)->Submit(jws);
      if (!r.ok()) Die("forged submit " + std::string(p.at("type").as_string()), r.status());
    };
    for (size_t i = 0; i + kGenesis < kPayment + 1; ++i) {  // up to the payment order
      json::object p = payloads[i];
      p["expected_version"] = i;
      const bool op = p.at("actor").at("party").as_string() == "operator";
      submit(p, op ? &thief : nullptr);
    }
    const json::object order = payloads[kPayment - kGenesis];
    const std::string conv(order.at("convention").as_string());
    const std::string funder(order.at("actor").at("party").as_string());
    const std::string date(payloads[kPayment - kGenesis + 1].at("date").as_string());
    uint64_t version = kPayment - kGenesis + 1;
    submit(json::object{{"type", "KeyRegistered"},
                        {"convention", conv},
                        {"expected_version", version++},
                        {"date", date},
                        {"actor", json::object{{"party", "operator"}, {"role", "operator"}}},
                        {"data", json::object{{"party", funder},
                                              {"public_key", crypto::Base64UrlEncode(
                                                                 thief_finance.public_key().raw())},
                                              {"roles", json::array{"finance"}}}}},
           &thief);
    json::object paid = payloads[kPayment - kGenesis + 1];  // 05-PaymentExecuted
    paid["expected_version"] = version++;
    paid["data"].as_object()["bank_reference"] = "FORGED-0001";
    submit(paid, &thief_finance);
    std::stringstream fs_out;
    if (Status st = WriteBundle(*MakeLedgerSource(**forged, "forged"), fs_out); !st.ok()) {
      Die("forged export", st);
    }
    auto fb = ReadBundle(fs_out);
    if (!fb.ok()) Die("forged re-read", fb.status());
    Bundle b = *fb;
    ReplaceGenesis(b, SignGenesis(thief, kOrigin, init->verifier_key, kNowMs));
    b.origin = kOrigin;
    b.verifier_key = init->verifier_key;
    Reseal(b, *real);
    WriteBundleFile(out / "forged-genesis.jsonl", b);
    Expect(MustVerify(b, init->verifier_key, {}, "forged-genesis"), "", "forged-genesis unpinned");
    Expect(MustVerify(b, init->verifier_key, {demo_operator}, "forged-genesis"), kPropGenesis,
           "forged-genesis pinned");
  }

  // The worked example of docs/FORMAT.md section 10: the same log under a
  // fixed ledger key (origin paraphe.example/ledger), so that every value is
  // deterministic. Only the genesis names the ledger, so only record 0 and
  // the checkpoint differ from the demo's.
  auto fixed = crypto::NoteSigner::Create("paraphe.example/ledger",
                                          SeedKey("paraphe example ledger key"));
  Bundle example = bundle;
  ReplaceGenesis(example, SignGenesis(test::DemoKey("operator"), fixed->name(),
                                      fixed->Verifier().VerifierKey(), kNowMs));
  example.origin = fixed->name();
  example.verifier_key = fixed->Verifier().VerifierKey();
  Reseal(example, *fixed);
  WriteBundleFile(out / "example.jsonl", example);
  std::ofstream(out / "example.vkey") << example.verifier_key << "\n";
  Expect(MustVerify(example, example.verifier_key, {demo_operator}, "example"), "", "example");

  std::ofstream ex(out / "worked-example.txt");
  auto dump_jws = [&](const BundleRecord& r, const std::string& label) {
    auto jws = crypto::JwsParse(DecodeLeaf(r.leaf)->jws);
    ex << label << " leaf seq " << r.seq << " (" << r.leaf.size()
       << " bytes), header hex: " << Hex(r.leaf.substr(0, 17)) << "\n";
    ex << label << " leaf jws prefix: " << r.leaf.substr(17, 120) << "...\n";
    ex << label << " leaf hash hex: " << crypto::HashHex(crypto::LeafHash(r.leaf)) << "\n";
    ex << label << " leaf hash b64: " << crypto::HashBase64(crypto::LeafHash(r.leaf)) << "\n";
    ex << label << " jws header: " << jws->header_json << "\n";
    ex << label << " jws header b64url: "
       << jws->signing_input.substr(0, jws->signing_input.find('.')) << "\n";
    ex << label << " jws payload: " << jws->payload << "\n";
    ex << label << " jws signature hex: " << Hex(jws->signature) << "\n";
    ex << label << " signer kid: " << jws->kid << "\n";
    ex << label << " record line: "
       << BundleRecordLine(r.seq, r.recorded_at_ms, r.leaf).substr(0, 140) << "...\n";
  };
  dump_jws(example.records[0], "genesis");
  dump_jws(example.records[kGenesis + 1], "party");
  auto op_pub = demo_operator;
  ex << "operator public hex: " << Hex(op_pub.raw()) << "\n";
  ex << "operator public b64url: " << crypto::Base64UrlEncode(op_pub.raw()) << "\n";
  ex << "operator kid: " << op_pub.Thumbprint() << "\n";
  auto pub = test::DemoKey("metropole-signatory").public_key();
  ex << "signer public hex: " << Hex(pub.raw()) << "\n";
  ex << "signer public b64url: " << crypto::Base64UrlEncode(pub.raw()) << "\n";
  ex << "thumbprint input: {\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" << crypto::Base64UrlEncode(pub.raw()) << "\"}\n";
  crypto::MemoryTree tree;
  for (const auto& r : example.records) tree.AppendLeaf(r.leaf);
  ex << "example vkey: " << fixed->Verifier().VerifierKey() << "\n";
  ex << "example key id: " << std::hex << fixed->key_id() << std::dec << "\n";
  ex << "example public hex: " << Hex(fixed->key().public_key().raw()) << "\n";
  ex << "root hex: " << crypto::HashHex(tree.Root()) << "\n";
  ex << "checkpoint note:\n" << example.checkpoint << "---\n";
  const uint64_t proof_index = kGenesis + 1;
  auto proof = crypto::InclusionProof(proof_index, tree.size(), tree.Reader());
  ex << "inclusion proof index " << proof_index << " size " << tree.size() << ":\n";
  for (const auto& h : *proof) ex << "  " << crypto::HashHex(h) << "  " << crypto::HashBase64(h) << "\n";
  std::cout << "wrote " << out.string() << "\n";
  return 0;
}
