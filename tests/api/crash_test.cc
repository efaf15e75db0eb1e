// Crash safety of paraphed: several clients post signed events while the
// server is killed with SIGKILL at random moments, round after round, and
// restarted on the same directory. After each restart:
//   - every acknowledged append (201) is in the log with the same seq, leaf
//     hash and JWS, and so is every record an earlier check saw;
//   - the log begins with the genesis records Init wrote, unchanged;
//   - the log has no gap and at least as many records as acknowledgements
//     after the genesis;
//   - a record nobody acknowledged (the answer was lost with the server) is
//     exactly an event a client sent and got no answer for;
//   - the checkpoint's signature verifies, its root is the RFC 6962 root of
//     the leaf hashes served, and inclusion proofs verify against it.
// After the last crash `paraphe verify --data DIR` (the real CLI) exits 0.
//
// PARAPHE_CRASH_SEED=N replays the random choices (the test prints the seed
// it used; the timing of the kills is the machine's); PARAPHE_CRASH_ROUNDS=N
// changes the number of rounds.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "crypto/base64.h"
#include "crypto/merkle.h"
#include "crypto/note.h"
#include "tests/api/server_fixture.h"
#include "tests/tools/cli_harness.h"

namespace paraphe::api {
namespace {

constexpr int kClients = 6;
constexpr int kDefaultRounds = 20;
// Bounded: no new round starts after this, once kMinRounds are done.
constexpr auto kBudget = std::chrono::seconds(70);
constexpr uint64_t kMinRounds = 8;

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 10);
}

// An append the server acknowledged with 201.
struct Ack {
  uint64_t seq = 0;
  std::string leaf_hash;
  std::string jws;
  std::string convention;
  uint64_t version = 0;
};

// What one client saw in one round.
struct ClientLog {
  std::vector<Ack> acked;
  std::vector<std::string> unanswered;  // sent; no answer (the server died)
  int conflicts = 0;                    // deliberate stale versions: 409
  int duplicates = 0;                   // deliberate re-posts: 200
  int retried_503 = 0;
  std::vector<std::string> failures;  // anything unexpected
};

// A record as GET /v1/log/entries serves it.
struct Served {
  std::string leaf_hash;
  std::string jws;
};

class CrashTest : public ServerTest {
 protected:
  // The genesis records Ledger::Init wrote (read before any server runs):
  // the only records in the log that no client sent.
  std::vector<Served> ReadGenesis() {
    std::vector<Served> out;
    auto ledger = ledger::Ledger::Open(tl_->dir);
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    if (!ledger.ok()) return out;
    EXPECT_EQ((*ledger)->size(), test::kGenesis);
    for (uint64_t seq = 0; seq < test::kGenesis; ++seq) {
      auto r = (*ledger)->Entry(seq);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (!r.ok()) return out;
      auto json = (*ledger)->RecordJson(*r);
      EXPECT_TRUE(json.ok()) << json.status().ToString();
      if (!json.ok()) return out;
      EXPECT_EQ(json->at("convention").as_string(), "_ledger");
      out.push_back({std::string(json->at("leaf_hash").as_string()),
                     std::string(json->at("jws").as_string())});
    }
    return out;
  }

  // One client of one round: conventions of its own, each taken through
  // registration, both signatures and the notification, until the server
  // goes away or `stop` is set.
  ClientLog RunClient(int round, int client, uint64_t seed,
                      const std::atomic<bool>& stop) {
    ClientLog log;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> die(0, 7);
    HttpClientOptions http;
    http.timeout = 10s;
    const std::string url = server_.url() + "/v1/events";
    // Posts `jws`; retries 503s. Returns the answer, or nullopt if the
    // server went away (then `jws` counts as unanswered).
    auto post = [&](const std::string& jws) -> std::optional<HttpResponse> {
      for (int attempt = 0; attempt < 50; ++attempt) {
        auto r =
            HttpPost(url, jws, {{"Content-Type", "application/jose"}}, http);
        if (!r.ok()) {
          log.unanswered.push_back(jws);
          return std::nullopt;
        }
        if (r->status != 503) return *r;
        ++log.retried_503;
        if (r->Header("Retry-After").empty()) {
          log.failures.push_back("503 without Retry-After: " + r->body);
        }
        std::this_thread::sleep_for(20ms);
      }
      log.failures.push_back("still 503 after 50 attempts");
      return std::nullopt;
    };
    for (int n = 0; !stop.load(); ++n) {
      test::TestConvention c("crash-r" + std::to_string(round) + "-c" +
                             std::to_string(client) + "-" + std::to_string(n));
      const std::vector<std::string> events = {
          c.Registration(tl_->operator_key), c.PartySigned("metropole", 1),
          c.PartySigned("crpv-paca", 2), c.AttributionNotified(3)};
      for (uint64_t v = 0; v < events.size(); ++v) {
        auto r = post(events[v]);
        if (!r) return log;
        if (r->status != 201) {
          log.failures.push_back(c.id + " v" + std::to_string(v) + ": " +
                                 std::to_string(r->status) + " " + r->body);
          return log;
        }
        auto o = boost::json::parse(r->body).as_object();
        Ack ack{o.at("seq").to_number<uint64_t>(),
                std::string(o.at("leaf_hash").as_string()), events[v], c.id,
                o.at("version").to_number<uint64_t>()};
        if (ack.version != v + 1) {  // the stream's version after it
          log.failures.push_back(c.id + ": receipt version " +
                                 std::to_string(ack.version) + " for v" +
                                 std::to_string(v));
        }
        log.acked.push_back(ack);
        if (v >= 2 && die(rng) == 0) {
          // A stale expected_version must be refused with the current one.
          auto stale = post(c.PartySigned("metropole", 1, "B. Retardataire"));
          if (!stale) return log;
          auto so = boost::json::parse(stale->body).as_object();
          if (stale->status != 409 || !so.contains("current_version") ||
              so.at("current_version").to_number<uint64_t>() != v + 1) {
            log.failures.push_back(
                "stale post: " + std::to_string(stale->status) + " " +
                stale->body);
          } else {
            ++log.conflicts;
          }
        } else if (die(rng) == 0) {
          // Re-posting an acknowledged event answers its original receipt.
          auto dup = post(events[v]);
          if (!dup) return log;
          auto d = boost::json::parse(dup->body).as_object();
          if (dup->status != 200 || !d.at("duplicate").as_bool() ||
              d.at("seq").to_number<uint64_t>() != ack.seq) {
            log.failures.push_back(
                "duplicate post: " + std::to_string(dup->status) + " " +
                dup->body);
          } else {
            ++log.duplicates;
          }
        }
      }
    }
    return log;
  }

  // Every record the server serves, in seq order.
  std::vector<Served> ReadLog() {
    std::vector<Served> out;
    uint64_t start = 0;
    while (true) {
      HttpResponse r = Get("/v1/log/entries?start=" + std::to_string(start));
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return out;
      auto o = Json(r);
      for (const auto& e : o.at("entries").as_array()) {
        const auto& rec = e.as_object();
        EXPECT_EQ(rec.at("seq").to_number<uint64_t>(), out.size())
            << "gap or repeat in the log";
        out.push_back({std::string(rec.at("leaf_hash").as_string()),
                       std::string(rec.at("jws").as_string())});
      }
      if (o.at("next").is_null()) return out;
      start = o.at("next").to_number<uint64_t>();
    }
  }

  // The checks after a restart; returns the number of records that nobody
  // acknowledged.
  size_t CheckLog(const std::vector<Served>& genesis,
                  const std::map<uint64_t, Ack>& acked,
                  const std::set<std::string>& unanswered,
                  std::map<uint64_t, Served>& seen_before,
                  std::mt19937_64& rng) {
    std::vector<Served> log = ReadLog();
    EXPECT_GE(log.size(), genesis.size() + acked.size());
    for (const auto& [seq, ack] : acked) {
      if (seq >= log.size()) {
        ADD_FAILURE() << "acknowledged seq " << seq << " (" << ack.convention
                      << " v" << ack.version << ") is lost; log size "
                      << log.size();
        continue;
      }
      EXPECT_EQ(log[seq].leaf_hash, ack.leaf_hash) << "seq " << seq;
      EXPECT_EQ(log[seq].jws, ack.jws) << "seq " << seq;
    }
    for (const auto& [seq, served] : seen_before) {
      if (seq >= log.size()) {
        ADD_FAILURE() << "seq " << seq << " was served before, now lost";
        continue;
      }
      EXPECT_EQ(log[seq].leaf_hash, served.leaf_hash) << "seq " << seq;
      EXPECT_EQ(log[seq].jws, served.jws) << "seq " << seq;
    }
    size_t extras = 0;
    std::set<std::string> jws_seen;
    for (uint64_t seq = 0; seq < log.size(); ++seq) {
      EXPECT_TRUE(jws_seen.insert(log[seq].jws).second)
          << "seq " << seq << " repeats an event appended before";
      if (seq < genesis.size()) {
        EXPECT_EQ(log[seq].leaf_hash, genesis[seq].leaf_hash) << "genesis seq " << seq;
        EXPECT_EQ(log[seq].jws, genesis[seq].jws) << "genesis seq " << seq;
      } else if (!acked.contains(seq)) {
        ++extras;
        EXPECT_TRUE(unanswered.contains(log[seq].jws))
            << "seq " << seq << " holds an event no client sent";
      }
      seen_before[seq] = log[seq];
    }

    // The checkpoint: signed by the ledger key, over these leaves.
    HttpResponse cp = Get("/v1/log/checkpoint");
    EXPECT_EQ(cp.status, 200);
    auto verifier =
        crypto::NoteVerifier::FromVerifierKey(tl_->init.verifier_key);
    EXPECT_TRUE(verifier.ok());
    if (!verifier.ok()) return extras;
    auto body = verifier->Open(cp.body);
    EXPECT_TRUE(body.ok()) << body.status().ToString();
    if (!body.ok()) return extras;
    auto checkpoint = crypto::Checkpoint::Parse(*body);
    EXPECT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
    if (!checkpoint.ok()) return extras;
    EXPECT_EQ(checkpoint->origin, "paraphe.test/api");
    EXPECT_EQ(checkpoint->size, log.size());
    crypto::MemoryTree tree;
    for (uint64_t i = 0; i < log.size() && i < checkpoint->size; ++i) {
      auto raw = crypto::Base64Decode(log[i].leaf_hash);
      EXPECT_TRUE(raw.ok() && raw->size() == 32) << "seq " << i;
      if (!raw.ok() || raw->size() != 32) return extras;
      crypto::Hash h{};
      std::copy(raw->begin(), raw->end(), reinterpret_cast<char*>(h.data()));
      tree.Append(h);
    }
    EXPECT_EQ(tree.Root(), checkpoint->root) << "checkpoint root";
    // Inclusion proofs of a few records against that checkpoint.
    for (int i = 0; i < 3 && checkpoint->size > 0; ++i) {
      uint64_t seq = rng() % checkpoint->size;
      auto proof =
          Json(Get("/v1/log/proof/inclusion?seq=" + std::to_string(seq) +
                   "&tree_size=" + std::to_string(checkpoint->size)));
      std::vector<crypto::Hash> path;
      for (const auto& p : proof.at("proof").as_array()) {
        auto raw = crypto::Base64Decode(p.as_string());
        EXPECT_TRUE(raw.ok() && raw->size() == 32);
        if (!raw.ok() || raw->size() != 32) return extras;
        crypto::Hash h{};
        std::copy(raw->begin(), raw->end(), reinterpret_cast<char*>(h.data()));
        path.push_back(h);
      }
      auto leaf = crypto::Base64Decode(log[seq].leaf_hash);
      crypto::Hash lh{};
      std::copy(leaf->begin(), leaf->end(), reinterpret_cast<char*>(lh.data()));
      Status st = crypto::VerifyInclusion(seq, checkpoint->size, lh, path,
                                          checkpoint->root);
      EXPECT_TRUE(st.ok()) << "seq " << seq << ": " << st.ToString();
    }
    return extras;
  }
};

TEST_F(CrashTest, EveryAcknowledgedAppendSurvivesSigkill) {
  const uint64_t seed = EnvOr("PARAPHE_CRASH_SEED", std::random_device{}());
  const uint64_t rounds = EnvOr("PARAPHE_CRASH_ROUNDS", kDefaultRounds);
  std::cout << "crash test: seed " << seed << " (PARAPHE_CRASH_SEED), "
            << rounds << " rounds" << std::endl;
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> delay_ms(50, 1200);

  std::map<uint64_t, Ack> acked;     // every 201, by seq
  std::set<std::string> unanswered;  // every JWS sent without an answer
  std::map<uint64_t, Served> seen;   // every record a check has served
  size_t total_conflicts = 0, total_duplicates = 0, total_503 = 0;
  size_t extras_so_far = 0;
  auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  const std::vector<std::string> flags = {"--quiet", "--workers", "2"};
  const std::vector<Served> genesis = ReadGenesis();
  ASSERT_EQ(genesis.size(), test::kGenesis);

  const auto test_start = std::chrono::steady_clock::now();
  uint64_t round = 0;
  for (; round < rounds; ++round) {
    if (round >= kMinRounds &&
        std::chrono::steady_clock::now() - test_start > kBudget) {
      std::cout << "time budget spent: stopping after " << round << " rounds"
                << std::endl;
      break;
    }
    SCOPED_TRACE("round " + std::to_string(round) + ", seed " +
                 std::to_string(seed));
    const auto t0 = std::chrono::steady_clock::now();
    StartServer(flags);
    if (HasFatalFailure()) return;
    const auto t1 = std::chrono::steady_clock::now();
    const size_t extras =
        CheckLog(genesis, acked, unanswered, seen, rng) - extras_so_far;
    extras_so_far += extras;
    const auto t2 = std::chrono::steady_clock::now();
    std::atomic<bool> stop{false};
    std::vector<ClientLog> logs(kClients);
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      uint64_t client_seed = rng();
      clients.emplace_back([&, c, client_seed] {
        logs[c] = RunClient(static_cast<int>(round), c, client_seed, stop);
      });
    }
    const int delay = delay_ms(rng);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    EXPECT_EQ(server_.Stop(SIGKILL), 128 + SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();

    size_t round_acks = 0, round_unanswered = 0;
    for (const ClientLog& log : logs) {
      for (const std::string& f : log.failures) ADD_FAILURE() << f;
      for (const Ack& a : log.acked) {
        EXPECT_TRUE(acked.emplace(a.seq, a).second)
            << "two acknowledgements for seq " << a.seq;
      }
      round_acks += log.acked.size();
      round_unanswered += log.unanswered.size();
      unanswered.insert(log.unanswered.begin(), log.unanswered.end());
      total_conflicts += log.conflicts;
      total_duplicates += log.duplicates;
      total_503 += log.retried_503;
    }
    std::cout << "round " << round << ": restart " << ms(t1 - t0)
              << " ms, check " << ms(t2 - t1) << " ms (" << seen.size()
              << " records, " << extras
              << " complete but unacknowledged from the last crash); "
              << round_acks << " acknowledged, " << round_unanswered
              << " unanswered, killed after " << delay << " ms" << std::endl;
    if (HasFailure()) return;
  }

  // The directory as the last SIGKILL left it verifies offline...
#ifdef PARAPHE_HAVE_CLI
  const auto v0 = std::chrono::steady_clock::now();
  cli::Ran verify =
      cli::Paraphe({"verify", "--data", tl_->dir.string(), "--trusted-key",
                    tl_->init.verifier_key, "--json"});
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
  boost::system::error_code ec;
  auto report = boost::json::parse(verify.out, ec);
  ASSERT_FALSE(ec) << verify.out << verify.err;
  EXPECT_TRUE(report.at("ok").as_bool()) << verify.out;
  EXPECT_GE(report.at("tree_size").to_number<uint64_t>(),
            test::kGenesis + acked.size());
  std::cout << "paraphe verify --data: exit " << verify.code << " in "
            << ms(std::chrono::steady_clock::now() - v0) << " ms" << std::endl;
#else
  std::cout << "paraphe is not built: `paraphe verify` skipped" << std::endl;
#endif
  // ...and, restarted, serves every acknowledged append.
  StartServer(flags);
  const size_t extras = CheckLog(genesis, acked, unanswered, seen, rng);
  std::cout << "after " << round << " rounds: " << acked.size()
            << " acknowledged appends, log size " << seen.size() << ", "
            << extras << " unacknowledged but complete record(s), "
            << unanswered.size() << " unanswered posts, " << total_conflicts
            << " stale-version 409s, " << total_duplicates
            << " duplicate 200s, " << total_503 << " 503 retries" << std::endl;
  EXPECT_GT(acked.size(), 0u);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace paraphe::api
