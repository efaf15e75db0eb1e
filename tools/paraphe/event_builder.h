// Builds the event JSON the shorthand subcommands (sign, pay order, ...)
// submit, from their flags. The envelope and each type's `data` are
// specified in docs/EVENTS.md and checked by the ledger (ledger/domain/
// event.h); this file only assembles what the user typed, so that a mistake
// is reported by the ledger with the exact field path.
//
// Thread-safety: pure functions (TodayParis reads the clock).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/status.h"

namespace paraphe::cli {

struct Envelope {
  std::string type;  // "PartySigned", ...
  std::string convention;
  std::string date;  // YYYY-MM-DD; empty: today in Europe/Paris
  std::string party;
  std::string role;
  std::optional<uint64_t> expected_version;  // absent: filled at submit
};

// {"type","convention",["expected_version",]"date","actor":{party,role},"data"}
boost::json::object BuildEvent(const Envelope& env, boost::json::object data);

// Today's business date in Europe/Paris, "YYYY-MM-DD".
std::string TodayParis();

// A SHA-256 given either as 64 lowercase hex digits or as the path of a file
// to hash. kInvalidArgument naming `flag` when it is neither.
Result<std::string> HashArgument(std::string_view value, std::string_view flag);

// Euros given as "200000", "200000.00", "200 000,00" -> cents.
// kInvalidArgument for anything else (more than 2 decimals, negative...).
Result<int64_t> ParseAmount(std::string_view text);

// Reads a whole file; kNotFound / kInvalidArgument naming the path.
Result<std::string> ReadFile(const std::string& path);

// Loads a private key file; any failure is kInvalidArgument naming the path
// (an unreadable key is an input error, exit 2).
Result<crypto::PrivateKey> LoadKey(const std::string& path);

}  // namespace paraphe::cli
