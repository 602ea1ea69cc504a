// A real PostgreSQL 15 (Debian's /usr/lib/postgresql/15) for the scale-out tests: a fresh
// cluster in a temporary directory, trust authentication, listening on 127.0.0.1 (a free
// port) and on a Unix socket in that directory, fsync off. Run as the `postgres` user when
// the tests run as root (PostgreSQL refuses to run as root).
#pragma once

#include <string>
#include <vector>

namespace ch::testing {

class PostgresServer {
 public:
  // initdb + start; returns once the server accepts connections. Throws
  // std::runtime_error with the server's log when it does not start.
  PostgresServer();
  ~PostgresServer();  // stops the server and removes its directory
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // postgresql://postgres@127.0.0.1:<port>/<db>
  std::string conninfo(const std::string& db) const;
  // postgresql:///<db>?host=<socket dir>&port=<port>&user=postgres
  std::string socket_conninfo(const std::string& db) const;
  // CREATE DATABASE (template0, UTF8).
  void create_database(const std::string& name);
  // Stops (fast: connections are cut) and starts again on the same port.
  void restart();
  void stop();
  void start();
  bool running() const { return running_; }
  int port() const { return port_; }
  const std::string& directory() const { return dir_; }

 private:
  // argv run as the server's user; throws with the output when it fails.
  std::string run_as_owner(const std::vector<std::string>& argv) const;

  std::string dir_;  // owned by the server's user: data/, the socket, server.log
  int port_ = 0;
  bool as_root_ = false;
  bool running_ = false;
};

// One server per test process, started on first use, stopped at exit.
PostgresServer& shared_postgres();

}  // namespace ch::testing
