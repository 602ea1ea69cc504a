#include "registry/api/offload.hpp"

namespace ch::registry::api {

boost::asio::thread_pool& cpu_pool() {
  static boost::asio::thread_pool pool(2);
  return pool;
}

}  // namespace ch::registry::api
