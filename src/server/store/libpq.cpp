// See libpq.hpp. The handle stays open for the life of the process: connections and
// results may outlive any one store.
#include "server/store/libpq.hpp"

#include <dlfcn.h>

#include <string>

#include "base/error.hpp"

namespace ch::server::store {

namespace {

template <class Fn>
void resolve(void* handle, const char* name, Fn& out) {
  void* p = ::dlsym(handle, name);
  if (p == nullptr)
    throw Error(ErrorCode::kIo, std::string("libpq.so.5 has no ") + name +
                                    ": install a newer libpq5 (PostgreSQL 10 or later)");
  out = reinterpret_cast<Fn>(p);
}

LibPq load() {
  void* handle = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    throw Error(ErrorCode::kIo, std::string("libpq.so.5 not found: install libpq5") +
                                    (why != nullptr ? std::string(" (") + why + ")" : ""));
  }
  LibPq pq{};
  resolve(handle, "PQconnectdb", pq.connectdb);
  resolve(handle, "PQstatus", pq.status);
  resolve(handle, "PQerrorMessage", pq.error_message);
  resolve(handle, "PQfinish", pq.finish);
  resolve(handle, "PQreset", pq.reset);
  resolve(handle, "PQtransactionStatus", pq.transaction_status);
  resolve(handle, "PQexec", pq.exec);
  resolve(handle, "PQexecParams", pq.exec_params);
  resolve(handle, "PQresultStatus", pq.result_status);
  resolve(handle, "PQresultErrorMessage", pq.result_error_message);
  resolve(handle, "PQresultErrorField", pq.result_error_field);
  resolve(handle, "PQntuples", pq.ntuples);
  resolve(handle, "PQgetvalue", pq.getvalue);
  resolve(handle, "PQgetlength", pq.getlength);
  resolve(handle, "PQgetisnull", pq.getisnull);
  resolve(handle, "PQcmdTuples", pq.cmd_tuples);
  resolve(handle, "PQclear", pq.clear);
  resolve(handle, "PQunescapeBytea", pq.unescape_bytea);
  resolve(handle, "PQfreemem", pq.freemem);
  return pq;
}

}  // namespace

const LibPq& libpq() {
  // A static whose initialiser throws is initialised again on the next call: a missing
  // libpq keeps failing with the same clear error instead of leaving a half-made table.
  static const LibPq loaded = load();
  return loaded;
}

}  // namespace ch::server::store
