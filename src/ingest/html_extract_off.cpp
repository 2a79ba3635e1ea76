// extract_article() of a build without gumbo (-DKINDRED_USE_GUMBO=OFF): every
// HTML page, alone or inside a WARC archive, becomes a rejection that says
// why, so that the rest of the input is still read and nothing is dropped
// silently.
#include "ingest/html_extract.h"

namespace kindred::ingest {

Result<Article> extract_article(std::string_view, std::string_view, const ExtractLimits&) {
  return Status(StatusCode::kInvalidArgument,
                "HTML pages cannot be read: this kindred was built without gumbo "
                "(-DKINDRED_USE_GUMBO=OFF)");
}

}  // namespace kindred::ingest
