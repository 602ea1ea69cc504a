// The server: listening sockets (one per worker, SO_REUSEPORT), worker threads, the accept
// loop, the per-worker I/O timeout sweeper, and a graceful stop. Connections live in
// connection.cpp.
#include "server/http/server.hpp"

#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange

#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <cstdio>

#include <cerrno>
#include <vector>
#include "base/error.hpp"

#include "server/http/connection.hpp"

namespace ch::server::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using detail::Clock;
using detail::Worker;

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) <
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string Request::header(const std::string& name) const {
  auto it = headers.lower_bound(name);
  if (it == headers.end() || headers.key_comp()(name, it->first)) return {};
  return it->second;
}

std::string Request::param(const std::string& name) const {
  auto it = query.lower_bound(name);
  if (it == query.end() || it->first != name) return {};
  return it->second;
}

std::vector<std::string> Request::params(const std::string& name) const {
  std::vector<std::string> out;
  auto [first, last] = query.equal_range(name);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

namespace {

constexpr auto kForceWait = std::chrono::seconds(2);  // after the grace period

auto redirect(error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

tcp::endpoint resolve(const std::string& address, std::uint16_t port) {
  std::string host = address;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (!ec) return {addr, port};
  asio::io_context ctx;
  tcp::resolver resolver(ctx);
  auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty())
    throw Error(ErrorCode::kInvalidArgument,
                "cannot resolve the listen address " + address + ": " + ec.message());
  return results.begin()->endpoint();
}

asio::awaitable<void> accept_loop(Worker& w) {
  for (;;) {
    tcp::socket socket(w.ioc);
    error_code ec;
    co_await w.acceptor.async_accept(socket, redirect(ec));
    if (w.shared.stopping || !w.acceptor.is_open() || ec == asio::error::operation_aborted)
      co_return;
    if (ec == asio::error::no_descriptors ||
        ec.value() == ENFILE) {  // out of file descriptors: connections that have not sent
      // a request (idle keep-alives, slow headers) make room for ones that will, e.g. a
      // health check, instead of every new client waiting in the backlog.
      std::vector<detail::Conn*> waiting;
      for (detail::Conn* c : w.conns)
        if (c->awaiting && !c->aborted) waiting.push_back(c);
      for (detail::Conn* c : waiting) c->abort();
      if (!waiting.empty()) {
        asio::steady_timer pause(w.ioc, std::chrono::milliseconds(1));
        co_await pause.async_wait(redirect(ec));
        continue;
      }
    }
    if (ec) {  // e.g. out of file descriptors: back off instead of spinning
      asio::steady_timer pause(w.ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(redirect(ec));
      continue;
    }
    detail::start_connection(w, std::move(socket));
  }
}

// Once a second: abort connections whose pending network operation is past its deadline.
asio::awaitable<void> sweep_loop(Worker& w) {
  while (!w.finished) {
    error_code ec;
    w.sweeper.expires_after(std::chrono::seconds(1));
    co_await w.sweeper.async_wait(redirect(ec));
    if (w.finished) co_return;
    auto now = Clock::now();
    for (detail::Conn* c : w.conns)
      if (c->deadline < now) c->abort();
  }
}

void run_worker(Worker& w) {
  // sendfile(2) has no MSG_NOSIGNAL: a peer that vanished must not kill the process.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  for (;;) {
    try {
      w.ioc.run();
      break;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "http: worker: %s\n", e.what());
    }
  }
  w.exited = true;
  std::lock_guard lk(w.shared.mu);
  w.shared.cv.notify_all();
}

}  // namespace

struct Server::Impl {
  enum class State { kNew, kRunning, kStopping, kStopped };

  detail::Shared shared;  // first: outlives the workers, whose connections use it
  std::vector<std::unique_ptr<Worker>> workers;
  std::uint16_t port = 0;
  State state = State::kNew;  // guarded by shared.mu
  std::thread stopper;        // runs shutdown() when stop() is called on a worker thread

  ~Impl() {
    if (stopper.joinable()) stopper.join();
  }

  std::size_t active() const {
    std::size_t n = 0;
    for (const auto& w : workers) n += w->active;
    return n;
  }

  bool all_exited() const {
    return std::all_of(workers.begin(), workers.end(),
                       [](const auto& w) { return w->exited.load(); });
  }

  bool on_worker_thread() const {
    auto self = std::this_thread::get_id();
    return std::any_of(workers.begin(), workers.end(),
                       [&](const auto& w) { return w->thread.get_id() == self; });
  }

  void configure_tls() {
    const auto& o = shared.options;
    if (o.tls_cert_file.empty() != o.tls_key_file.empty())
      throw Error(ErrorCode::kInvalidArgument, "TLS needs both a certificate file and a key file");
    if (o.tls_cert_file.empty()) return;
    auto& ctx = shared.tls.emplace(asio::ssl::context::tls_server);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    error_code ec;
    ctx.use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec)
      throw Error(ErrorCode::kInvalidArgument,
                  "cannot load the TLS certificate " + o.tls_cert_file + ": " + ec.message());
    ctx.use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
    if (ec)
      throw Error(ErrorCode::kInvalidArgument,
                  "cannot load the TLS key " + o.tls_key_file + ": " + ec.message());
  }

  // Binds one acceptor per worker on the same address and port.
  void listen() {
    const auto& o = shared.options;
    tcp::endpoint ep = resolve(o.address, o.port);
    unsigned n = o.threads != 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    auto fail = [&](const std::string& why) {
      return Error(ErrorCode::kIo,
                   "cannot listen on " + o.address + ":" + std::to_string(o.port) + ": " + why);
    };
    error_code ec;
    if (ep.port() != 0) {
      // SO_REUSEPORT would let us share a port another server already listens on; a plain
      // bind first turns that into an error. (An ephemeral bind never picks a shared port.)
      asio::io_context probe_ctx;
      tcp::acceptor probe(probe_ctx);
      probe.open(ep.protocol(), ec);
      if (!ec) probe.set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) probe.bind(ep, ec);
      if (ec) throw fail(ec.message());
    }
    for (unsigned i = 0; i < n; ++i) {
      auto w = std::make_unique<Worker>(shared);
      auto& a = w->acceptor;
      a.open(ep.protocol(), ec);
      if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) {
        int one = 1;
        if (::setsockopt(a.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
          ec = error_code(errno, boost::system::system_category());
      }
      if (!ec) a.bind(tcp::endpoint(ep.address(), i == 0 ? ep.port() : port), ec);
      if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) throw fail(ec.message());
      if (i == 0) port = a.local_endpoint().port();
      workers.push_back(std::move(w));
    }
  }

  void shutdown(std::chrono::milliseconds grace) {
    shared.stopping = true;
    auto deadline = Clock::now() + grace;
    // Stop accepting; close connections that wait for a request. Those inside a request
    // finish it (answering with Connection: close) and close.
    for (auto& w : workers) {
      asio::post(w->ioc, [w = w.get()] {
        error_code ec;
        w->acceptor.close(ec);
        for (detail::Conn* c : w->conns)
          if (c->idle) c->abort();
      });
    }
    std::unique_lock lk(shared.mu);
    shared.cv.wait_until(lk, deadline, [&] { return active() == 0; });
    lk.unlock();

    // Past the grace period: abort whatever is left and let the threads run out of work.
    for (auto& w : workers) {
      asio::post(w->ioc, [w = w.get()] {
        error_code ec;
        w->acceptor.close(ec);
        w->finished = true;
        w->sweeper.cancel();
        for (detail::Conn* c : w->conns) c->abort();
      });
    }
    lk.lock();
    shared.cv.wait_for(lk, kForceWait, [&] { return all_exited(); });
    lk.unlock();
    // A handler that waits on something other than its connection keeps its io_context
    // busy forever; stop it (its coroutine is destroyed with the io_context).
    for (auto& w : workers)
      if (!w->exited) w->ioc.stop();
    for (auto& w : workers)
      if (w->thread.joinable()) w->thread.join();

    lk.lock();
    state = State::kStopped;
    shared.cv.notify_all();
  }
};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->shared.options = std::move(options);
  impl_->shared.handler = std::move(handler);
}

Server::~Server() {
  stop();
}

void Server::start() {
  Impl& m = *impl_;
  std::lock_guard lk(m.shared.mu);
  if (m.state != Impl::State::kNew)
    throw Error(ErrorCode::kInternal, "the HTTP server was already started or stopped");
  if (!m.shared.handler) throw Error(ErrorCode::kInternal, "the HTTP server has no handler");
  try {
    m.configure_tls();
    m.listen();
  } catch (...) {
    m.workers.clear();
    m.shared.tls.reset();
    throw;
  }
  for (auto& w : m.workers) {
    asio::co_spawn(w->ioc, accept_loop(*w), asio::detached);
    asio::co_spawn(w->ioc, sweep_loop(*w), asio::detached);
  }
  for (auto& w : m.workers) w->thread = std::thread([w = w.get()] { run_worker(*w); });
  m.state = Impl::State::kRunning;
}

std::uint16_t Server::port() const {
  std::lock_guard lk(impl_->shared.mu);
  return impl_->state == Impl::State::kNew ? impl_->shared.options.port : impl_->port;
}

void Server::stop(std::chrono::milliseconds grace) {
  Impl& m = *impl_;
  std::unique_lock lk(m.shared.mu);
  switch (m.state) {
    case Impl::State::kNew:
      m.state = Impl::State::kStopped;
      m.shared.cv.notify_all();
      return;
    case Impl::State::kStopped:
      return;
    case Impl::State::kStopping:
      if (m.on_worker_thread()) return;  // waiting here would wait for ourselves
      m.shared.cv.wait(lk, [&] { return m.state == Impl::State::kStopped; });
      return;
    case Impl::State::kRunning:
      break;
  }
  m.state = Impl::State::kStopping;
  if (m.on_worker_thread()) {  // a handler asked: the workers cannot join themselves
    m.stopper = std::thread([&m, grace] { m.shutdown(grace); });
    return;
  }
  lk.unlock();
  m.shutdown(grace);
}

void Server::wait() {
  Impl& m = *impl_;
  std::unique_lock lk(m.shared.mu);
  m.shared.cv.wait(
      lk, [&] { return m.state == Impl::State::kStopped || m.state == Impl::State::kNew; });
}

}  // namespace ch::server::http
