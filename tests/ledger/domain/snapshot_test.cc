// Snapshots: round trip, corruption, and the replay property: for random
// valid histories, snapshot at any cut point + continued application equals
// the full replay.
#include "ledger/domain/snapshot.h"

#include <gtest/gtest.h>

#include <random>

#include "domain_test_util.h"
#include "ledger/domain/rules.h"

namespace paraphe::ledger {
namespace {
namespace json = boost::json;
using testing::D;
using testing::Harness;
using testing::Sha;

const char* Pick(std::mt19937_64& rng, std::initializer_list<const char*> v) {
  return v.begin()[rng() % v.size()];
}

// Proposes a random, often valid, event for the current state; Harness keeps
// only those the rules accept.
void RandomStep(Harness& h, std::mt19937_64& rng, Date& day) {
  const int jump = static_cast<int>(rng() % 10);
  day = day.AddDays(jump < 1 ? -3 : jump % 4);  // sometimes back-dated
  const std::string date = day.ToString();
  const std::string n = std::to_string(rng() % 3);
  const char* signer = Pick(rng, {"metropole-signatory", "crpv-signatory"});
  const char* clerk = Pick(rng, {"metropole-clerk", "crpv-clerk"});
  Status ignored;
  switch (rng() % 16) {
    case 0: ignored = h.Sign(signer, date); break;
    case 1: ignored = h.Notify(date); break;
    case 2: case 3: {
      int64_t amount = h.state.installments.empty()
                           ? 1
                           : h.state.installments[rng() % h.state.installments.size()]
                                 .amount_cents;
      ignored = h.Order(date, "M" + n, amount, 2026 + static_cast<int64_t>(rng() % 2));
      break;
    }
    case 4: {
      const Mandat* m = h.state.mandats.empty()
                            ? nullptr
                            : &h.state.mandats[rng() % h.state.mandats.size()];
      if (m) ignored = h.Execute(date, m->number, m->amount_cents, m->exercice);
      break;
    }
    case 5: {
      const Mandat* m = h.state.mandats.empty()
                            ? nullptr
                            : &h.state.mandats[rng() % h.state.mandats.size()];
      if (m && rng() % 3 == 0) ignored = h.Suspend(date, m->number, m->exercice);
      break;
    }
    case 6:
      ignored = h.Act("committee", "CommitteeDecision", date,
                      {{"minutes_sha256", Sha(date)}, {"decisions", "d" + n}});
      break;
    case 7: {
      json::object changes;
      if (rng() % 2) {
        changes["end_date"] = h.state.end_date.AddMonths(1 + rng() % 6).ToString();
      } else {
        changes["amount_cents"] = h.state.amount_cents + static_cast<int64_t>(rng() % 1000);
      }
      ignored = h.Propose(date, 1 + static_cast<int64_t>(rng() % 3), changes, signer);
      break;
    }
    case 8:
      ignored = h.SignAmendment(signer, date, 1 + static_cast<int64_t>(rng() % 3));
      break;
    case 9: ignored = h.SendLetter(signer, date, "D" + n, "dispute"); break;
    case 10:
      if (rng() % 4 == 0) ignored = h.SendLetter(signer, date, "T0", "termination");
      break;
    case 11: {
      const std::string id = rng() % 4 == 0 ? "T0" : "D" + n;
      const char* outcome = Pick(rng, {"delivered", "delivered", "unclaimed", "refused"});
      const std::string presented = day.AddDays(-static_cast<int>(rng() % 3)).ToString();
      std::optional<std::string> delivered;
      if (std::string(outcome) == "delivered") delivered = presented;
      ignored = h.Deliver(id, presented, delivered, outcome, date, clerk);
      break;
    }
    case 12: ignored = h.Settle(signer, date, "D" + n, rng() % 5 ? "s" : "t"); break;
    case 13: ignored = h.Court(signer, date, "D" + n); break;
    case 14:
      ignored = h.Act("operator", "KeyRegistered", date,
                      {{"party", Pick(rng, {"metropole", "crpv-paca"})},
                       {"public_key", testing::DemoPub("extra-" + n)},
                       {"roles", json::array{"clerk"}}});
      break;
    case 15:
      if (rng() % 3 == 0) {
        ignored = h.Act("operator", "KeyRevoked", date,
                        {{"kid", testing::DemoKid(Pick(rng, {"extra-0", "extra-1",
                                                             "metropole-clerk"}))}});
      }
      break;
  }
}

Harness RandomHistory(uint64_t seed, int steps) {
  std::mt19937_64 rng(seed);
  Harness h;
  testing::RegOptions o;
  o.extend = rng() % 2;
  if (rng() % 2) o.letter_reference = "first_presentation";
  if (rng() % 2) o.installments = {{5000000, "InForce"}, {15000000, "AttributionNotified"}};
  EXPECT_TRUE(h.Register(o).ok());
  Date day = D("2026-01-20");
  for (int i = 0; i < steps; ++i) RandomStep(h, rng, day);
  return h;
}

TEST(SnapshotTest, EmptyAndRegisteredStatesRoundTrip) {
  ConventionState empty;
  auto e = DecodeSnapshot(EncodeSnapshot(empty));
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(*e, empty);
  Harness h;
  h.RegisterAndSign();
  auto r = DecodeSnapshot(EncodeSnapshot(h.state));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, h.state);
}

// A version 1 snapshot (before the recording lag and the timeline) cannot be
// completed without the log: it is refused, and readers replay instead.
TEST(SnapshotTest, Version1SnapshotIsRefused) {
  Harness h;
  h.RegisterAndSign();
  const std::string good = EncodeSnapshot(h.state);
  // "PRPHSNP1" | endianness byte | ConventionState class version (uint32)
  // | ... | SHA-256 of the archive.
  std::string archive = good.substr(8, good.size() - 8 - 32);
  ASSERT_EQ(archive.substr(1, 4), std::string("\x02\x00\x00\x00", 4));
  archive[1] = '\x01';
  const std::string v1 =
      "PRPHSNP1" + archive +
      std::string(crypto::HashBytes(crypto::Sha256(archive)));
  auto r = DecodeSnapshot(v1);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("snapshot format version 1 predates "
                                      "version 2"),
            std::string::npos)
      << r.status().message();
}

TEST(SnapshotTest, GarbageIsDataLossNeverACrash) {
  Harness h = RandomHistory(7, 80);
  const std::string good = EncodeSnapshot(h.state);
  std::vector<std::string> bad = {"", "PRPHSNP1", "garbage", std::string(100, '\xff'),
                                  good.substr(0, good.size() - 1),
                                  good + "x", good.substr(0, 40)};
  std::mt19937_64 rng(1);
  for (int i = 0; i < 200; ++i) {
    std::string flipped = good;
    flipped[rng() % flipped.size()] ^= static_cast<char>(1 + rng() % 255);
    bad.push_back(flipped);
    std::string random(rng() % 300, '\0');
    for (char& c : random) c = static_cast<char>(rng());
    bad.push_back("PRPHSNP1" + random);
  }
  for (const auto& b : bad) {
    auto r = DecodeSnapshot(b);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  }
}

TEST(SnapshotTest, SnapshotThenContinueEqualsFullReplay) {
  size_t total_events = 0;
  std::map<std::string, int> types;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Harness h = RandomHistory(seed, 220);
    const auto& log = h.log;
    total_events += log.size();
    for (const auto& [e, ctx] : log) ++types[e.type];
    // Full replay from the empty stream reproduces the live state.
    ConventionState full;
    for (const auto& [e, ctx] : log) {
      auto r = Apply(full, e, ctx, h.ops);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      full = std::move(r).value();
    }
    ASSERT_EQ(full, h.state) << "seed " << seed;
    const json::value full_json = StateToJson(full);
    // Snapshot at every cut point, decode, continue.
    ConventionState prefix;
    for (size_t cut = 0; cut <= log.size(); ++cut) {
      if (cut > 0) prefix = *Apply(prefix, log[cut - 1].first, log[cut - 1].second, h.ops);
      auto resumed = DecodeSnapshot(EncodeSnapshot(prefix));
      ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
      ASSERT_EQ(*resumed, prefix) << "seed " << seed << " cut " << cut;
      ConventionState s = std::move(resumed).value();
      for (size_t i = cut; i < log.size(); ++i) {
        auto r = Apply(s, log[i].first, log[i].second, h.ops);
        ASSERT_TRUE(r.ok()) << "seed " << seed << " cut " << cut << " event " << i
                            << ": " << r.status().ToString();
        s = std::move(r).value();
      }
      ASSERT_EQ(s, full) << "seed " << seed << " cut " << cut;
      ASSERT_EQ(StateToJson(s), full_json);
      ASSERT_EQ(EncodeSnapshot(s), EncodeSnapshot(full));
    }
  }
  // The generator must reach the interesting parts of the domain.
  EXPECT_GT(total_events, 1000u);
  for (const char* t : {"PartySigned", "AttributionNotified", "PaymentOrdered",
                        "PaymentExecuted", "PaymentSuspended", "CommitteeDecision",
                        "AmendmentProposed", "AmendmentSigned", "LetterSent",
                        "LetterDelivered", "SettlementReached", "CourtReferral",
                        "KeyRegistered", "KeyRevoked"}) {
    EXPECT_GT(types[t], 0) << t;
  }
}

}  // namespace
}  // namespace paraphe::ledger
