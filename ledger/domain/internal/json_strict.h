// Duplicate member detection. Boost.JSON keeps the last of duplicate keys
// silently; other parsers keep the first. A signed event whose meaning
// depends on the reader's parser is refused. Private to ledger/domain.
#pragma once

#include <string_view>

#include "crypto/status.h"

namespace paraphe::ledger::internal {

// kInvalidArgument "duplicate member \"k\"" if any object in `json` has the
// same key twice; OK otherwise, including for malformed JSON (the real
// parser reports that).
Status CheckNoDuplicateKeys(std::string_view json);

}  // namespace paraphe::ledger::internal
