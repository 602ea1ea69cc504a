#include "process.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <thread>

namespace ch::testing {

Process::Process(const std::vector<std::string>& argv,
                 const std::map<std::string, std::string>& env) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  char templ[] = "/tmp/charthouse-test-stderr-XXXXXX";
  int err_fd = mkstemp(templ);
  if (err_fd < 0) throw std::runtime_error("mkstemp failed");
  err_path_ = templ;
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], 1);
    dup2(err_fd, 2);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(err_fd);
  out_fd_ = out[0];
}

Process::~Process() {
  if (running()) {
    kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
  if (out_fd_ >= 0) close(out_fd_);
  unlink(err_path_.c_str());
}

const std::string& Process::stderr_text() {
  FILE* f = fopen(err_path_.c_str(), "rb");
  err_buf_.clear();
  if (f != nullptr) {
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) err_buf_.append(buf, n);
    fclose(f);
  }
  return err_buf_;
}

std::string Process::wait_for_line(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    size_t nl;
    while ((nl = out_buf_.find('\n')) != std::string::npos) {
      std::string line = out_buf_.substr(0, nl);
      out_buf_.erase(0, nl + 1);
      if (line.find(needle) != std::string::npos) return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      throw std::runtime_error("timed out waiting for \"" + needle +
                               "\"; stderr: " + stderr_text());
    }
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) {
      throw std::runtime_error("process ended before \"" + needle + "\"; stderr: " + stderr_text());
    }
    out_buf_.append(buf, static_cast<size_t>(n));
  }
}

void Process::signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

bool Process::running() {
  if (pid_ <= 0 || status_ >= 0) return false;
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return true;
}

int Process::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      int st = 0;
      waitpid(pid_, &st, 0);
      status_ = 128 + SIGKILL;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

std::unique_ptr<Process> start_server(const std::string& binary, const std::string& root,
                                      const std::vector<std::string>& extra, int* port,
                                      const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {binary, "serve", "--addr", "127.0.0.1:0", "--root", root};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto p = std::make_unique<Process>(argv, env);
  std::string line = p->wait_for_line("listening on");
  auto colon = line.rfind(':', line.find(" (root"));
  *port = std::stoi(line.substr(colon + 1));
  return p;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::unique_ptr<Process> start_nginx(const std::string& root, const std::string& work, int* port,
                                     const std::string& htpasswd) {
  *port = free_port();
  std::string conf = work + "/nginx.conf";
  std::string auth =
      htpasswd.empty() ? ""
                       : "    auth_basic \"charts\";\n    auth_basic_user_file " + htpasswd + ";\n";
  // Workers of a root master run as www-data, which cannot read the tests' private temp
  // directories: keep them as the user running the tests.
  std::string user = ::geteuid() == 0 ? "user root;\n" : "";
  // One process (no master/worker split), so stopping the Process stops nginx for good.
  std::string text =
      user + "master_process off;\nworker_processes 1;\nerror_log " + work +
      "/nginx-error.log;\npid " + work +
      "/nginx.pid;\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n"
      "  client_body_temp_path " +
      work + "/nginx-body;\n  proxy_temp_path " + work + "/nginx-proxy;\n  fastcgi_temp_path " +
      work + "/nginx-fcgi;\n  uwsgi_temp_path " + work + "/nginx-uwsgi;\n  scgi_temp_path " + work +
      "/nginx-scgi;\n"
      "  types { application/x-yaml yaml; application/gzip tgz; }\n"
      "  server {\n    listen 127.0.0.1:" +
      std::to_string(*port) + ";\n    root " + root + ";\n" + auth + "  }\n}\n";
  {
    FILE* f = std::fopen(conf.c_str(), "w");
    if (f == nullptr) throw std::runtime_error("cannot write " + conf);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  auto nginx = std::make_unique<Process>(
      std::vector<std::string>{"/usr/sbin/nginx", "-p", work, "-c", conf, "-g", "daemon off;"});
  wait_for_port(*nginx, *port, "nginx");
  return nginx;
}

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void wait_for_port(Process& process, int port, const std::string& what) {
  for (int i = 0; i < 400; ++i) {
    int fd = connect_loopback(port);
    if (fd >= 0) {
      ::close(fd);
      return;
    }
    if (!process.running()) throw std::runtime_error(what + " exited: " + process.stderr_text());
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error(what + " did not start: " + process.stderr_text());
}

std::unique_ptr<Process> start_docker_registry(const std::string& work, std::string* host,
                                               bool delete_enabled) {
  int port = free_port();
  *host = "127.0.0.1:" + std::to_string(port);
  std::string conf = work + "/dist.yml";
  std::string text = "version: 0.1\nlog:\n  level: error\nstorage:\n" +
                     std::string(delete_enabled ? "  delete:\n    enabled: true\n" : "") +
                     "  filesystem:\n    rootdirectory: " + work +
                     "/dist\nhttp:\n  addr: " + *host + "\n";
  if (FILE* f = std::fopen(conf.c_str(), "w")) {
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  auto registry = std::make_unique<Process>(
      std::vector<std::string>{"/usr/bin/docker-registry", "serve", conf});
  wait_for_port(*registry, port, "docker-registry");
  return registry;
}

}  // namespace ch::testing
