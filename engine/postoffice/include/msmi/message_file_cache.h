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
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "msmi/file_system.h"
#include "msmi/flat_string_map.h"
#include "msmi/message_files.h"
#include "msmi/status.h"
#include "msmi/string_hash.h"

namespace msmi {

class MessageFileCache {
 public:
  // Keeps the decodings of at most `capacity` files of each kind, dropping the oldest first.
  explicit MessageFileCache(FileSystem& fs, std::size_t capacity = 256)
      : fs_(fs), capacity_(capacity) {}

  // What read_file(path) then decode_p1(bytes, path, out) would give.
  Status read_p1(const std::string& path, P1Envelope* out) { return copy(decoded_p1(path), out); }
  // What read_file(path) then decode_mai(bytes, path, out) would give.
  Status read_mai(const std::string& path, MaiContent* out) { return copy(decoded_mai(path), out); }
  // The same without a copy: *out shares the cache's decoding, which never changes (a file
  // decoded again gets a new one). On failure *out is an empty envelope or content, never null.
  Status read_p1(const std::string& path, std::shared_ptr<const P1Envelope>* out) {
    auto [s, decoded] = decoded_p1(path);
    *out = std::move(decoded);
    return s;
  }
  Status read_mai(const std::string& path, std::shared_ptr<const MaiContent>* out) {
    auto [s, decoded] = decoded_mai(path);
    *out = std::move(decoded);
    return s;
  }
  // Decodings served without decoding since construction, for tests and benchmarks.
  std::size_t hits() const { return hits_; }

 private:
  template <class T>
  using Shared = std::shared_ptr<const T>;
  template <class T>
  struct Kept {
    // path → (version, …); hashed: looked up and erased by path only, never iterated.
    FlatStringMap<std::string, std::pair<std::uint64_t, Shared<T>>> by_path;
    std::deque<std::string> order;  // paths, oldest first
  };

  std::pair<Status, Shared<P1Envelope>> decoded_p1(const std::string& path) {
    return read(path, &p1s_, [&](std::string_view bytes, P1Envelope* decoded) {
      return decode_p1(bytes, path, decoded);
    });
  }
  std::pair<Status, Shared<MaiContent>> decoded_mai(const std::string& path) {
    return read(path, &mais_, [&](std::string_view bytes, MaiContent* decoded) {
      return decode_mai(bytes, path, decoded);
    });
  }
  // *out left alone on failure, as decode_p1 and decode_mai leave it.
  template <class T>
  static Status copy(std::pair<Status, Shared<T>> read, T* out) {
    if (read.first.ok()) *out = *read.second;
    return std::move(read.first);
  }

  template <class T, class Decode>
  std::pair<Status, Shared<T>> read(const std::string& path, Kept<T>* kept, Decode decode) {
    static const Shared<T> kEmpty = std::make_shared<const T>();
    auto it = kept->by_path.find(path);
    std::uint64_t version = it == kept->by_path.end() ? 0 : it->second.first;
    bool changed = true;
    Status s = fs_.read_file_if_changed(path, &version, &bytes_, &changed);
    if (s.ok() && !changed && it != kept->by_path.end()) {
      ++hits_;
      return {std::move(s), it->second.second};
    }
    if (it != kept->by_path.end()) kept->by_path.erase(it);
    if (!s.ok()) return {std::move(s), kEmpty};
    auto decoded = std::make_shared<T>();
    s = decode(bytes_, decoded.get());
    if (!s.ok()) return {std::move(s), kEmpty};
    if (version == 0) return {std::move(s), std::move(decoded)};
    kept->by_path.emplace(path, std::make_pair(version, decoded));
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
    return {std::move(s), std::move(decoded)};
  }

  FileSystem& fs_;
  std::size_t capacity_;
  std::string bytes_;  // the last file read, reused as the read buffer
  Kept<P1Envelope> p1s_;
  Kept<MaiContent> mais_;
  std::size_t hits_ = 0;
};

}  // namespace msmi
