#include "msmisim/memory_file_system.h"

#include <iterator>
#include <utility>

namespace msmisim {
using msmi::Status;

namespace {

// Relative, '/'-separated, every component a real name: the only paths both file systems
// resolve the same way without a real directory tree to walk.
bool plain_path(std::string_view path) {
  if (path.empty()) return true;
  // Part by part, memchr finding the slashes: every file call of a lock or a new file asks.
  for (std::size_t start = 0;;) {  // where the current part begins
    const std::size_t slash = path.find('/', start);
    const std::size_t length = (slash == std::string_view::npos ? path.size() : slash) - start;
    if (length == 0) return false;
    if (length <= 2 && path[start] == '.' && (length == 1 || path[start + 1] == '.')) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

Status not_plain(const std::string& path) {
  return Status::InvalidArgument("'" + path +
                                 "': not a plain relative path (empty, '.' or '..' part)");
}

// Everything below `dir` starts with this; the root holds everything.
std::string prefix_of(const std::string& dir) {
  return dir.empty() ? std::string() : dir + "/";
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

MemoryFileSystem::Parents MemoryFileSystem::resolve_parents(std::string_view path) const {
  for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    const std::string_view folder = path.substr(0, slash);
    if (is_dir(folder)) continue;
    return is_file(folder) ? Parents::kFileInTheWay : Parents::kMissing;
  }
  return Parents::kFolders;
}

void MemoryFileSystem::reindex_dirs() {
  parents_checked_.clear();
  dir_index_.clear();
  for (const std::string& dir : dirs_) dir_index_.insert(dir);
}

bool MemoryFileSystem::has_children(const std::string& dir) const {
  const std::string prefix = prefix_of(dir);
  const auto file = files_.lower_bound(prefix);
  if (file != files_.end() && starts_with(file->first, prefix)) return true;
  const auto folder = dirs_.lower_bound(prefix);
  return folder != dirs_.end() && starts_with(*folder, prefix);
}

Status MemoryFileSystem::writable(const std::string& path, const char* what) {
  if (!plain_path(path)) return not_plain(path);
  const std::size_t slash = path.rfind('/');
  const std::string_view parent(path.data(), slash == std::string::npos ? 0 : slash);
  const bool known = parents_checked_.find(parent) != parents_checked_.end();
  if (is_dir(path) || (!known && resolve_parents(path) != Parents::kFolders)) {
    return Status::IoError(path + ": cannot be opened for " + what);
  }
  if (!known) parents_checked_.emplace(parent);
  return Status::Ok();
}

Status MemoryFileSystem::read_file(const std::string& path, std::string* contents) {
  // Only plain paths name files, so a path found needs no check.
  const auto it = files_.find(path);
  if (it == files_.end()) {
    if (!plain_path(path)) return not_plain(path);
    return Status::NotFound(path + (is_dir(path) ? ": is a folder, not a file" : ": no such file"));
  }
  *contents = *it->second.contents;
  return Status::Ok();
}

Status MemoryFileSystem::read_file_if_changed(const std::string& path, std::uint64_t* version,
                                              std::string* contents, bool* changed) {
  const auto it = files_.find(path);
  if (it != files_.end() && *version != 0 && it->second.version == *version) {
    *changed = false;
    return Status::Ok();
  }
  *version = 0;
  *changed = true;
  if (it == files_.end()) return read_file(path, contents);  // its error
  *contents = *it->second.contents;
  *version = it->second.version;
  return Status::Ok();
}

Status MemoryFileSystem::refresh_file(const std::string& path, std::uint64_t* version,
                                      std::string* contents, Refresh* how) {
  const auto it = *version != 0 ? files_.find(path) : files_.end();
  if (it != files_.end()) {
    const File& file = it->second;
    if (file.version == *version) {
      *how = Refresh::kUnchanged;
      return Status::Ok();
    }
    // Only appends since the caller's version: what it holds is a prefix of the file.
    if (file.base_version <= *version && *version < file.version &&
        contents->size() <= file.contents->size()) {
      contents->append(*file.contents, contents->size());
      *version = file.version;
      *how = Refresh::kAppended;
      return Status::Ok();
    }
  }
  bool changed = true;
  Status s = read_file_if_changed(path, version, contents, &changed);
  *how = changed ? Refresh::kReplaced : Refresh::kUnchanged;
  return s;
}

std::uint64_t MemoryFileSystem::version_of(const std::string& path) {
  const auto it = files_.find(path);
  return it == files_.end() ? 0 : it->second.version;
}

Status MemoryFileSystem::write_file(const std::string& path, std::string_view contents) {
  // A file found is writable: only plain paths below folders name files.
  auto it = files_.find(path);
  if (it == files_.end()) {
    Status s = writable(path, "writing");
    if (!s.ok()) return s;
    it = files_.try_emplace(path).first;
  }
  File& file = it->second;
  if (file.durable == file.contents) {
    file.contents = file.buffer_of(contents);  // the durable bytes stay
  } else {
    file.contents->assign(contents);
  }
  file.version = ++last_version_;
  file.base_version = file.version;
  return Status::Ok();
}

Status MemoryFileSystem::write_file_at(const std::string& path, std::uint64_t offset,
                                       std::string_view data) {
  const auto it = files_.find(path);
  if (it == files_.end()) {
    if (!plain_path(path)) return not_plain(path);
    return Status::NotFound(path + (is_dir(path) ? ": is a folder, not a file" : ": no such file"));
  }
  File& file = it->second;
  if (offset > file.contents->size()) {
    return Status::InvalidArgument(path + ": offset " + std::to_string(offset) +
                                   " lies past the end");
  }
  if (file.durable == file.contents) {
    file.contents = file.buffer_of(*file.contents);  // the durable bytes stay
  }
  const std::size_t at = static_cast<std::size_t>(offset);
  std::string& bytes = *file.contents;
  if (bytes.size() < at + data.size()) bytes.resize(at + data.size());
  bytes.replace(at, data.size(), data);
  file.version = ++last_version_;
  file.base_version = file.version;
  return Status::Ok();
}

Status MemoryFileSystem::append_file(const std::string& path, std::string_view data) {
  auto it = files_.find(path);
  const bool created = it == files_.end();
  if (created) {
    Status s = writable(path, "appending");
    if (!s.ok()) return s;
    it = files_.try_emplace(path).first;
  }
  File& file = it->second;
  file.contents->append(data);  // past the durable prefix, even in a shared buffer
  file.version = ++last_version_;
  if (created) file.base_version = file.version;
  return Status::Ok();
}

Status MemoryFileSystem::sync_file(const std::string& path) {
  const auto it = files_.find(path);
  if (it == files_.end()) {
    if (!plain_path(path)) return not_plain(path);
    return Status::NotFound(path + (is_dir(path) ? ": is a folder, not a file" : ": no such file"));
  }
  File& file = it->second;
  if (file.durable && file.durable != file.contents && file.durable.use_count() == 1)
    file.spare = std::move(file.durable);
  file.durable = file.contents;
  file.durable_size = file.contents->size();
  return Status::Ok();
}

Status MemoryFileSystem::remove_file(const std::string& path) {
  if (const auto it = files_.find(path); it != files_.end()) {
    files_.erase(it);
    return Status::Ok();
  }
  if (!plain_path(path)) return not_plain(path);
  if (path.empty()) return Status::IoError("the postoffice root cannot be removed");
  if (is_dir(path)) {
    // As remove(3) on disk: an empty folder goes, a folder with anything in it stays.
    if (has_children(path)) return Status::IoError(path + ": Directory not empty");
    dirs_.erase(path);
    reindex_dirs();
    return Status::Ok();
  }
  if (resolve_parents(path) == Parents::kFileInTheWay) {
    return Status::IoError(path + ": Not a directory");
  }
  return Status::NotFound(path + ": no such file");
}

Status MemoryFileSystem::rename_file(const std::string& from, const std::string& to) {
  if (!plain_path(from)) return not_plain(from);
  if (!plain_path(to)) return not_plain(to);
  const auto failed = [&](const char* why) {
    return Status::IoError(from + ": cannot be renamed to " + to + ": " + why);
  };
  if (is_dir(from)) {
    if (from.empty()) return failed("the root cannot be renamed");
    return rename_dir(from, to);
  }
  if (!is_file(from)) return failed("No such file or directory");
  if (from == to) return Status::Ok();
  if (is_dir(to)) return failed("Is a directory");
  if (resolve_parents(to) != Parents::kFolders) return failed("No such file or directory");
  // The file keeps its durable contents under its new name: names are durable at once.
  const auto it = files_.find(from);
  // Whoever held `to` held another file: its version must not name a prefix of this one.
  it->second.version = ++last_version_;
  it->second.base_version = it->second.version;
  files_.rename(it, to);
  return Status::Ok();
}

Status MemoryFileSystem::rename_dir(const std::string& from, const std::string& to) {
  const auto failed = [&](const char* why) {
    return Status::IoError(from + ": cannot be renamed to " + to + ": " + why);
  };
  if (from == to) return Status::Ok();
  const std::string old_prefix = from + "/";
  if (starts_with(to, old_prefix)) return failed("Invalid argument");
  if (is_file(to)) return failed("Not a directory");
  if (is_dir(to) && has_children(to)) return failed("Directory not empty");
  if (resolve_parents(to) != Parents::kFolders) return failed("No such file or directory");
  const std::string new_prefix = to + "/";
  const auto moved = [&](const std::string& path) {
    return new_prefix + path.substr(old_prefix.size());
  };
  dirs_.erase(from);
  dirs_.insert(to);
  std::vector<std::string> folders;
  for (auto it = dirs_.lower_bound(old_prefix);
       it != dirs_.end() && starts_with(*it, old_prefix);) {
    folders.push_back(*it);
    it = dirs_.erase(it);
  }
  for (const std::string& folder : folders) dirs_.insert(moved(folder));
  reindex_dirs();
  std::vector<std::string> names;
  for (auto it = files_.lower_bound(old_prefix);
       it != files_.end() && starts_with(it->first, old_prefix); ++it) {
    names.push_back(it->first);
  }
  for (const std::string& name : names) {
    const auto it = files_.find(name);
    it->second.version = ++last_version_;  // as in rename_file
    it->second.base_version = it->second.version;
    files_.rename(it, moved(name));
  }
  return Status::Ok();
}

Status MemoryFileSystem::list_dir(const std::string& dir, std::vector<std::string>* names) {
  names->clear();
  if (!plain_path(dir)) return not_plain(dir);
  if (!is_dir(dir)) return Status::NotFound(dir + ": no such folder");
  const std::string prefix = prefix_of(dir);
  for (auto it = files_.lower_bound(prefix); it != files_.end() && starts_with(it->first, prefix);
       ++it) {
    const std::string name = it->first.substr(prefix.size());
    if (name.find('/') == std::string::npos) names->push_back(name);
  }
  return Status::Ok();
}

Status MemoryFileSystem::make_dirs(const std::string& dir) {
  if (!plain_path(dir)) return not_plain(dir);
  if (dir.empty()) return Status::Ok();
  // A file anywhere on the way is an error before anything is made, as on disk: the folders
  // above a file exist already.
  std::vector<std::string> missing;
  for (std::size_t end = dir.find('/');; end = dir.find('/', end + 1)) {
    const std::string folder = dir.substr(0, end);
    if (is_file(folder)) return Status::IoError(dir + ": Not a directory");
    if (!is_dir(folder)) missing.push_back(folder);
    if (end == std::string::npos) break;
  }
  dirs_.insert(missing.begin(), missing.end());
  reindex_dirs();
  return Status::Ok();
}

bool MemoryFileSystem::exists(const std::string& path) {
  return plain_path(path) && (is_file(path) || is_dir(path));
}

Status MemoryFileSystem::lock_file(const std::string& path) {
  // A file found has a plain path; a mailbag's KEY and MBG, locked on every queue change, are
  // among the files found last.
  if (files_.find(path) == files_.end() && !plain_path(path)) return not_plain(path);
  if (!locks_.take(path)) return Status::Busy(path + ": already locked for update");
  return Status::Ok();
}

void MemoryFileSystem::crash() {
  locks_.clear();
  for (auto it = files_.begin(); it != files_.end();) {
    if (!it->second.durable) {
      it = files_.erase(it);
      continue;
    }
    File& file = it->second;
    if (file.durable != file.contents || file.contents->size() != file.durable_size) {
      // The durable bytes become the file again; a buffer still shared with them is cut back.
      file.durable->resize(file.durable_size);
      file.contents = file.durable;
      file.version = ++last_version_;
      file.base_version = file.version;
    }
    ++it;
  }
}

}  // namespace msmisim
