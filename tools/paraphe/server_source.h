// The --server source of `paraphe verify`: a ledger::VerifySource over a
// paraphed instance's public API (docs/API.md). Nothing it returns is
// trusted: the verifier checks it all.
//
//   size, checkpoint    GET /v1/log/checkpoint (read once, at open: the
//                       run verifies the log as of that checkpoint)
//   claimed key         GET /v1/log/verifier-key
//   records             GET /v1/log/entries?start=&end= (paged); each leaf
//                       is rebuilt with ledger::EncodeLeaf from the entry's
//                       seq, recorded_at_ms and jws
//   proofs              GET /v1/log/proof/{consistency,inclusion}
//
// Thread-safety: const methods may be called from several threads.
#pragma once

#include <memory>
#include <string>

#include "crypto/status.h"
#include "ledger/verify.h"

namespace paraphe::cli {

// kInvalidArgument for a malformed URL; kUnavailable if the server cannot
// be reached; kDataLoss if its checkpoint cannot even be parsed.
// `token_file`: the server's read token (ApiClient::Make).
Result<std::unique_ptr<ledger::VerifySource>> OpenServerSource(
    const std::string& url, const std::string& token_file = {});

}  // namespace paraphe::cli
