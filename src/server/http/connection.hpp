// Internals of the HTTP server shared by server.cpp (listening, workers, stop) and
// connection.cpp (one connection's request loop): per-worker state and the bookkeeping
// that lets a worker time out stalled I/O and stop() close idle keep-alive connections.
#pragma once

#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "server/http/server.hpp"

namespace ch::server::http::detail {

using Clock = std::chrono::steady_clock;

// What every worker and connection of one server shares.
struct Shared {
  ServerOptions options;
  Handler handler;
  std::optional<boost::asio::ssl::context> tls;  // set: serve HTTPS
  std::atomic<bool> stopping{false};             // no new requests; close idle connections
  std::mutex mu;
  std::condition_variable cv;  // signalled when a connection or worker ends while stopping
};

// One open connection as its worker sees it. `deadline` is set while the connection waits
// on the network and is checked once a second by the worker's sweeper; abort() makes the
// pending operation fail and every later one too.
struct Conn {
  boost::asio::ip::tcp::socket* socket = nullptr;
  Clock::time_point deadline = Clock::time_point::max();
  bool idle = false;      // waiting for the first byte of a request
  bool awaiting = false;  // waiting for a request's headers (idle, or some bytes of them)
  bool aborted = false;

  void arm(Clock::duration d) { deadline = Clock::now() + d; }
  void disarm() { deadline = Clock::time_point::max(); }
  void abort();
};

// One thread, one io_context, one acceptor (SO_REUSEPORT). Connections accepted here stay
// here, so nothing in a connection needs a lock.
struct Worker {
  explicit Worker(Shared& s) : shared(s) {}
  Shared& shared;
  std::unordered_set<Conn*> conns;  // worker thread only
  std::atomic<std::size_t> active{0};
  std::atomic<bool> exited{false};  // the thread left io_context::run()
  bool finished = false;            // worker thread only: the sweeper should end
  // Declared after the bookkeeping above: destroying the io_context destroys suspended
  // connections, which unregister themselves.
  boost::asio::io_context ioc{1};
  boost::asio::ip::tcp::acceptor acceptor{ioc};
  boost::asio::steady_timer sweeper{ioc};
  std::thread thread;
};

// Serves one accepted connection on the worker's io_context until it closes.
void start_connection(Worker& worker, boost::asio::ip::tcp::socket socket);

}  // namespace ch::server::http::detail
