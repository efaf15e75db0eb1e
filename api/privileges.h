// Running paraphed without root: the policy on the effective uid and the
// privilege drop to `--user NAME`.
//
// paraphed refuses to run as root unless told what to do about it: either
// `--user NAME` (it binds its listening socket as root, then drops to NAME's
// uid, gid and supplementary groups before it opens the ledger or reads any
// key or token file) or `--allow-root` (an explicit override, with a
// warning). The order of calls in paraphed_main.cc is: CheckRootPolicy,
// LookUpUser, bind, DropPrivileges, CheckDataDirAccess, Ledger::Open.
//
// Thread-safety: DropPrivileges must run while the process has a single
// thread (before any server or ledger thread starts); the others are pure or
// read-only.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "crypto/status.h"

namespace paraphe::api {

struct PrivilegeOptions {
  std::optional<std::string> user;  // --user NAME
  bool allow_root = false;          // --allow-root
};

// Decides whether a process with effective uid `euid` may go on.
// kInvalidArgument (paraphed exits 2) when: euid is 0 and neither --user nor
// --allow-root is given (the message names both flags); both are given;
// --user is given and euid is not 0 (only root can change its uid).
// Ok otherwise, including euid 0 with --allow-root.
Status CheckRootPolicy(uid_t euid, const PrivilegeOptions& options);

struct TargetUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Looks NAME up in the user database. kInvalidArgument for an unknown user
// or for a user whose uid is 0 (dropping to root drops nothing).
Result<TargetUser> LookUpUser(const std::string& name);

// initgroups, setgid, setuid, in that order, then checks that the drop took:
// real, effective and saved uid and gid are the user's and setuid(0) fails.
// kPermissionDenied naming the failed call otherwise (the process must then
// exit: it may be half-dropped).
Status DropPrivileges(const TargetUser& user);

// After a drop: kPermissionDenied, naming the path, the user and the fix,
// unless the current user can read, write and search DIR and DIR/db and read
// DIR/keys/ledger.pem. Paths that do not exist are left to Ledger::Open to
// report.
Status CheckDataDirAccess(const std::filesystem::path& dir,
                          const TargetUser& user);

}  // namespace paraphe::api
