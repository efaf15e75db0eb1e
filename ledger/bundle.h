// Export bundle: the whole log as JSON Lines, enough to verify everything
// offline (docs/FORMAT.md section 8 specifies the bytes).
//
//   line 1   {"format":"paraphe-bundle/v1","origin","verifier_key",
//             "checkpoint" (signed note, verbatim),"tree_size",
//             "operator_keys":[{"kid","public_key" (base64url raw)}]}
//   line 2+  {"seq","recorded_at_ms","leaf" (standard base64 of the leaf)}
//            one per record, in seq order, seq 0 to tree_size - 1.
//
// WriteBundle reads the latest checkpoint first and exports exactly the
// records it covers, so a bundle is a consistent cut even while the ledger
// grows. ReadBundle is strict about syntax (every line a JSON object with
// exactly the specified members and types, base64 that decodes) but does not
// judge content: a record line whose seq disagrees with its position, a
// tree_size that does not match the number of lines or a checkpoint that does
// not verify are the Verifier's findings, not parse errors, so that a
// tampered bundle is reported property by property.
//
// Thread-safety: values and functions without shared state. WriteBundle may
// run beside a writer on the same Ledger (it reads a prefix of the log).
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "crypto/status.h"
#include "ledger/domain/rules.h"
#include "ledger/ledger.h"

namespace paraphe::ledger {

inline constexpr char kBundleFormat[] = "paraphe-bundle/v1";

struct BundleRecord {
  uint64_t seq = 0;             // as written on the line (not trusted)
  int64_t recorded_at_ms = 0;   // as written on the line (not trusted)
  std::string leaf;             // the exact leaf bytes (decoded)
};

struct Bundle {
  std::string origin;
  std::string verifier_key;     // the C2SP vkey the bundle claims
  std::string checkpoint;       // signed note, verbatim
  uint64_t tree_size = 0;       // as written in the header (not trusted)
  OperatorKeys operator_keys;   // kid (recomputed) -> public key
  // Kids listed without a public key (a header written as ["kid",...] by an
  // exporter that had no access to the keys): events they signed cannot be
  // verified and are reported as such.
  std::vector<std::string> operator_kids_without_key;
  std::vector<BundleRecord> records;  // in line order
};

// (records written, total): called every 1024 records and at the end.
using BundleProgress = std::function<void(uint64_t done, uint64_t total)>;

// Writes the header and the records covered by the ledger's latest
// checkpoint. kDataLoss if the latest checkpoint does not verify with the
// ledger's key or the records do not hash to its root (nothing guarantees
// the bundle is usable then); kUnavailable if the stream fails.
Status WriteBundle(const Ledger& ledger, std::ostream& out,
                   const BundleProgress& progress = {});

// Header line alone, for exporters that produce the record lines themselves.
std::string BundleHeaderLine(const Bundle& header_fields);
std::string BundleRecordLine(uint64_t seq, int64_t recorded_at_ms,
                             std::string_view leaf);

// Parses a whole bundle. kInvalidArgument "bundle line N: ..." (1-based) for
// a line that is not a JSON object, lacks or repeats a member, has an unknown
// member or a mistyped value, bad base64, an unknown format, an operator key
// whose kid is not its thumbprint; "bundle is empty" for no header;
// kUnavailable if the stream fails. A final newline is optional; blank lines
// are errors.
Result<Bundle> ReadBundle(std::istream& in);

}  // namespace paraphe::ledger
