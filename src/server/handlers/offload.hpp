// CPU-heavy work of a request (bcrypt, parsing an uploaded chart archive) runs on a small
// pool of its own, so the I/O threads keep answering (/healthz, downloads) meanwhile.
#pragma once

#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>

namespace ch::server::handlers {

// The pool: two threads, created on first use, alive for the process.
boost::asio::thread_pool& cpu_pool();

// Calls that wait on a network store (S3, PostgreSQL): a larger pool of their own, so a slow
// object store neither stalls the I/O threads nor the CPU pool. Created on first use.
boost::asio::thread_pool& store_pool();

// Runs f() on `pool` and resumes the calling coroutine on its own executor with the result
// (or the exception f threw).
template <typename F>
boost::asio::awaitable<std::invoke_result_t<F>> offload_to(boost::asio::thread_pool& pool, F f) {
  using T = std::invoke_result_t<F>;
  co_return co_await boost::asio::co_spawn(
      pool, [f = std::move(f)]() mutable -> boost::asio::awaitable<T> { co_return f(); },
      boost::asio::use_awaitable);
}

template <typename F>
boost::asio::awaitable<std::invoke_result_t<F>> offload(F f) {
  co_return co_await offload_to(cpu_pool(), std::move(f));
}

}  // namespace ch::server::handlers
