#include "tools/bench/postgres_peer.h"

#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#if defined(PARAPHE_BENCH_HAVE_LIBPQ)
#include <libpq-fe.h>
#endif

#include "crypto/jws.h"
#include "crypto/sha256.h"
#include "ledger/domain/event.h"
#include "tools/bench/util.h"
#include "tools/bench/workload.h"

namespace paraphe::bench {

namespace fs = std::filesystem;

namespace {

void ReportSkipped(const std::string& why, Report& report) {
  Progress("postgres peer skipped: %s", why.c_str());
  report.NotMeasured("peer.postgres.append", "events/s", why);
  report.NotMeasured("peer.postgres.audit", "events/s", why);
}

}  // namespace

#if !defined(PARAPHE_BENCH_HAVE_LIBPQ)

void MeasurePostgresPeer(const fs::path&, const PeerConfig&, const AppendWorkload&,
                         const MachineLimits&, const ParapheRates&, Report& report) {
  ReportSkipped("paraphe-bench was built without libpq (install libpq-dev and reconfigure)",
                report);
}

#else

namespace {

struct ConnFree {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnFree>;
using PgResult = std::unique_ptr<PGresult, ResultFree>;

// A PostgreSQL server on a temporary directory, stopped and removed on
// destruction.
class Server {
 public:
  static Result<std::unique_ptr<Server>> Start(const fs::path& tmp, const fs::path& bin,
                                               int max_connections) {
    if (!fs::exists(bin / "initdb") || !fs::exists(bin / "pg_ctl")) {
      return NotFound("no initdb/pg_ctl in " + bin.string());
    }
    // Under tmp itself: the postgres user must be able to reach it.
    PARAPHE_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create(tmp, "paraphe-bench-pg-"));
    auto s = std::unique_ptr<Server>(new Server(std::move(dir), bin));
    if (geteuid() == 0) {
      // PostgreSQL refuses to run as root: run it as `postgres`.
      struct passwd* pw = getpwnam("postgres");
      if (pw == nullptr) return NotFound("running as root and there is no 'postgres' user");
      if (chown(s->dir_.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        return Unavailable("cannot chown " + s->dir_.path().string() + " to postgres");
      }
      s->as_ = {"runuser", "-u", "postgres", "--"};
    }
    s->port_ = FreeLoopbackPort();
    const fs::path log = s->dir_.path() / "commands.log";
    if (s->Run({(bin / "initdb").string(), "-D", s->Data(), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-sync"}) != 0) {
      return Unavailable("initdb failed: " + ReadHead(log));
    }
    std::string opts = "-k " + s->dir_.path().string() + " -p " + std::to_string(s->port_) +
                       " -c listen_addresses=127.0.0.1 -c max_connections=" +
                       std::to_string(max_connections) +
                       " -c synchronous_commit=on -c fsync=on -c shared_buffers=256MB";
    if (s->Run({(bin / "pg_ctl").string(), "-D", s->Data(), "-l",
                (s->dir_.path() / "server.log").string(), "-w", "-t", "60", "-o", opts,
                "start"}) != 0) {
      return Unavailable("pg_ctl start failed: " + ReadHead(log) + " " +
                         ReadHead(s->dir_.path() / "server.log"));
    }
    s->started_ = true;
    return Result<std::unique_ptr<Server>>(std::move(s));
  }

  ~Server() {
    if (started_) Run({(bin_ / "pg_ctl").string(), "-D", Data(), "-m", "fast", "-w", "stop"});
  }

  std::string ConnInfo() const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres";
  }

 private:
  Server(TempDir dir, fs::path bin) : dir_(std::move(dir)), bin_(std::move(bin)) {}
  std::string Data() const { return (dir_.path() / "data").string(); }
  int Run(std::vector<std::string> argv) const {
    std::vector<std::string> full = as_;
    full.insert(full.end(), argv.begin(), argv.end());
    return RunCommand(full, dir_.path() / "commands.log");
  }

  TempDir dir_;
  fs::path bin_;
  std::vector<std::string> as_;
  int port_ = 0;
  bool started_ = false;
};

Result<Conn> Connect(const std::string& info) {
  Conn c(PQconnectdb(info.c_str()));
  if (!c || PQstatus(c.get()) != CONNECTION_OK) {
    return Unavailable(std::string("connect: ") + (c ? PQerrorMessage(c.get()) : "out of memory"));
  }
  return Result<Conn>(std::move(c));
}

Status Exec(PGconn* c, const std::string& sql) {
  PgResult r(PQexec(c, sql.c_str()));
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return Internal(sql.substr(0, 60) + ": " + PQerrorMessage(c));
  }
  return Status::Ok();
}

constexpr char kSchema[] = R"sql(
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TABLE events (
  seq bigint PRIMARY KEY,
  convention text NOT NULL,
  version bigint NOT NULL,
  jws text NOT NULL,
  chain bytea NOT NULL,
  UNIQUE (convention, version));
CREATE TABLE head (id int PRIMARY KEY, seq bigint NOT NULL, chain bytea NOT NULL);
INSERT INTO head VALUES (1, 0, ''::bytea);
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC;
)sql";

// One statement, one synchronous commit: take the head row (which
// serializes appenders), extend the chain, insert the row.
constexpr char kAppend[] = R"sql(
WITH h AS (
  UPDATE head SET seq = seq + 1,
                  chain = digest(chain || convert_to($3, 'UTF8'), 'sha256')
  WHERE id = 1 RETURNING seq, chain)
INSERT INTO events (seq, convention, version, jws, chain)
SELECT seq, $1, $2::bigint, $3, chain FROM h
)sql";

// The application's check before inserting: the same signature check as
// the ledger (parse, find the key by kid, verify).
Status VerifyJws(const std::string& jws_text, ledger::Event* event) {
  PARAPHE_ASSIGN_OR_RETURN(crypto::Jws jws, crypto::JwsParse(jws_text));
  const auto& keys = DemoKeys::Get().by_kid;
  auto it = keys.find(jws.kid);
  if (it == keys.end()) return Unauthenticated("unknown kid " + jws.kid);
  if (event != nullptr) {
    PARAPHE_ASSIGN_OR_RETURN(*event, ledger::ParseEvent(jws.payload));
  }
  return crypto::JwsVerify(jws, it->second);
}

struct Row {
  uint64_t seq;
  std::string jws;
  std::string chain;
};

uint64_t BigEndian(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

Result<std::vector<Row>> Fetch(PGconn* c, uint64_t after, int limit) {
  std::string a = std::to_string(after), l = std::to_string(limit);
  const char* params[] = {a.c_str(), l.c_str()};
  PgResult r(PQexecParams(c,
                          "SELECT seq, jws, chain FROM events WHERE seq > $1::bigint "
                          "ORDER BY seq LIMIT $2::int",
                          2, nullptr, params, nullptr, nullptr, /*resultFormat=*/1));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return Internal(PQerrorMessage(c));
  std::vector<Row> rows(static_cast<size_t>(PQntuples(r.get())));
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    rows[i].seq = BigEndian(PQgetvalue(r.get(), i, 0));
    rows[i].jws.assign(PQgetvalue(r.get(), i, 1), PQgetlength(r.get(), i, 1));
    rows[i].chain.assign(PQgetvalue(r.get(), i, 2), PQgetlength(r.get(), i, 2));
  }
  return rows;
}

}  // namespace

void MeasurePostgresPeer(const fs::path& tmp, const PeerConfig& config, const AppendWorkload& w,
                         const MachineLimits& limits, const ParapheRates& paraphe,
                         Report& report) {
  const size_t producers = w.per_producer.size();
  const size_t per_producer = (config.events + producers - 1) / producers;
  Progress("postgres peer: starting PostgreSQL from %s", config.pg_bin.c_str());
  auto server = Server::Start(tmp, config.pg_bin, static_cast<int>(producers) + 20);
  if (!server.ok()) return ReportSkipped(server.status().message(), report);
  const std::string info = (*server)->ConnInfo();
  {
    auto c = Connect(info);
    if (!c.ok()) return ReportSkipped(c.status().message(), report);
    if (Status st = Exec(c->get(), kSchema); !st.ok()) {
      return ReportSkipped("schema (is pgcrypto installed?): " + st.message(), report);
    }
  }

  // --- append: same producers, same events (a prefix of each list) ---
  std::vector<Conn> conns;
  for (size_t p = 0; p < producers; ++p) {
    auto c = Connect(info);
    if (!c.ok()) return ReportSkipped(c.status().message(), report);
    PgResult r(PQprepare(c->get(), "append", kAppend, 3, nullptr));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      return ReportSkipped(std::string("prepare: ") + PQerrorMessage(c->get()), report);
    }
    conns.push_back(std::move(*c));
  }
  Progress("postgres peer: %zu producers x up to %zu events", producers, per_producer);
  std::atomic<uint64_t> ok{0};
  std::mutex mu;
  std::string first_error;
  std::vector<std::thread> pool;
  Stopwatch sw;
  for (size_t p = 0; p < producers; ++p) {
    pool.emplace_back([&, p] {
      PGconn* c = conns[p].get();
      const auto& list = w.per_producer[p];
      for (size_t i = 0; i < std::min(per_producer, list.size()); ++i) {
        ledger::Event e;
        Status st = VerifyJws(list[i], &e);
        std::string version;
        if (st.ok()) {
          version = std::to_string(e.expected_version + 1);
          const char* params[] = {e.convention.c_str(), version.c_str(), list[i].c_str()};
          PgResult r(PQexecPrepared(c, "append", 3, params, nullptr, nullptr, 0));
          if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) {
            ok.fetch_add(1, std::memory_order_relaxed);
            continue;
          }
          st = Internal(std::string("insert: ") + PQerrorMessage(c));
        }
        std::lock_guard<std::mutex> g(mu);
        if (first_error.empty()) first_error = st.ToString();
        return;
      }
    });
  }
  for (auto& t : pool) t.join();
  const double append_s = sw.Seconds();
  conns.clear();
  if (!first_error.empty()) {
    report.Error("postgres peer append: " + first_error);
    return;
  }
  const double pg_append = static_cast<double>(ok.load()) / append_s;
  report.Add("peer.postgres.append", pg_append, "events/s", limits.verify_all_cores,
             "verify all cores", Cmp::kNone, 0,
             std::to_string(producers) + " producers, " + std::to_string(ok.load()) +
                 " events, synchronous_commit=on, pgcrypto chain");

  // --- audit: recompute the chain, verify every signature ---
  auto c = Connect(info);
  if (!c.ok()) return ReportSkipped(c.status().message(), report);
  constexpr int kChunk = 10000;
  uint64_t audited = 0;
  std::string prev;
  std::atomic<bool> bad{false};
  Status audit_error;
  sw.Restart();
  auto next = std::async(std::launch::async, [&] { return Fetch(c->get(), 0, kChunk); });
  for (;;) {
    auto rows = next.get();
    if (!rows.ok()) {
      audit_error = rows.status();
      break;
    }
    if (rows->empty()) break;
    uint64_t last = rows->back().seq;
    next = std::async(std::launch::async, [&, last] { return Fetch(c->get(), last, kChunk); });
    for (const Row& r : *rows) {
      crypto::Hash h = crypto::Sha256Parts({prev, r.jws});
      prev.assign(crypto::HashBytes(h));
      if (prev != r.chain) {
        audit_error = DataLoss("chain mismatch at seq " + std::to_string(r.seq));
        break;
      }
    }
    if (!audit_error.ok()) break;
    ParallelFor(rows->size(), [&](int, size_t i) {
      if (!VerifyJws((*rows)[i].jws, nullptr).ok()) bad = true;
    });
    audited += rows->size();
  }
  if (next.valid()) (void)next.get();
  const double audit_s = sw.Seconds();
  if (bad) audit_error = Unauthenticated("a signature does not verify");
  if (!audit_error.ok()) {
    report.Error("postgres peer audit: " + audit_error.ToString());
    return;
  }
  const double pg_audit = static_cast<double>(audited) / audit_s;
  report.Add("peer.postgres.audit", pg_audit, "events/s", limits.verify_all_cores,
             "verify all cores", Cmp::kNone, 0,
             std::to_string(audited) + " rows: fetch in seq order, recompute the chain, verify "
             "signatures on all cores");

  // --- side by side ---
  if (paraphe.append_inprocess > 0) {
    report.Add("vs_postgres.append.inprocess", paraphe.append_inprocess, "events/s", pg_append,
               "postgres append", Cmp::kNone, 0, "Paraphe / PostgreSQL, same producers and events");
  }
  if (paraphe.append_http > 0) {
    report.Add("vs_postgres.append.http", paraphe.append_http, "events/s", pg_append,
               "postgres append", Cmp::kNone, 0, "Paraphe over HTTP / PostgreSQL (libpq on loopback)");
  }
  if (paraphe.audit > 0) {
    report.Add("vs_postgres.audit", paraphe.audit, "events/s", pg_audit, "postgres audit",
               Cmp::kNone, 0, "Paraphe verifier / PostgreSQL chain + signatures");
  } else {
    report.NotMeasured("vs_postgres.audit", "events/s",
                       "Paraphe's audit was not measured (verifier missing)");
  }
}

#endif

}  // namespace paraphe::bench
