#include "object_store.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>

#include "server/store/s3_client.hpp"

namespace ch::testing {

namespace {

std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + command);
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int rc = ::pclose(p);
  if (rc != 0) throw std::runtime_error(command + " failed:\n" + out);
  return out;
}

std::string script() {
  return std::string(CH_SOURCE_DIR) + "/scripts/s3-server";
}

}  // namespace

ObjectStore start_object_store(const std::string& dir) {
  ObjectStore s;
  s.dir = dir;
  s.port = free_port();
  s.mon_port = free_port();
  while (s.mon_port == s.port) s.mon_port = free_port();
  run(script() + " start " + dir + " " + std::to_string(s.port) + " " + std::to_string(s.mon_port));
  std::ifstream env(dir + "/env");
  std::string line;
  while (std::getline(env, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "S3_ENDPOINT") s.endpoint = v;
    if (k == "S3_ACCESS_KEY") s.access_key = v;
    if (k == "S3_SECRET_KEY") s.secret_key = v;
    if (k == "S3_REGION") s.region = v;
  }
  if (s.endpoint.empty()) throw std::runtime_error("s3-server wrote no endpoint in " + dir);
  return s;
}

void stop_object_store(const ObjectStore& s) {
  try {
    run(script() + " stop " + s.dir);
  } catch (const std::exception&) {
  }
}

const ObjectStore& shared_object_store() {
  static std::once_flag once;
  static ObjectStore store;
  std::call_once(once, [] {
    char tmpl[] = "/tmp/ch-rgw-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    ::rmdir(tmpl);  // the script makes it (and refuses a foreign non-empty one)
    store = start_object_store(tmpl);
    std::atexit([] { stop_object_store(store); });
  });
  return store;
}

void create_bucket(const ObjectStore& s, const std::string& bucket) {
  server::store::S3Config c;
  c.endpoint = s.endpoint;
  c.bucket = bucket;
  c.access_key = s.access_key;
  c.secret_key = s.secret_key;
  c.region = s.region;
  server::store::S3Client(c).create_bucket();
}

std::map<std::string, std::string> s3_env(const ObjectStore& s) {
  return {{"AWS_ACCESS_KEY_ID", s.access_key}, {"AWS_SECRET_ACCESS_KEY", s.secret_key}};
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t v = rng();
    std::memcpy(s.data() + i, &v, std::min<std::size_t>(8, n - i));
  }
  return s;
}

std::unique_ptr<Process> start_balancer(const std::vector<int>& ports, const std::string& work,
                                        int* port) {
  *port = free_port();
  std::ostringstream conf;
  // Workers of a root master run as www-data; one process, so stopping it stops nginx.
  if (::geteuid() == 0) conf << "user root;\n";
  conf << "master_process off;\nworker_processes 1;\nerror_log " << work << "/lb-error.log;\npid "
       << work << "/lb.pid;\nevents { worker_connections 1024; }\n"
       << "http {\n  access_log off;\n";
  for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
    conf << "  " << t << "_temp_path " << work << "/lb-" << t << ";\n";
  conf << "  upstream nodes {\n";
  for (int p : ports) conf << "    server 127.0.0.1:" << p << " max_fails=0;\n";
  conf << "    keepalive 32;\n  }\n"
       << "  server {\n    listen 127.0.0.1:" << *port << ";\n"
       << "    client_max_body_size 0;\n"
       << "    location / {\n"
       << "      proxy_pass http://nodes;\n"
       << "      proxy_http_version 1.1;\n"
       << "      proxy_set_header Connection \"\";\n"
       << "      proxy_set_header Host $http_host;\n"
       << "      proxy_request_buffering off;\n"
       << "      proxy_buffering off;\n"
       << "      proxy_next_upstream error timeout;\n"
       << "      proxy_read_timeout 300s;\n"
       << "    }\n  }\n}\n";
  std::string path = work + "/lb.conf";
  std::ofstream(path) << conf.str();
  auto nginx = std::make_unique<Process>(
      std::vector<std::string>{"/usr/sbin/nginx", "-p", work, "-c", path, "-g", "daemon off;"});
  wait_for_port(*nginx, *port, "nginx (load balancer)");
  return nginx;
}

}  // namespace ch::testing
