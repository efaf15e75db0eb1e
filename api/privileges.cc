#include "api/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace paraphe::api {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

std::string Describe(const TargetUser& user) {
  return "user " + user.name + " (uid " + std::to_string(user.uid) + ")";
}

}  // namespace

Status CheckRootPolicy(uid_t euid, const PrivilegeOptions& options) {
  if (options.user && options.allow_root) {
    return InvalidArgument(
        "--user and --allow-root exclude each other: --user drops root, "
        "--allow-root keeps it");
  }
  if (euid == 0) {
    if (options.user || options.allow_root) return Status::Ok();
    return InvalidArgument(
        "refusing to run as root: pass --user NAME to bind as root and then "
        "run as NAME, or --allow-root to run as root anyway (not "
        "recommended)");
  }
  if (options.user) {
    return InvalidArgument("--user " + *options.user +
                           " needs root to change users, but paraphed runs "
                           "as uid " +
                           std::to_string(euid) + "; start it without --user");
  }
  return Status::Ok();
}

Result<TargetUser> LookUpUser(const std::string& name) {
  long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(hint > 0 ? static_cast<size_t>(hint) : 16384);
  passwd pw{};
  passwd* found = nullptr;
  int err = 0;
  while ((err = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(),
                           &found)) == ERANGE &&
         buf.size() < (1u << 20)) {
    buf.resize(buf.size() * 2);
  }
  if (err != 0) {
    return InvalidArgument(
        "--user " + name +
        ": cannot read the user database: " + ErrnoText(err));
  }
  if (found == nullptr) {
    return InvalidArgument("--user " + name + ": no such user");
  }
  if (pw.pw_uid == 0) {
    return InvalidArgument("--user " + name +
                           " has uid 0: name an unprivileged user");
  }
  return TargetUser{pw.pw_name, pw.pw_uid, pw.pw_gid};
}

Status DropPrivileges(const TargetUser& user) {
  // Groups first: once the uid is dropped, they can no longer be changed.
  if (initgroups(user.name.c_str(), user.gid) != 0) {
    const int err = errno;
    return PermissionDenied("initgroups(" + user.name + "): " + ErrnoText(err));
  }
  if (setgid(user.gid) != 0) {
    const int err = errno;
    return PermissionDenied("setgid(" + std::to_string(user.gid) +
                            "): " + ErrnoText(err));
  }
  if (setuid(user.uid) != 0) {
    const int err = errno;
    return PermissionDenied("setuid(" + std::to_string(user.uid) +
                            "): " + ErrnoText(err));
  }
  // Check that the drop took, and cannot be undone.
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (getresuid(&ruid, &euid, &suid) != 0 ||
      getresgid(&rgid, &egid, &sgid) != 0) {
    const int err = errno;
    return PermissionDenied("getresuid/getresgid: " + ErrnoText(err));
  }
  if (ruid != user.uid || euid != user.uid || suid != user.uid ||
      rgid != user.gid || egid != user.gid || sgid != user.gid) {
    return PermissionDenied("the switch to " + Describe(user) +
                            " did not change every uid and gid");
  }
  if (setuid(0) == 0) {
    return PermissionDenied("the switch to " + Describe(user) +
                            " can be undone (setuid(0) succeeded)");
  }
  return Status::Ok();
}

Status CheckDataDirAccess(const std::filesystem::path& dir,
                          const TargetUser& user) {
  struct Need {
    std::filesystem::path path;
    int mode;
    const char* what;
  };
  const Need needs[] = {
      {dir, R_OK | X_OK, "read and search"},
      {dir / "db", R_OK | W_OK | X_OK, "read, write and search"},
      {dir / "ledger.json", R_OK, "read"},
      {dir / "keys" / "ledger.pem", R_OK, "read"},
  };
  for (const Need& need : needs) {
    if (access(need.path.c_str(), F_OK) != 0 && errno == ENOENT) continue;
    if (access(need.path.c_str(), need.mode) != 0) {
      const int err = errno;
      return PermissionDenied(Describe(user) + " cannot " + need.what + " " +
                              need.path.string() + " (" + ErrnoText(err) +
                              "): the data directory must belong to "
                              "that user, e.g. chown -R " +
                              user.name + " " + dir.string());
    }
  }
  return Status::Ok();
}

}  // namespace paraphe::api
