#include "testing.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ch::testing {

void write(const stdfs::path& path, const std::string& content) {
  if (path.has_parent_path()) stdfs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read(const stdfs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_tree(const stdfs::path& dir, const std::map<std::string, std::string>& files) {
  stdfs::create_directories(dir);
  for (const auto& [name, content] : files) write(dir / name, content);
}

void write_chart(const stdfs::path& dir, const std::string& name, const std::string& version,
                 const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> files = {
      {"Chart.yaml", "apiVersion: v2\nname: " + name + "\nversion: " + version + "\n"}};
  for (const auto& [k, v] : extra) files[k] = v;
  write_tree(dir, files);
}

void set_mtimes(const stdfs::path& dir, long t) {
  struct utimbuf times {
    t, t
  };
  for (const auto& e : stdfs::recursive_directory_iterator(dir)) utime(e.path().c_str(), &times);
  utime(dir.c_str(), &times);
}

RunResult run(const std::vector<std::string>& argv, const stdfs::path& cwd,
              const std::map<std::string, std::string>& env) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    for (const auto& [k, v] : env) {
      if (v.empty()) {
        unsetenv(k.c_str());
      } else {
        setenv(k.c_str(), v.c_str(), 1);
      }
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::vector<std::string> list_files(const stdfs::path& dir) {
  std::vector<std::string> out;
  if (!stdfs::exists(dir)) return out;
  for (const auto& e : stdfs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(stdfs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace ch::testing
