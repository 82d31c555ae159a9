#include "cli_determinism.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli.h"
#include "msmi/text_record.h"
#include "msmireport/stream_diff_report.h"
#include "msmisim/event_stream_diff.h"

namespace msmisim::cli {

namespace {

// A temporary file that is removed when this goes out of scope.
class TempFile {
 public:
  TempFile() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "msmisim-stream-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd >= 0) {
      ::close(fd);
      path_ = pattern;
    }
  }
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }  // empty when none could be made

 private:
  std::string path_;
};

// Runs this program again with `args` (argv[1]…), its stdout and stderr going to `log_path`.
// Returns the child's exit code, or -1 (said on stderr) when it could not be started or died
// of a signal.
int run_child(const std::vector<std::string>& args, const std::string& log_path) {
  std::vector<char*> argv;
  std::string name = "msmisim";
  argv.push_back(name.data());
  std::vector<std::string> copies = args;
  for (std::string& a : copies) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout << std::flush;
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::cerr << "msmisim run: --check-determinism: cannot start a child process: "
              << std::strerror(errno) << "\n";
    return -1;
  }
  if (pid == 0) {
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_TRUNC);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    ::execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::cerr << "msmisim run: --check-determinism: waiting for the child process: "
                << std::strerror(errno) << "\n";
      return -1;
    }
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  std::cerr << "msmisim run: --check-determinism: the child process died of signal "
            << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << "\n";
  return -1;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

bool write_event_stream_file(const std::string& path, const std::vector<msmi::Event>& events) {
  std::vector<ShownEvent> stream = shown_events(events);
  if (const char* perturb = std::getenv(kPerturbStreamForTestsEnv); perturb != nullptr) {
    std::int64_t n = 0;
    if (msmi::parse_whole_number(perturb, 10, &n) && n >= 1 &&
        static_cast<std::size_t>(n) <= stream.size()) {
      stream[static_cast<std::size_t>(n - 1)].description += " [perturbed for a test]";
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  write_event_stream(stream, out);
  out.close();
  if (!out) {
    std::cerr << "msmisim run: --" << kEventStreamOutOption << " " << path
              << ": cannot be written\n";
    return false;
  }
  return true;
}

int check_determinism(const std::vector<std::string>& run_args, const Scenario& scenario,
                      RunOptions options, const std::vector<msmi::Event>& first,
                      std::ostream& out) {
  const std::vector<ShownEvent> reference = shown_events(first);

  // Twice in this process: the second run starts from a fresh world like the first.
  options.extra_sink = nullptr;
  options.interrupted = nullptr;
  options.keep_events = true;
  if (!options.postoffice_dir.empty()) {
    if (const msmi::Status s = prepare_postoffice(options.postoffice_dir, scenario); !s.ok()) {
      std::cerr << "msmisim run: --check-determinism: --postoffice " << s.message() << "\n";
      return kExitInternal;
    }
  }
  RunResult again;
  if (const msmi::Status s = run_scenario(scenario, options, &again); !s.ok()) {
    std::cerr << "msmisim run: --check-determinism: the second run failed: " << s.message() << "\n";
    return kExitInternal;
  }
  const std::vector<ShownEvent> second = shown_events(again.events);

  // Once in another process: another address space, another heap layout, another start time.
  TempFile stream_file;
  TempFile log_file;
  if (stream_file.path().empty() || log_file.path().empty()) {
    std::cerr << "msmisim run: --check-determinism: cannot make a temporary file in "
              << std::filesystem::temp_directory_path().string() << "\n";
    return kExitInternal;
  }
  std::vector<std::string> child_args = {"run"};
  child_args.insert(child_args.end(), run_args.begin(), run_args.end());
  child_args.push_back(std::string("--") + kEventStreamOutOption);
  child_args.push_back(stream_file.path());
  const int child_code = run_child(child_args, log_file.path());
  // 0, 1 and 5 are verdicts of a run that finished; anything else means it did not.
  if (child_code != kExitOk && child_code != kExitExpectations &&
      child_code != kExitNoExpectations) {
    std::cerr << "msmisim run: --check-determinism: the child process exited with " << child_code
              << ":\n"
              << read_all(log_file.path());
    return kExitInternal;
  }
  std::ifstream in(stream_file.path(), std::ios::binary);
  std::vector<ShownEvent> third;
  if (const msmi::Status s = read_event_stream(in, "the child process's event stream", &third);
      !s.ok()) {
    std::cerr << "msmisim run: --check-determinism: " << s.message() << "\n";
    return kExitInternal;
  }

  out << "\ndeterminism: the run again in this process and in a child process\n";
  const EventStreamDiff in_process = diff_event_streams(reference, second);
  if (!in_process.identical()) {
    out << "second run in this process ";
    msmireport::render_stream_diff(reference, second, in_process, "first run", "second run", out);
    return kExitDiffers;
  }
  const EventStreamDiff across = diff_event_streams(reference, third);
  if (!across.identical()) {
    out << "child process ";
    msmireport::render_stream_diff(reference, third, across, "this process", "child process", out);
    return kExitDiffers;
  }
  msmireport::render_stream_diff(reference, third, across, "this process", "child process", out);
  return kExitOk;
}

}  // namespace msmisim::cli
