// Reads and decodes P1 envelopes and MAI contents, keeping the last decodings by file version:
// the Mailer and then an inbound delivery thread read the same message's files moments apart,
// and a file whose FileSystem version shows it unchanged since it was decoded is not copied or
// decoded again. Every read still goes to the FileSystem (read_file_if_changed), so a lock, a
// failing read or damage a fault makes is seen exactly as by read_file then decode_p1/decode_mai;
// a file that was written, patched, damaged, renamed or removed since has another version (or
// none) and is decoded afresh. A FileSystem that keeps no versions gets no caching.
// Not thread-safe; one simulation step at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "msmi/file_system.h"
#include "msmi/message_files.h"
#include "msmi/status.h"

namespace msmi {

class MessageFileCache {
 public:
  // Keeps the decodings of at most `capacity` files of each kind, dropping the oldest first.
  explicit MessageFileCache(FileSystem& fs, std::size_t capacity = 256)
      : fs_(fs), capacity_(capacity) {}

  // What read_file(path) then decode_p1(bytes, path, out) would give.
  Status read_p1(const std::string& path, P1Envelope* out) {
    return read(path, &p1s_, out, [&](std::string_view bytes, P1Envelope* decoded) {
      return decode_p1(bytes, path, decoded);
    });
  }
  // What read_file(path) then decode_mai(bytes, path, out) would give.
  Status read_mai(const std::string& path, MaiContent* out) {
    return read(path, &mais_, out, [&](std::string_view bytes, MaiContent* decoded) {
      return decode_mai(bytes, path, decoded);
    });
  }
  // Decodings served without decoding since construction, for tests and benchmarks.
  std::size_t hits() const { return hits_; }

 private:
  template <class T>
  struct Kept {
    std::map<std::string, std::pair<std::uint64_t, T>> by_path;  // path → (version, decoding)
    std::deque<std::string> order;                               // paths, oldest first
  };

  template <class T, class Decode>
  Status read(const std::string& path, Kept<T>* kept, T* out, Decode decode) {
    auto it = kept->by_path.find(path);
    std::uint64_t version = it == kept->by_path.end() ? 0 : it->second.first;
    bool changed = true;
    Status s = fs_.read_file_if_changed(path, &version, &bytes_, &changed);
    if (s.ok() && !changed && it != kept->by_path.end()) {
      ++hits_;
      *out = it->second.second;
      return s;
    }
    if (it != kept->by_path.end()) kept->by_path.erase(it);
    if (s.ok()) s = decode(bytes_, out);
    if (!s.ok() || version == 0) return s;
    kept->by_path.emplace(path, std::make_pair(version, *out));
    kept->order.push_back(path);
    // Paths whose decoding was dropped since stay in `order` until their turn; the map is what
    // is bounded.
    while (kept->by_path.size() > capacity_ && !kept->order.empty()) {
      kept->by_path.erase(kept->order.front());
      kept->order.pop_front();
    }
    if (kept->order.size() > 4 * capacity_) {
      std::deque<std::string> live;
      for (const std::string& p : kept->order) {
        if (kept->by_path.count(p) != 0) live.push_back(p);
      }
      kept->order = std::move(live);
    }
    return s;
  }

  FileSystem& fs_;
  std::size_t capacity_;
  std::string bytes_;  // the last file read, reused as the read buffer
  Kept<P1Envelope> p1s_;
  Kept<MaiContent> mais_;
  std::size_t hits_ = 0;
};

}  // namespace msmi
