// libpq, loaded on first use with dlopen("libpq.so.5") rather than linked: only a server
// started with a postgres:// metadata store pays for it, and the CLI's start-up never maps
// it. Types and constants come from <libpq-fe.h>; the functions from the table below.
#pragma once

#include <libpq-fe.h>

namespace ch::server::store {

// The libpq functions charthouse uses, resolved with dlsym.
struct LibPq {
  decltype(&::PQconnectdb) connectdb;
  decltype(&::PQstatus) status;
  decltype(&::PQerrorMessage) error_message;
  decltype(&::PQfinish) finish;
  decltype(&::PQreset) reset;
  decltype(&::PQtransactionStatus) transaction_status;
  decltype(&::PQexec) exec;
  decltype(&::PQexecParams) exec_params;
  decltype(&::PQresultStatus) result_status;
  decltype(&::PQresultErrorMessage) result_error_message;
  decltype(&::PQresultErrorField) result_error_field;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQgetvalue) getvalue;
  decltype(&::PQgetlength) getlength;
  decltype(&::PQgetisnull) getisnull;
  decltype(&::PQcmdTuples) cmd_tuples;
  decltype(&::PQclear) clear;
  decltype(&::PQunescapeBytea) unescape_bytea;
  decltype(&::PQfreemem) freemem;
};

// The loaded library (loaded once, thread-safe, never unloaded). Throws Error(kIo) "libpq.so.5
// not found: install libpq5" when it cannot be loaded, or naming the missing symbol.
const LibPq& libpq();

}  // namespace ch::server::store
