// A background child process for the tests (charthouse serve, docker-registry): started
// with pipes, its first lines read to learn its port, stopped with SIGTERM or killed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ch::testing {

class Process {
 public:
  // stderr goes to a file (so a chatty child never blocks on a full pipe); stderr_text()
  // reads it.
  Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});
  ~Process();  // SIGKILL if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads stdout lines until one contains `needle`; returns it. Throws after `timeout`.
  std::string wait_for_line(const std::string& needle,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20));
  pid_t pid() const { return pid_; }
  void signal(int sig);
  // Waits for exit; returns the exit code (128+signal when killed).
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool running();
  const std::string& stderr_text();  // what it wrote on stderr so far

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string err_path_;
  std::string out_buf_;
  std::string err_buf_;
  int status_ = -1;
};

// Starts `charthouse serve --addr 127.0.0.1:0 --root <root> <extra...>` and returns the
// bound port (parsed from its "listening on" line).
std::unique_ptr<Process> start_server(const std::string& binary, const std::string& root,
                                      const std::vector<std::string>& extra, int* port,
                                      const std::map<std::string, std::string>& env = {});

// Starts Debian's nginx in the foreground serving the files under `root` on 127.0.0.1 (a
// free port, written to *port), its pid/log/temp files under `work`; with `htpasswd`
// non-empty every request needs Basic credentials from that file. Returns once it accepts
// connections.
std::unique_ptr<Process> start_nginx(const std::string& root, const std::string& work, int* port,
                                     const std::string& htpasswd = {});

// Debian's docker-registry (CNCF distribution 2.8) on a free loopback port (*host =
// "127.0.0.1:<port>"), its config and storage under `work`; returns once it accepts
// connections.
std::unique_ptr<Process> start_docker_registry(const std::string& work, std::string* host,
                                               bool delete_enabled = false);

// Waits until `port` on 127.0.0.1 accepts connections; throws when `process` exits first or
// after 10 s.
void wait_for_port(Process& process, int port, const std::string& what);

// A socket connected to 127.0.0.1:port (the caller closes it); -1 when nothing listens.
int connect_loopback(int port);

// A loopback TCP port nothing listens on right now (the kernel's choice), for peers such as
// docker-registry that cannot bind port 0 and report it.
int free_port();

}  // namespace ch::testing
