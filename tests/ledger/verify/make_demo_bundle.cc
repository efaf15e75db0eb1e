// make_demo_bundle OUTDIR: builds a ledger from the seed convention's example
// history (deterministic demo keys, fixed clock) and writes, for the
// independent verifier's tests:
//   OUTDIR/demo.jsonl            the export bundle
//   OUTDIR/demo.vkey             the ledger's verifier key
//   OUTDIR/tampered-<what>.jsonl one tampering each (see kTampers below)
//   OUTDIR/worked-example.txt    the values pasted in docs/FORMAT.md
// The ledger key is random per run, so checkpoints differ between runs;
// everything else is deterministic.
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
#include "tests/ledger/demo_history.h"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace paraphe;          // NOLINT
using namespace paraphe::ledger;  // NOLINT

namespace {

constexpr int64_t kNowMs = 1'795'694'400'000LL;  // 2026-11-26T12:00:00Z
constexpr char kOrigin[] = "paraphe.demo/ledger";

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

  auto ledger_key = crypto::PrivateKey::Load(dir / "keys" / "ledger.pem");
  if (!ledger_key.ok()) Die("ledger key", ledger_key.status());
  auto real = crypto::NoteSigner::Create(kOrigin, std::move(*ledger_key));

  // Tamperings (the file name says what the independent verifier must report).
  {  // a payment amount changed and re-signed by an unregistered key
    Bundle b = bundle;
    json::object p = PayloadOf(b.records[4]);
    p["data"].as_object()["amount_cents"] = 2000000000;
    auto rogue = crypto::PrivateKey::FromSeed(crypto::HashBytes(crypto::Sha256("rogue")));
    std::string jws = crypto::JwsSign(json::serialize(p), *rogue);
    b.records[4].leaf = EncodeLeaf(4, b.records[4].recorded_at_ms, jws);
    Reseal(b, *real);
    WriteBundleFile(out / "tampered-signature.jsonl", b);
  }
  {  // a payment amount changed, signature kept
    Bundle b = bundle;
    std::string jws = DecodeLeaf(b.records[4].leaf)->jws;
    json::object p = PayloadOf(b.records[4]);
    p["data"].as_object()["amount_cents"] = 2000000000;
    std::string header = jws.substr(0, jws.find('.'));
    std::string sig = jws.substr(jws.rfind('.') + 1);
    jws = header + "." + crypto::Base64UrlEncode(json::serialize(p)) + "." + sig;
    b.records[4].leaf = EncodeLeaf(4, b.records[4].recorded_at_ms, jws);
    WriteBundleFile(out / "tampered-root.jsonl", b);
  }
  {  // a record deleted
    Bundle b = bundle;
    b.records.erase(b.records.begin() + 4);
    WriteBundleFile(out / "tampered-sequence.jsonl", b);
  }
  {  // a checkpoint signed by another key
    Bundle b = bundle;
    auto other = crypto::NoteSigner::Create(
        kOrigin, std::move(*crypto::PrivateKey::FromSeed(crypto::HashBytes(crypto::Sha256("other")))));
    Reseal(b, *other);
    WriteBundleFile(out / "tampered-checkpoint.jsonl", b);
  }
  {  // two records swapped, resealed with the real key
    Bundle b = bundle;
    std::swap(b.records[3], b.records[4]);
    Reseal(b, *real);
    WriteBundleFile(out / "tampered-swap.jsonl", b);
  }
  {  // an expected_version skipped, validly signed and sealed
    Bundle b = bundle;
    json::object p = PayloadOf(b.records[13]);
    p["expected_version"] = 14;
    b.records[13].leaf = EncodeLeaf(13, b.records[13].recorded_at_ms, signer.Sign(p));
    Reseal(b, *real);
    WriteBundleFile(out / "tampered-version.jsonl", b);
  }

  // Worked example values for docs/FORMAT.md.
  std::ofstream ex(out / "worked-example.txt");
  const BundleRecord& r0 = bundle.records[1];
  auto jws = crypto::JwsParse(DecodeLeaf(r0.leaf)->jws);
  ex << "leaf seq 1 (" << r0.leaf.size() << " bytes), header hex: " << Hex(r0.leaf.substr(0, 17)) << "\n";
  ex << "leaf jws prefix: " << r0.leaf.substr(17, 120) << "...\n";
  ex << "leaf hash hex: " << crypto::HashHex(crypto::LeafHash(r0.leaf)) << "\n";
  ex << "leaf hash b64: " << crypto::HashBase64(crypto::LeafHash(r0.leaf)) << "\n";
  ex << "jws header: " << jws->header_json << "\n";
  ex << "jws header b64url: " << jws->signing_input.substr(0, jws->signing_input.find('.')) << "\n";
  ex << "jws payload: " << jws->payload << "\n";
  ex << "jws signature hex: " << Hex(jws->signature) << "\n";
  ex << "signer kid: " << jws->kid << "\n";
  auto pub = test::DemoKey("metropole-signatory").public_key();
  ex << "signer public hex: " << Hex(pub.raw()) << "\n";
  ex << "signer public b64url: " << crypto::Base64UrlEncode(pub.raw()) << "\n";
  ex << "thumbprint input: {\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" << crypto::Base64UrlEncode(pub.raw()) << "\"}\n";
  // A fixed ledger key for the checkpoint example (the demo's is random).
  auto fixed = crypto::NoteSigner::Create(
      "paraphe.example/ledger",
      std::move(*crypto::PrivateKey::FromSeed(crypto::HashBytes(crypto::Sha256("paraphe example ledger key")))));
  crypto::MemoryTree tree;
  for (const auto& r : bundle.records) tree.AppendLeaf(r.leaf);
  crypto::Checkpoint cp{fixed->name(), tree.size(), tree.Root(), {}};
  ex << "example vkey: " << fixed->Verifier().VerifierKey() << "\n";
  ex << "example key id: " << std::hex << fixed->key_id() << std::dec << "\n";
  ex << "example public hex: " << Hex(fixed->key().public_key().raw()) << "\n";
  ex << "root hex: " << crypto::HashHex(tree.Root()) << "\n";
  ex << "checkpoint note:\n" << *fixed->Sign(cp.Body()) << "---\n";
  auto proof = crypto::InclusionProof(1, tree.size(), tree.Reader());
  ex << "inclusion proof index 1 size " << tree.size() << ":\n";
  for (const auto& h : *proof) ex << "  " << crypto::HashHex(h) << "  " << crypto::HashBase64(h) << "\n";
  ex << "record line 1: " << BundleRecordLine(r0.seq, r0.recorded_at_ms, r0.leaf).substr(0, 140) << "...\n";
  std::cout << "wrote " << out.string() << "\n";
  return 0;
}
