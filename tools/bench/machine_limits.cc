#include "tools/bench/machine_limits.h"

#include <openssl/evp.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "crypto/jws.h"
#include "crypto/sha256.h"
#include "tools/bench/util.h"
#include "tools/bench/workload.h"

namespace paraphe::bench {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// A message the size of a typical event's JWS signing input.
std::string Message() { return std::string(640, 'm'); }

Pkey PrivatePkey() {
  unsigned char seed[32];
  for (int i = 0; i < 32; ++i) seed[i] = static_cast<unsigned char>(i * 7 + 1);
  return Pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed, sizeof seed));
}

std::string SignRaw(EVP_PKEY* key, const std::string& msg) {
  MdCtx ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t len = sizeof sig;
  EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key);
  EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(msg.data()),
                 msg.size());
  return std::string(reinterpret_cast<char*>(sig), len);
}

// Runs, on each of `threads` threads, the op that make_op() returns in a
// loop for `seconds`; returns ops/s over all threads, -1 if an op failed.
template <typename MakeOp>
double Rate(int threads, double seconds, MakeOp make_op) {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> total{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      auto op = make_op();
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < 16; ++i) {
          if (!op()) failed = true;
        }
        n += 16;
      }
      total += n;
    });
  }
  Stopwatch sw;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double elapsed = sw.Seconds();
  if (failed) return -1;
  return static_cast<double>(total.load()) / elapsed;
}

double VerifyRate(int threads, double seconds) {
  const std::string msg = Message();
  return Rate(threads, seconds, [&msg] {
    Pkey priv = PrivatePkey();
    std::string sig = SignRaw(priv.get(), msg);
    unsigned char pub[32];
    size_t len = sizeof pub;
    EVP_PKEY_get_raw_public_key(priv.get(), pub, &len);
    auto key = std::make_shared<Pkey>(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub, len));
    auto ctx = std::make_shared<MdCtx>(EVP_MD_CTX_new());
    return [key, ctx, sig, &msg] {
      EVP_MD_CTX_reset(ctx->get());
      if (EVP_DigestVerifyInit(ctx->get(), nullptr, nullptr, nullptr, key->get()) != 1) {
        return false;
      }
      return EVP_DigestVerify(ctx->get(), reinterpret_cast<const unsigned char*>(sig.data()),
                              sig.size(), reinterpret_cast<const unsigned char*>(msg.data()),
                              msg.size()) == 1;
    };
  });
}

double SignRate(int threads, double seconds) {
  const std::string msg = Message();
  return Rate(threads, seconds, [&msg] {
    auto key = std::make_shared<Pkey>(PrivatePkey());
    auto ctx = std::make_shared<MdCtx>(EVP_MD_CTX_new());
    return [key, ctx, &msg] {
      unsigned char sig[64];
      size_t len = sizeof sig;
      EVP_MD_CTX_reset(ctx->get());
      if (EVP_DigestSignInit(ctx->get(), nullptr, nullptr, nullptr, key->get()) != 1) {
        return false;
      }
      return EVP_DigestSign(ctx->get(), sig, &len,
                            reinterpret_cast<const unsigned char*>(msg.data()),
                            msg.size()) == 1;
    };
  });
}

double Sha256MBps(double seconds, size_t block) {
  std::string buf(block, 'x');
  double ops = Rate(1, seconds, [&buf] {
    return [&buf] {
      unsigned char out[32];
      unsigned int len = 0;
      return EVP_Digest(buf.data(), buf.size(), out, &len, EVP_sha256(), nullptr) == 1;
    };
  });
  return ops * static_cast<double>(block) / 1e6;
}

// The project's own verification path (crypto::JwsVerify on a parsed event
// JWS), for comparison with the raw OpenSSL rate.
double JwsVerifyRate(double seconds) {
  const std::string jws = SampleCommitteeJws();
  auto parsed = crypto::JwsParse(jws);
  if (!parsed.ok()) return -1;
  const crypto::PublicKey key = DemoKeys::Get().committee.public_key();
  return Rate(1, seconds, [&] {
    return [&] { return crypto::JwsVerify(*parsed, key).ok(); };
  });
}

double RocksDbSyncedBatches(double seconds, const std::filesystem::path& tmp, Report& report) {
  auto dir = TempDir::Create(tmp, "paraphe-bench-rocks-");
  if (!dir.ok()) {
    report.Error(dir.status().ToString());
    return -1;
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status st = rocksdb::DB::Open(options, (dir->path() / "db").string(), &raw);
  if (!st.ok()) {
    report.Error("rocksdb open: " + st.ToString());
    return -1;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  const std::string value(700, 'v');
  uint64_t n = 0;
  Stopwatch sw;
  while (sw.Seconds() < seconds) {
    rocksdb::WriteBatch batch;
    batch.Put("k" + std::to_string(n), value);
    st = db->Write(wo, &batch);
    if (!st.ok()) {
      report.Error("rocksdb write: " + st.ToString());
      return -1;
    }
    ++n;
  }
  return static_cast<double>(n) / sw.Seconds();
}

}  // namespace

MachineLimits MeasureMachineLimits(double seconds, const std::filesystem::path& tmp,
                                   Report& report) {
  MachineLimits m;
  m.cores = Cores();
  Progress("machine limits: %d cores, %.1f s per measurement", m.cores, seconds);
  m.verify_one_core = VerifyRate(1, seconds);
  report.Add("limit.ed25519_verify.1core", m.verify_one_core, "verify/s", std::nullopt, {},
             Cmp::kNone, 0, "OpenSSL EVP, 640-byte message");
  m.verify_all_cores = VerifyRate(m.cores, seconds);
  report.Add("limit.ed25519_verify.all_cores", m.verify_all_cores, "verify/s",
             m.verify_one_core, "verify 1 core", Cmp::kNone, 0,
             std::to_string(m.cores) + " threads");
  m.sign_all_cores = SignRate(m.cores, seconds);
  report.Add("limit.ed25519_sign.all_cores", m.sign_all_cores, "sign/s");
  double jws = JwsVerifyRate(seconds);
  report.Add("crypto.jws_verify.1core", jws, "verify/s", m.verify_one_core, "verify 1 core",
             Cmp::kNone, 0, "crypto::JwsVerify on an event JWS");
  m.sha256_mb_s = Sha256MBps(seconds, 1 << 20);
  report.Add("limit.sha256.1core", m.sha256_mb_s, "MB/s", std::nullopt, {}, Cmp::kNone, 0,
             "1 MiB buffers");
  double small = Sha256MBps(seconds, 1024);
  report.Add("limit.sha256.1core.1KiB", small, "MB/s", m.sha256_mb_s, "sha256 1MiB",
             Cmp::kNone, 0, "1 KiB messages (leaf-sized)");
  m.rocksdb_synced_batches = RocksDbSyncedBatches(seconds * 2, tmp, report);
  report.Add("limit.rocksdb.synced_batches", m.rocksdb_synced_batches, "batch/s", std::nullopt,
             {}, Cmp::kNone, 0, "one writer, sync=true, 1 put of 700 B per batch");
  return m;
}

}  // namespace paraphe::bench
