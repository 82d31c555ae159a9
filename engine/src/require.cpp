#include "msmi/require.h"

#include <cstdio>
#include <cstdlib>

namespace msmi {

void require_failed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "msmisim: internal error: REQUIRES %s failed at %s:%d\n", condition, file,
               line);
  std::abort();
}

}  // namespace msmi
