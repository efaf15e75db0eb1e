// Ledger: init, open, submission and replayed state. JSON views are in
// ledger_views.cc.
#include "ledger/ledger.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>

#include <boost/json.hpp>

#include "crypto/base64.h"
#include "crypto/jws.h"
#include "ledger/domain/calendar.h"
#include "ledger/domain/event.h"
#include "ledger/domain/ledger_state.h"
#include "ledger/domain/snapshot.h"
#include "ledger/internal/ledger_impl.h"

namespace paraphe::ledger {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr std::string_view kLedgerFile = "ledger.json";

fs::path DbPath(const fs::path& dir) { return dir / "db"; }
fs::path LedgerKeyPath(const fs::path& dir) { return dir / "keys" / "ledger.pem"; }
fs::path OperatorKeyPath(const fs::path& dir) { return dir / "keys" / "operator.pem"; }

// Writes a file of the ledger directory, mode 0600 whatever the umask.
Status WriteFile(const fs::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot write " + path.string() + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;
  for (size_t done = 0; ok && done < content.size();) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  const int err = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) return Unavailable("cannot write " + path.string() + ": " + std::strerror(err));
  return Status::Ok();
}

// Files are private. The ledger directory, its db/ and keys/ are created
// 0700 and a read-write Open refuses them when group or others have any
// access: that alone keeps every file inside private, for every caller of
// this library, whatever mode RocksDB gives the files it creates (it uses the
// process umask, which a library must not change for its whole process).
// paraphed and paraphe also set umask 077 in main(), so that those files are
// 0600 themselves should a directory be opened up later. The check is the
// one key files get (crypto::PrivateKey::Load: no group/other bits at all):
// others who can write here could swap the database or the keys; others who
// can read it read a ledger served behind a read token. A read-only open
// (an auditor checking a copy) is not checked: it writes nothing, loads no
// private key, and its trust comes from the pinned key, not from the mode of
// someone else's directory.
Status CheckPrivateDir(const fs::path& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) return Status::Ok();  // what needs it fails on its own
    return Unavailable("cannot stat " + dir.string() + ": " + std::strerror(err));
  }
  if ((st.st_mode & 077) == 0) return Status::Ok();
  char mode[8];
  std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return PermissionDenied(dir.string() + " has mode " + mode + "; a ledger directory must " +
                              "not be accessible by group or others (fix: chmod 700 " +
                              dir.string() + ")");
}

// Creates dir (and its parents) if absent, then makes it 0700.
Status MakePrivateDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return Unavailable("cannot chmod 700 " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

// The ledger's own stream is not a convention: its state, history and
// payments are kNotFound (its records are public as any record, Entries).
Status RequireConventionId(std::string_view id) {
  if (id != kLedgerStream) return Status::Ok();
  return NotFound("\"" + std::string(kLedgerStream) +
                  "\" is the ledger's own stream, not a convention");
}

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path.string());
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return s;
}

}  // namespace

// ---------------------------------------------------------------- Init/Open

// The genesis record: seq 0 of every ledger (docs/FORMAT.md section 7,
// docs/EVENTS.md "The ledger stream"), signed by the first operator key.
std::string SignGenesis(const crypto::PrivateKey& op, std::string_view origin,
                        std::string_view verifier_key, int64_t now_ms) {
  json::object payload{
      {"type", "LedgerGenesis"},
      {"convention", kLedgerStream},
      {"expected_version", 0},
      {"date", ParisDateOf(now_ms).ToString()},
      {"actor", json::object{{"party", kOperatorParty}, {"role", kOperatorRole}}},
      {"data", json::object{{"origin", origin},
                            {"verifier_key", verifier_key},
                            {"operator_keys",
                             json::array{json::value(op.public_key().ToBase64Url())}}}}};
  return crypto::JwsSign(json::serialize(payload), op);
}


Result<InitResult> Ledger::Init(const fs::path& dir, const InitOptions& options) {
  PARAPHE_RETURN_IF_ERROR(crypto::ValidateKeyName(options.origin)
                              .WithContext("origin '" + options.origin + "'"));
  std::error_code ec;
  if (fs::exists(DbPath(dir), ec)) {
    return InvalidArgument(dir.string() + " already holds a ledger");
  }
  // An absent or empty DIR is made 0700; a DIR already holding other things
  // is not chmod'ed behind the user's back (it may be a home directory), but
  // refused if it is not private.
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    PARAPHE_RETURN_IF_ERROR(CheckPrivateDir(dir));
  }
  for (const fs::path& d : {dir, dir / "keys"}) {
    PARAPHE_RETURN_IF_ERROR(MakePrivateDir(d));
  }

  PARAPHE_ASSIGN_OR_RETURN(crypto::PrivateKey ledger_key, crypto::PrivateKey::Generate());
  PARAPHE_RETURN_IF_ERROR(ledger_key.Save(LedgerKeyPath(dir), options.overwrite_keys));
  Result<crypto::PrivateKey> op = options.operator_key_pem
                                      ? crypto::PrivateKey::FromPem(*options.operator_key_pem)
                                      : crypto::PrivateKey::Generate();
  if (!op.ok()) return op.status().WithContext("operator key");
  PARAPHE_RETURN_IF_ERROR(op->Save(OperatorKeyPath(dir), options.overwrite_keys));

  InitResult result;
  result.operator_kid = op->public_key().Thumbprint();
  result.operator_key_path = OperatorKeyPath(dir);
  result.ledger_key_path = LedgerKeyPath(dir);

  PARAPHE_ASSIGN_OR_RETURN(crypto::NoteSigner signer,
                           crypto::NoteSigner::Create(options.origin, std::move(ledger_key)));
  result.verifier_key = signer.Verifier().VerifierKey();
  // Before RocksDB creates it with the umask's mode.
  PARAPHE_RETURN_IF_ERROR(MakePrivateDir(DbPath(dir)));
  LogOptions lo;
  lo.create_if_missing = true;
  lo.signer.emplace(std::move(signer));
  lo.clock = options.clock;
  PARAPHE_ASSIGN_OR_RETURN(std::unique_ptr<Log> log, Log::Open(DbPath(dir), std::move(lo)));
  // The trust roots are the log's first record, checked by the same rules
  // the verifier applies.
  AppendRequest genesis;
  genesis.stream = kLedgerStream;
  genesis.expected_version = 0;
  genesis.jws = SignGenesis(*op, options.origin, result.verifier_key, options.clock());
  genesis.check = [jws_text = genesis.jws](uint64_t seq, int64_t at) -> Status {
    PARAPHE_ASSIGN_OR_RETURN(crypto::Jws jws, crypto::JwsParse(jws_text));
    PARAPHE_ASSIGN_OR_RETURN(Event e, ParseEvent(jws.payload));
    LedgerState state;
    return ApplyLedgerEvent(state, e, EventContext{seq, at, jws.kid});
  };
  PARAPHE_ASSIGN_OR_RETURN(Receipt receipt, log->Append(std::move(genesis)));
  if (receipt.seq != 0) return Internal("the genesis record did not get seq 0");
  json::object info{{"format", "paraphe/1"},
                    {"origin", options.origin},
                    {"verifier_key", result.verifier_key}};
  PARAPHE_RETURN_IF_ERROR(WriteFile(dir / kLedgerFile, json::serialize(info) + "\n"));
  // RocksDB created its first files with the caller's umask: make them 0600
  // too, so that a new ledger is 0700/0600 throughout whoever created it.
  log.reset();
  for (const auto& entry : fs::recursive_directory_iterator(DbPath(dir), ec)) {
    if (!entry.is_regular_file(ec)) continue;
    fs::permissions(entry.path(), fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace, ec);
    if (ec) return Unavailable("cannot chmod 600 " + entry.path().string() + ": " + ec.message());
  }
  if (ec) return Unavailable("cannot list " + DbPath(dir).string() + ": " + ec.message());
  return result;
}

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Ledger::~Ledger() {
  // Closing the log drains the writer, whose hooks use impl_.
  if (impl_) impl_->log.reset();
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const fs::path& dir, LedgerOptions options) {
  std::error_code ec;
  if (!fs::exists(DbPath(dir) / "CURRENT", ec)) {
    return NotFound("no ledger at " + dir.string() + " (create one with: paraphe init --data " +
                    dir.string() + ")");
  }
  if (!options.read_only) {
    for (const fs::path& d : {dir, DbPath(dir), dir / "keys"}) {
      PARAPHE_RETURN_IF_ERROR(CheckPrivateDir(d));
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->options = options;
  Impl* self = impl.get();

  LogOptions lo;
  lo.read_only = options.read_only;
  lo.check = options.check;
  lo.max_batch = options.max_batch;
  lo.queue_capacity = options.queue_capacity;
  lo.sync = options.sync;
  lo.clock = options.clock;
  lo.env = options.env;
  if (!options.read_only) {
    PARAPHE_ASSIGN_OR_RETURN(std::string info_text, ReadFile(dir / kLedgerFile));
    boost::system::error_code jec;
    json::value info = json::parse(info_text, jec);
    const json::value* origin =
        (!jec && info.is_object()) ? info.as_object().if_contains("origin") : nullptr;
    if (origin == nullptr || !origin->is_string()) {
      return DataLoss((dir / kLedgerFile).string() + " does not name the ledger's origin");
    }
    auto key = crypto::PrivateKey::Load(LedgerKeyPath(dir));
    if (!key.ok()) return key.status().WithContext("ledger key");
    PARAPHE_ASSIGN_OR_RETURN(crypto::NoteSigner signer,
                             crypto::NoteSigner::Create(std::string(origin->as_string()),
                                                        std::move(*key)));
    lo.signer.emplace(std::move(signer));
  }
  LogHooks hooks;
  hooks.before_write = [self](BatchWriter& w) { self->BeforeWrite(w); };
  hooks.committed = [self](uint64_t) { self->Committed(); };
  hooks.aborted = [self] { self->Aborted(); };
  PARAPHE_ASSIGN_OR_RETURN(impl->log, Log::Open(DbPath(dir), std::move(lo), std::move(hooks)));
  Result<LedgerState> rebuilt = impl->RebuildLedgerState();
  if (rebuilt.ok() && (rebuilt->origin != impl->log->origin() ||
                       rebuilt->verifier_key != impl->log->verifier_key())) {
    rebuilt = DataLoss("the genesis record names origin \"" + rebuilt->origin +
                       "\" and verifier key " + rebuilt->verifier_key +
                       ", but the database signs checkpoints as \"" + impl->log->origin() +
                       "\" with " + impl->log->verifier_key());
  }
  if (!rebuilt.ok() && options.read_only && options.check == IntegrityCheck::kNone) {
    // The auditor's view of a damaged copy (OpenLedgerSource): open it
    // anyway with no operator key, so that the verifier reports each
    // damaged record (or the genesis that contradicts the checkpoints)
    // instead of refusing the whole directory.
    impl->ledger_state = std::make_shared<const LedgerState>();
    return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
  }
  if (!rebuilt.ok()) return rebuilt.status();
  impl->ledger_state = std::make_shared<const LedgerState>(std::move(*rebuilt));
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

// ------------------------------------------------------------- Replay/state

Date Ledger::Impl::Today() const { return ParisDateOf(options.clock()); }

std::shared_ptr<const LedgerState> Ledger::Impl::Trust() const {
  std::shared_lock<std::shared_mutex> l(mu);
  return ledger_state;
}

Result<LedgerState> Ledger::Impl::RebuildLedgerState() const {
  if (log->size() == 0) {
    return DataLoss("the log has no genesis record (seq 0): it was not created by paraphe init");
  }
  PARAPHE_ASSIGN_OR_RETURN(std::vector<Record> records, log->Stream(kLedgerStream));
  if (records.empty() || records.front().seq != 0) {
    return DataLoss("the log's first record is not its genesis (LedgerGenesis at seq 0)");
  }
  LedgerState state;
  for (const Record& r : records) {
    auto jws = crypto::JwsParse(r.jws);
    auto event = jws.ok() ? ParseEvent(jws->payload) : Result<Event>(jws.status());
    Status st = event.ok() ? ApplyLedgerEvent(state, *event,
                                              EventContext{r.seq, r.recorded_at_ms, jws->kid})
                           : event.status();
    if (!st.ok()) {
      return DataLoss("ledger stream record seq " + std::to_string(r.seq) +
                      " does not replay: " + st.ToString());
    }
  }
  return state;
}

Status Ledger::Impl::ReplayOne(ConventionState& state, const Record& r,
                               const LedgerState& ledger) const {
  auto fail = [&](const Status& st) {
    return DataLoss("seq " + std::to_string(r.seq) + " (" + r.stream + " v" +
                    std::to_string(r.version) + ") does not replay: " + st.ToString());
  };
  auto jws = crypto::JwsParse(r.jws);
  if (!jws.ok()) return fail(jws.status());
  auto event = ParseEvent(jws->payload);
  if (!event.ok()) return fail(event.status());
  if (event->convention != r.stream) {
    return fail(InvalidArgument("the event names convention " + event->convention));
  }
  EventContext ctx{r.seq, r.recorded_at_ms, jws->kid};
  Status applied = ApplyInPlace(state, *event, ctx, ledger);
  if (!applied.ok()) return fail(applied);
  return Status::Ok();
}

Result<ConventionState> Ledger::Impl::Rebuild(std::string_view id, uint64_t max_version,
                                              bool use_snapshot) const {
  ConventionState state;
  uint64_t from = 1;
  if (use_snapshot) {
    uint64_t snap_version = 0;
    auto snap = log->LatestSnapshot(id, max_version, &snap_version);
    if (snap.ok()) {
      auto decoded = DecodeSnapshot(*snap);
      // A snapshot is a cache: a bad one is ignored, never trusted.
      if (decoded.ok() && decoded->version == snap_version) {
        state = std::move(*decoded);
        from = snap_version + 1;
      }
    }
  }
  if (from > max_version) return state;
  PARAPHE_ASSIGN_OR_RETURN(std::vector<Record> records, log->Stream(id, from, max_version));
  const std::shared_ptr<const LedgerState> trust = Trust();
  for (const Record& r : records) {
    PARAPHE_RETURN_IF_ERROR(ReplayOne(state, r, *trust));
  }
  return state;
}

Result<std::shared_ptr<const ConventionState>> Ledger::Impl::Current(std::string_view id) const {
  PARAPHE_RETURN_IF_ERROR(RequireConventionId(id));
  {
    std::shared_lock<std::shared_mutex> l(mu);
    auto it = committed.find(id);
    if (it != committed.end()) return it->second;
  }
  uint64_t version = log->StreamVersion(id);
  PARAPHE_ASSIGN_OR_RETURN(ConventionState s, Rebuild(id, version, true));
  auto shared = std::make_shared<const ConventionState>(std::move(s));
  if (shared->version == 0) return shared;  // do not cache unknown ids
  std::unique_lock<std::shared_mutex> l(mu);
  auto [it, inserted] = committed.emplace(std::string(id), shared);
  if (!inserted && it->second->version < shared->version) it->second = shared;
  return it->second;
}

const LedgerState& Ledger::Impl::StagedLedger() const {
  // ledger_state changes only on this (the writer) thread.
  return staged_ledger ? *staged_ledger : *ledger_state;
}

Status Ledger::Impl::Check(const Event& event, const std::string& kid, uint64_t seq,
                           int64_t recorded_at_ms) {
  EventContext ctx{seq, recorded_at_ms, kid};
  if (IsLedgerEventType(event.kind)) {
    LedgerState next = StagedLedger();
    PARAPHE_RETURN_IF_ERROR(ApplyLedgerEvent(next, event, ctx));
    staged_ledger = std::move(next);
    return Status::Ok();
  }
  const ConventionState* before = nullptr;
  std::shared_ptr<const ConventionState> current;
  if (auto it = staged.find(event.convention); it != staged.end()) {
    before = &it->second;
  } else {
    PARAPHE_ASSIGN_OR_RETURN(current, Current(event.convention));
    before = current.get();
  }
  PARAPHE_ASSIGN_OR_RETURN(ConventionState next, Apply(*before, event, ctx, StagedLedger()));
  staged[event.convention] = std::move(next);
  return Status::Ok();
}

void Ledger::Impl::BeforeWrite(BatchWriter& w) {
  if (options.snapshot_every == 0) return;
  std::shared_lock<std::shared_mutex> l(mu);
  for (const auto& [id, state] : staged) {
    auto it = committed.find(id);
    uint64_t before = it == committed.end() ? 0 : it->second->version;
    if (state.version / options.snapshot_every > before / options.snapshot_every) {
      w.PutSnapshot(id, state.version, EncodeSnapshot(state));
    }
  }
}

void Ledger::Impl::Committed() {
  std::unique_lock<std::shared_mutex> l(mu);
  for (auto& [id, state] : staged) {
    committed[id] = std::make_shared<const ConventionState>(std::move(state));
  }
  staged.clear();
  if (staged_ledger) {
    ledger_state = std::make_shared<const LedgerState>(std::move(*staged_ledger));
    staged_ledger.reset();
  }
}

void Ledger::Impl::Aborted() {
  staged.clear();
  staged_ledger.reset();
}

// ------------------------------------------------------------------ Submit

void Ledger::SubmitAsync(std::string jws_text, std::function<void(Result<Receipt>)> done) {
  // Retry is always safe: bytes already in the log get their original
  // receipt whatever happened since (the key revoked, the rules or limits
  // tightened, the convention moved on). So no check below may refuse them.
  // Every refusal before the writer consults the idempotency index first;
  // what passes these checks meets the writer's own idempotency check, which
  // runs before its rule check. Looking up only on refusal costs the happy
  // path nothing, and cannot miss: an original committed before the refusing
  // check read the state is in the index by the time we look.
  auto refuse = [&](Status st) {
    auto original = impl_->log->FindAppended(jws_text);
    if (original.ok() && original->has_value()) return done(std::move(**original));
    done(std::move(st));
  };
  if (jws_text.size() > crypto::kMaxJwsBytes) {
    return refuse(ResourceExhausted("the event is " + std::to_string(jws_text.size()) +
                                    " bytes, over the " + std::to_string(crypto::kMaxJwsBytes) +
                                    "-byte limit"));
  }
  auto jws = crypto::JwsParse(jws_text);
  if (!jws.ok()) return refuse(jws.status().WithContext("event JWS"));
  auto event = ParseEvent(jws->payload);
  if (!event.ok()) return refuse(event.status().WithContext("event payload"));
  if (event->kind == EventType::kLedgerGenesis) {
    return refuse(Status(StatusCode::kConflict,
                       "this ledger already has its genesis record (seq 0)",
                       "ledger.genesis_not_first"));
  }
  std::shared_ptr<const ConventionState> current;
  if (!IsLedgerEventType(event->kind)) {
    auto found = impl_->Current(event->convention);
    if (!found.ok()) return refuse(found.status());
    current = std::move(*found);
    // Name an unknown convention before looking for the signer's key in it
    // (the order rules.h documents), so the error says what is really wrong.
    if (current->version == 0 && event->kind != EventType::kConventionRegistered) {
      return refuse(Status(StatusCode::kNotFound,
                         "convention \"" + event->convention + "\" is not registered",
                         "convention.unknown"));
    }
  }
  static const ConventionState kNoConvention;
  auto key = ResolveSigningKey(current ? *current : kNoConvention, *impl_->Trust(), *event,
                               jws->kid, UINT64_MAX);
  if (!key.ok()) return refuse(key.status());
  Status verified = crypto::JwsVerify(*jws, *key);
  if (!verified.ok()) {
    return refuse(Status(StatusCode::kUnauthenticated,
                         "the signature does not verify with key " + jws->kid,
                         "signature.invalid"));
  }
  AppendRequest req;
  req.stream = event->convention;
  req.expected_version = event->expected_version;
  req.jws = std::move(jws_text);
  Impl* impl = impl_.get();
  req.check = [impl, ev = std::move(*event), kid = jws->kid](uint64_t seq, int64_t at) {
    return impl->Check(ev, kid, seq, at);
  };
  // `done` is moved into the log only if the append was queued.
  auto shared_done = std::make_shared<std::function<void(Result<Receipt>)>>(std::move(done));
  Status queued = impl_->log->AppendAsync(
      std::move(req), [shared_done](Result<Receipt> r) { (*shared_done)(std::move(r)); });
  if (!queued.ok()) (*shared_done)(queued);
}

Result<Receipt> Ledger::Submit(std::string_view jws) {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<Receipt>> out;
  SubmitAsync(std::string(jws), [&](Result<Receipt> r) {
    std::lock_guard<std::mutex> l(mu);
    out.emplace(std::move(r));
    cv.notify_one();
  });
  std::unique_lock<std::mutex> l(mu);
  cv.wait(l, [&] { return out.has_value(); });
  return std::move(*out);
}

// -------------------------------------------------------------------- Reads

uint64_t Ledger::size() const { return impl_->log->size(); }
uint64_t Ledger::StreamVersion(std::string_view convention) const {
  return impl_->log->StreamVersion(convention);
}
const std::string& Ledger::origin() const { return impl_->log->origin(); }
const std::string& Ledger::verifier_key() const { return impl_->log->verifier_key(); }

LedgerState Ledger::Trust() const { return *impl_->Trust(); }

Result<ConventionState> Ledger::State(std::string_view convention, const AsOf& as_of) const {
  PARAPHE_RETURN_IF_ERROR(RequireConventionId(convention));
  if (!as_of.seq && !as_of.date) {
    PARAPHE_ASSIGN_OR_RETURN(auto current, impl_->Current(convention));
    if (current->version == 0) return NotFound("no convention '" + std::string(convention) + "'");
    return *current;
  }
  std::optional<Date> date;
  if (as_of.date) {
    auto d = Date::Parse(*as_of.date);
    if (!d.ok()) return d.status().WithContext("as_of_date");
    date = *d;
  }
  PARAPHE_ASSIGN_OR_RETURN(std::vector<Record> records, impl_->log->Stream(convention));
  if (records.empty()) return NotFound("no convention '" + std::string(convention) + "'");
  const std::shared_ptr<const LedgerState> trust = impl_->Trust();
  ConventionState state;
  for (const Record& r : records) {
    if (as_of.seq && r.seq > *as_of.seq) break;
    if (date) {
      auto jws = crypto::JwsParse(r.jws);
      auto event = jws.ok() ? ParseEvent(jws->payload) : Result<Event>(jws.status());
      if (event.ok() && event->date > *date) break;
    }
    PARAPHE_RETURN_IF_ERROR(impl_->ReplayOne(state, r, *trust));
  }
  if (state.version == 0) {
    return NotFound("convention '" + std::string(convention) + "' did not exist yet at " +
                    (as_of.seq ? "seq " + std::to_string(*as_of.seq) : *as_of.date));
  }
  return state;
}

Result<json::value> Ledger::StateJson(std::string_view convention, const AsOf& as_of) const {
  PARAPHE_ASSIGN_OR_RETURN(ConventionState state, State(convention, as_of));
  Date at = impl_->Today();
  if (as_of.date) at = *Date::Parse(*as_of.date);
  return StateToJson(state, at);
}

Result<std::vector<Record>> Ledger::History(std::string_view convention) const {
  PARAPHE_RETURN_IF_ERROR(RequireConventionId(convention));
  PARAPHE_ASSIGN_OR_RETURN(std::vector<Record> records, impl_->log->Stream(convention));
  if (records.empty()) return NotFound("no convention '" + std::string(convention) + "'");
  return records;
}

Result<Record> Ledger::Entry(uint64_t seq) const { return impl_->log->Get(seq); }

Result<std::vector<Record>> Ledger::Entries(uint64_t start, uint64_t end, size_t limit) const {
  return impl_->log->Range(start, end, limit);
}

Result<std::string> Ledger::Checkpoint() const { return impl_->log->Checkpoint(); }
Result<std::string> Ledger::CheckpointAt(uint64_t size) const {
  return impl_->log->CheckpointAt(size);
}

uint64_t Ledger::WaitForGrowth(uint64_t known, std::chrono::milliseconds timeout) const {
  return impl_->log->WaitForGrowth(known, timeout);
}
Log::Stats Ledger::stats() const { return impl_->log->stats(); }
size_t Ledger::queue_depth() const { return impl_->log->queue_depth(); }

}  // namespace paraphe::ledger
