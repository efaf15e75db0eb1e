// The paraphe subcommands. Each Run* function takes its parsed flags, calls
// the library through a Backend (or crypto/ directly for key and proof
// commands), prints the result and returns the process exit code
// (docs/CLI.md). main.cc wires them to CLI11.
//
// Thread-safety: called once, from main's thread.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/paraphe/backend.h"
#include "tools/paraphe/event_builder.h"

namespace paraphe::cli {

struct Common {
  std::string data = "paraphe-data";
  std::string server;
  std::string token_file;
  bool json = false;
  Source source() const { return Source{data, server, token_file}; }
};

int RunInit(const Common& c, const std::string& origin, bool force);
int RunKeyGen(const Common& c, const std::string& out, bool force);
int RunKeyShow(const Common& c, const std::string& file);
int RunVerifierKey(const Common& c);
int RunConventions(const Common& c);

// Fills expected_version when absent, signs with the key file, submits and
// prints the receipt.
int RunSubmitEvent(const Common& c, const std::string& key_file,
                   boost::json::object event);
int RunSubmitFile(const Common& c, const std::string& key_file,
                  const std::string& event_file);
// `register FILE`: the file is a registration's `data` (or a whole event).
int RunRegister(const Common& c, const std::string& key_file,
                const std::string& file, const std::string& convention,
                const std::string& date);

int RunStatus(const Common& c, const std::string& convention,
              std::optional<uint64_t> as_of_seq, const std::string& as_of_date);
// `history` and `payments` say "verified" only for what the auditor's
// verifier checked from the log against `trusted_key` (a vkey or a file
// holding it; tools/paraphe/log_trust.h); without it, "not verified".
int RunHistory(const Common& c, const std::string& convention,
               const std::string& trusted_key);
int RunPayments(const Common& c, const std::string& convention,
                const std::string& trusted_key);
int RunCheckpoint(const Common& c);
int RunProofInclusion(const Common& c, uint64_t seq, uint64_t tree_size);
int RunProofConsistency(const Common& c, uint64_t from, uint64_t to);
int RunProofCheck(const Common& c, const std::string& file,
                  const std::string& trusted_key, const std::string& leaf_data,
                  const std::string& leaf_hash);
int RunExport(const Common& c, const std::string& out);
int RunDemo(const Common& c, const std::string& examples, bool force);

// `paraphe verify` (tools/paraphe/verify_command.cc). One source of three;
// the key pinned as a string or a file.
struct VerifyFlags {
  std::string data;  // default source when none is given: paraphe-data
  std::string bundle;
  std::string server;
  std::string token_file;
  std::string trusted_key;
  std::string trusted_key_file;
  std::string since;
  std::string save_state;
  std::string report;
  unsigned threads = 0;
  bool json = false;
  // Run without a pinned key (the data's own key: internal consistency
  // only). Without it an unpinned run is refused, exit 4.
  bool insecure_unpinned = false;
  // --operator-key KEY (repeatable): the genesis must be signed by one.
  std::vector<std::string> operator_keys;
  // --party-key PARTY=KEY (repeatable): PARTY's events must be signed by
  // one of its pinned keys. KEY: base64url of the raw public key, or a PEM
  // file (public or private key).
  std::vector<std::string> party_keys;
};
// Exit 0 if everything holds, 1 on any verification failure, 2 for a usage
// or input error, 3 for I/O or an unreachable server, 4 when no verifier key
// is pinned (--trusted-key, --trusted-key-file or an audit state given to
// --since) and --insecure-unpinned was not given.
int RunVerify(const VerifyFlags& f);

}  // namespace paraphe::cli
