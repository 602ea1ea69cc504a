#include "server/handlers/offload.hpp"

namespace ch::server::handlers {

boost::asio::thread_pool& cpu_pool() {
  static boost::asio::thread_pool pool(2);
  return pool;
}

boost::asio::thread_pool& store_pool() {
  static boost::asio::thread_pool pool(32);
  return pool;
}

}  // namespace ch::server::handlers
