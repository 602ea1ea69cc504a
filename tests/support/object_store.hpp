// The scale-out tests' object store and load balancer: a real Ceph RGW started with the
// project's scripts/s3-server (once per test process, stopped at exit), buckets on it, and
// Debian's nginx as a round-robin load balancer in front of several charthouse nodes.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "process.hpp"

namespace ch::testing {

struct ObjectStore {
  std::string dir;  // state directory of scripts/s3-server
  std::string endpoint, access_key, secret_key, region;
  int port = 0, mon_port = 0;
};

// Starts an RGW on free ports (state under `dir`); throws with the script's output when it
// cannot. stop_object_store() stops it and removes `dir`.
ObjectStore start_object_store(const std::string& dir);
void stop_object_store(const ObjectStore& s);

// One RGW for the whole test process, started on first use.
const ObjectStore& shared_object_store();

// Creates `bucket` on `s` (PUT bucket, signed).
void create_bucket(const ObjectStore& s, const std::string& bucket);

// The environment a charthouse node needs for `s` (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
std::map<std::string, std::string> s3_env(const ObjectStore& s);

// `n` pseudo-random bytes from `seed` (test content that does not compress).
std::string random_bytes(std::size_t n, unsigned seed);

// nginx on a free loopback port (*port) balancing round-robin over 127.0.0.1:<ports>, with
// request and response bodies streamed (no buffering, no size limit), the client's Host
// header passed on, and a failed upstream connection retried on the next node for
// idempotent requests. Its files live under `work`.
std::unique_ptr<Process> start_balancer(const std::vector<int>& ports, const std::string& work,
                                        int* port);

}  // namespace ch::testing
