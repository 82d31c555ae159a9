#include "cli_output.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace msmisim::cli {

namespace fs = std::filesystem;

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) {
    const bool same = fs::equivalent(a, b, ec);
    return !ec && same;
  }
  // Made absolute first: weakly_canonical leaves a relative name whose first part does not
  // exist as it is.
  const fs::path pa = fs::weakly_canonical(fs::absolute(a, ec), ec);
  if (ec) return false;
  const fs::path pb = fs::weakly_canonical(fs::absolute(b, ec), ec);
  return !ec && pa == pb;
}

std::string output_refusal(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& inputs) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::is_directory(status)) return "is a folder";
  for (const auto& [input, what] : inputs) {
    if (!input.empty() && same_file(path, input)) return "is " + what + " itself";
  }
  if (fs::exists(status) && !fs::is_regular_file(status)) return "";  // written in place
  const fs::path folder = fs::path(path).parent_path();
  if (!folder.empty() && !fs::is_directory(folder, ec)) {
    return "the folder " + folder.string() + " does not exist";
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream probe(tmp, std::ios::binary | std::ios::app);
    if (!probe) return "cannot create " + tmp;
  }
  fs::remove(tmp, ec);
  return "";
}

std::string staging_path(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (path == "-" || (fs::exists(status) && !fs::is_regular_file(status))) return path;
  return path + ".tmp";
}

std::string commit_output(const std::string& staging, const std::string& path) {
  if (staging == path) return "";
  std::error_code ec;
  fs::rename(staging, path, ec);
  if (!ec) return "";
  discard_output(staging, path);
  return "cannot rename " + staging + ": " + ec.message();
}

void discard_output(const std::string& staging, const std::string& path) {
  std::error_code ec;
  if (staging != path) fs::remove(staging, ec);
}

std::string size_text(std::size_t bytes) {
  if (bytes < 10 * 1024) return std::to_string(bytes) + " bytes";
  if (bytes < 10 * 1024 * 1024) return std::to_string((bytes + 512) / 1024) + " KB";
  return std::to_string((bytes + 512 * 1024) / (1024 * 1024)) + " MB";
}

}  // namespace msmisim::cli
