// See postgres.hpp. pg_ctl does the starting and stopping (-w: it waits until the server
// accepts connections or is gone), so a test never races the server's startup.
#include "postgres.hpp"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "process.hpp"
#include "testing.hpp"

namespace ch::testing {

namespace {

const std::string kBin = "/usr/lib/postgresql/15/bin/";

std::string log_tail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
}

}  // namespace

PostgresServer::PostgresServer() {
  as_root_ = ::geteuid() == 0;
  std::string tmpl = (std::filesystem::temp_directory_path() / "charthouse-pg-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  if (as_root_) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("no postgres user to run PostgreSQL as");
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      throw std::runtime_error("chown " + dir_ + " failed");
  }
  run_as_owner({kBin + "initdb", "-D", dir_ + "/data", "-U", "postgres", "-A", "trust", "-E",
                "UTF8", "--locale=C", "--no-sync"});
  port_ = free_port();
  start();
}

PostgresServer::~PostgresServer() {
  try {
    stop();
  } catch (...) {  // the directory goes anyway
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PostgresServer::run_as_owner(const std::vector<std::string>& argv) const {
  std::vector<std::string> full;
  if (as_root_) full = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  auto r = run(full, dir_);
  if (r.code != 0) {
    std::string what;
    for (const auto& a : argv) what += a + " ";
    throw std::runtime_error(what + "failed (" + std::to_string(r.code) + "): " + r.out + r.err +
                             "\n" + log_tail(dir_ + "/server.log"));
  }
  return r.out;
}

void PostgresServer::start() {
  const std::string options = "-p " + std::to_string(port_) + " -k " + dir_ +
                              " -c listen_addresses=127.0.0.1 -c fsync=off"
                              " -c synchronous_commit=off -c full_page_writes=off"
                              " -c max_connections=300 -c shared_buffers=32MB";
  run_as_owner({kBin + "pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-o", options,
                "-w", "-t", "60", "start"});
  running_ = true;
}

void PostgresServer::stop() {
  if (!running_) return;
  run_as_owner({kBin + "pg_ctl", "-D", dir_ + "/data", "-m", "fast", "-w", "-t", "60", "stop"});
  running_ = false;
}

void PostgresServer::restart() {
  stop();
  start();
}

std::string PostgresServer::conninfo(const std::string& db) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string PostgresServer::socket_conninfo(const std::string& db) const {
  return "postgresql:///" + db + "?host=" + dir_ + "&port=" + std::to_string(port_) +
         "&user=postgres";
}

void PostgresServer::create_database(const std::string& name) {
  auto r = run({kBin + "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo("postgres"),
                "-c", "CREATE DATABASE \"" + name + "\" TEMPLATE template0 ENCODING 'UTF8'"});
  if (r.code != 0) throw std::runtime_error("CREATE DATABASE " + name + " failed: " + r.err);
}

PostgresServer& shared_postgres() {
  // Destroyed at exit, which stops the server and removes its directory.
  static std::unique_ptr<PostgresServer> server = std::make_unique<PostgresServer>();
  return *server;
}

}  // namespace ch::testing
