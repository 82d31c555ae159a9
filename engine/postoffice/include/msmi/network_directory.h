// GLB/NETWORK.GLB: the networks and postoffices the connector postoffice knows, i.e. those that
// have a mailbag (KEY|MBG/<PO>.*) for mail leaving the connector. A framed text record:
//
//   MSMI-GLB 1
//   postoffice: MSNET/SALES
//   postoffice: MSNET/FINANCE
//   (blank line)
//   #end <length> <crc32>
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "msmi/status.h"

namespace msmi {

struct PostofficeName {
  std::string network;
  std::string postoffice;
  bool operator==(const PostofficeName&) const = default;
};

struct NetworkDirectory {
  std::vector<PostofficeName> postoffices;

  bool knows(std::string_view network, std::string_view postoffice) const;
  // The mailbag name for mail to a postoffice: its name, as MS Mail keeps one per postoffice.
  static std::string mailbag_name(const PostofficeName& po) { return po.postoffice; }
};

// Parses "NETWORK/POSTOFFICE" (MS Mail names, at most 10 characters each) into upper case.
// On failure returns false with *reason saying which part is wrong.
bool parse_postoffice_name(std::string_view text, PostofficeName* out, std::string* reason);

inline constexpr std::string_view kNetworkGlbPath = "GLB/NETWORK.GLB";

std::string encode_network_glb(const NetworkDirectory& directory);
Status decode_network_glb(std::string_view data, std::string_view path, NetworkDirectory* out);

}  // namespace msmi
