// Open-addressing hash tables for the lookups made on every message: a file's path in the memory
// disk, a message's ID in the ledger, the duplicate window and the record filing, the decoded
// P1 and MAI files. tsl::robin_map keeps its entries in one array, with each entry's hash
// beside it, so a lookup is one cache miss where std::unordered_map's node per entry is two or
// three, and an insert allocates nothing until the table grows.
// Entries move when the table changes: hold no reference or iterator across an insert or an
// erase. Like every container hashed by StringHash, these are looked up, never iterated: the
// order of their entries is not part of any result.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <tsl/robin_map.h>
#include <tsl/robin_set.h>

#include "msmi/string_hash.h"

namespace msmi {

// Keyed by std::string (or std::string_view keys that point into storage kept elsewhere),
// looked up by either.
template <class Key, class Value>
using FlatStringMap = tsl::robin_map<Key, Value, StringHash, std::equal_to<>,
                                     std::allocator<std::pair<Key, Value>>, /*StoreHash=*/true>;

template <class Key>
using FlatStringSet =
    tsl::robin_set<Key, StringHash, std::equal_to<>, std::allocator<Key>, /*StoreHash=*/true>;

}  // namespace msmi
