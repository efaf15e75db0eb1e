// Loads examples/conventions (registration + the whole history) and applies
// it; signatures are skipped, kids come from the demo keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain_test_util.h"
#include "ledger/domain/rules.h"

namespace paraphe::ledger {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using testing::D;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string DemoKeyNameFor(const Event& e) {
  if (e.actor_party == "operator") return "operator";
  if (e.actor_role == "committee") return "committee";
  const std::string party = e.actor_party == "crpv-paca" ? "crpv" : e.actor_party;
  return party + "-" + e.actor_role;
}

TEST(ExamplesTest, SeedHistoryAppliesAndEndsInTheExpectedState) {
  const fs::path dir = fs::path(PARAPHE_SOURCE_DIR) / "examples" / "conventions";
  const std::string text =
      ReadFile(dir / "convention-metropole-amp-crpv-paca-2026.txt");
  ASSERT_FALSE(text.empty());

  json::object reg = json::parse(ReadFile(dir / "registration.json")).as_object();
  EXPECT_EQ(reg.at("data").at("document_sha256").as_string(), testing::Sha(text));
  reg["expected_version"] = 0;
  std::vector<std::string> payloads = {json::serialize(reg)};
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(dir / "history")) {
    files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 13u);
  for (const auto& f : files) payloads.push_back(ReadFile(f));

  const LedgerState ops = testing::DemoOperators();
  const int64_t recorded = testing::UtcMs("2026-11-26", 12);
  ConventionState s;
  uint64_t seq = 100;
  for (size_t i = 0; i < payloads.size(); ++i) {
    auto e = ParseEvent(payloads[i]);
    ASSERT_TRUE(e.ok()) << i << ": " << e.status().ToString();
    const std::string kid = testing::DemoKid(DemoKeyNameFor(*e));
    auto key = ResolveSigningKey(s, ops, *e, kid, seq + 1);
    ASSERT_TRUE(key.ok()) << i << ": " << key.status().ToString();
    auto r = Apply(s, *e, EventContext{++seq, recorded, kid}, ops);
    ASSERT_TRUE(r.ok()) << i << " " << e->type << ": " << r.status().ToString();
    s = std::move(r).value();
  }

  EXPECT_EQ(s.version, 14u);
  EXPECT_EQ(s.id, "metropole-amp-crpv-paca-2026");
  EXPECT_EQ(Phase(s, D("2026-11-26")), "in_force");
  EXPECT_EQ(s.effective_date, D("2026-02-12"));
  EXPECT_EQ(s.end_date, D("2027-06-30"));
  EXPECT_EQ(PaidCents(s), 20000000);
  EXPECT_TRUE(s.late_recorded.empty());
  const Dispute* d = FindDispute(s, "LRAR-2026-CRPV-001");
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->settled_seq.has_value());
  EXPECT_EQ(d->amicable_end, D("2026-11-02"));  // 3 Oct + 30 = 2 Nov (Monday)

  const json::object j = StateToJson(s, D("2026-11-26")).as_object();
  EXPECT_EQ(j.at("phase").as_string(), "in_force");
  EXPECT_EQ(j.at("end_date").as_string(), "2027-06-30");
  EXPECT_EQ(j.at("payment").at("status").as_string(), "paid");
  EXPECT_EQ(j.at("payment").at("paid_cents").as_int64(), 20000000);
  EXPECT_EQ(j.at("disputes").as_array()[0].at("status").as_string(), "settled");
  EXPECT_EQ(j.at("amendments").as_array()[0].at("effective").as_bool(), true);
}

}  // namespace
}  // namespace paraphe::ledger

namespace paraphe::ledger {
namespace {

// Every example in docs/EVENTS.md is a valid event.
TEST(ExamplesTest, EventsDocExamplesParse) {
  const std::string doc = ReadFile(std::filesystem::path(PARAPHE_SOURCE_DIR) /
                                   "docs" / "EVENTS.md");
  ASSERT_FALSE(doc.empty());
  size_t checked = 0;
  for (size_t pos = doc.find("```json\n"); pos != std::string::npos;
       pos = doc.find("```json\n", pos)) {
    pos += 8;
    const size_t end = doc.find("```", pos);
    ASSERT_NE(end, std::string::npos);
    const std::string block = doc.substr(pos, end - pos);
    pos = end + 3;
    if (block.find("{ ... }") != std::string::npos) continue;  // envelope
    auto e = ParseEvent(block);
    EXPECT_TRUE(e.ok()) << e.status().ToString() << "\n" << block;
    ++checked;
  }
  EXPECT_EQ(checked, 16u);  // 15 convention types + the genesis
}

}  // namespace
}  // namespace paraphe::ledger
