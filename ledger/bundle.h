// Export bundle: the whole log as JSON Lines, enough to verify everything
// offline (docs/FORMAT.md section 8 specifies the bytes).
//
//   line 1   {"format":"paraphe-bundle/v2","origin","verifier_key",
//             "checkpoint" (signed note, verbatim),"tree_size"}
//   line 2+  {"seq","recorded_at_ms","leaf" (standard base64 of the leaf)}
//            one per record, in seq order, seq 0 to tree_size - 1.
//
// The header carries no trust: the operator keys are records of the log
// (the genesis at seq 0 and the ledger stream), and the verifier key is
// informative (an auditor pins their own).
//
// WriteBundle reads the latest checkpoint of any VerifySource (a ledger, a
// server) first and exports exactly the records it covers, so a bundle is a
// consistent cut even while the ledger grows. ReadBundle is strict about
// syntax and about the header's agreement with its own checkpoint (see
// ReadBundle), but does not judge the records: a record line whose seq
// disagrees with its position, a number of lines that does not match
// tree_size, or a checkpoint signature that does not verify are the
// Verifier's findings, not parse errors, so that a tampered bundle is
// reported property by property.
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

inline constexpr char kBundleFormat[] = "paraphe-bundle/v2";
// The longest line ReadBundle accepts, final newline excluded: a record line
// holds a leaf of at most 17 + kMaxJwsBytes (1 MiB) bytes in base64.
inline constexpr size_t kMaxBundleLineBytes = 1400 * 1024;

class VerifySource;  // log_source.h

struct BundleRecord {
  uint64_t seq = 0;             // as written on the line (not trusted)
  int64_t recorded_at_ms = 0;   // as written on the line (not trusted)
  std::string leaf;             // the exact leaf bytes (decoded)
};

struct Bundle {
  std::string origin;
  std::string verifier_key;     // the C2SP vkey the bundle claims
  std::string checkpoint;       // signed note, verbatim
  uint64_t tree_size = 0;       // as written in the header (equals the
                                // checkpoint's size: ReadBundle checks)
  std::vector<BundleRecord> records;  // in line order
};

// (records written, total): called every 1024 records and at the end.
using BundleProgress = std::function<void(uint64_t done, uint64_t total)>;

// Writes the header and the records covered by the source's latest
// checkpoint. kDataLoss if that checkpoint does not verify with the key the
// source claims, a record is missing, or the records do not hash to its
// root (nothing guarantees the bundle is usable then); kUnavailable if the
// source or the stream fails.
Status WriteBundle(const VerifySource& source, std::ostream& out,
                   const BundleProgress& progress = {});

// Header line alone (tests build tampered bundles with it).
std::string BundleHeaderLine(const Bundle& header_fields);
std::string BundleRecordLine(uint64_t seq, int64_t recorded_at_ms,
                             std::string_view leaf);

// Parses a whole bundle. kInvalidArgument "bundle line N: ..." (1-based)
// for: a line over kMaxBundleLineBytes, a carriage return anywhere (CRLF),
// a blank line, a last line without its final newline, a line that is not
// a JSON object, a duplicated, missing or unknown member, a mistyped value,
// bad base64, an unknown format (naming the version for an older one); and
// for a header that contradicts its checkpoint: a note that does not parse,
// a verifier key that does not parse, an origin that differs from the
// checkpoint's or from the key's name, a tree_size that differs from the
// checkpoint's size, or no signature line by the header's key (name and key
// id; whether the signature verifies is the Verifier's finding). "bundle is
// empty" for no header; kUnavailable if the stream fails.
Result<Bundle> ReadBundle(std::istream& in);

}  // namespace paraphe::ledger
