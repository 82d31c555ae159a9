// The update locks one process holds on postoffice files: a handful at a time (a mailbag's KEY
// and MBG), taken and released on every queue change. A short list whose strings keep their
// buffers between locks, so locking allocates nothing once warm.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace msmisim {

class HeldLocks {
 public:
  // False (and nothing changes) if `path` is held already.
  bool take(const std::string& path) {
    if (held(path)) return false;
    if (count_ == paths_.size())
      paths_.push_back(path);
    else
      paths_[count_].assign(path);
    ++count_;
    return true;
  }
  void release(const std::string& path) {
    for (std::size_t i = 0; i < count_; ++i) {
      if (paths_[i] == path) {
        std::swap(paths_[i], paths_[count_ - 1]);
        --count_;
        return;
      }
    }
  }
  bool held(const std::string& path) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (paths_[i] == path) return true;
    }
    return false;
  }
  void clear() { count_ = 0; }

 private:
  std::vector<std::string> paths_;  // the first count_ are held
  std::size_t count_ = 0;
};

}  // namespace msmisim
