// libFuzzer target: HTML pages (charset sniffing and ICU conversion, the
// nesting guard, gumbo, article extraction, JSON-LD). An input starting with
// "charset=NAME\n" passes NAME as the HTTP charset, so labels are fuzzed too.
#include <string_view>

#include "fuzz_common.h"
#include "ingest/html_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes = kindred::fuzz::bytes_of(data, size);
  if (bytes.size() > kindred::fuzz::kMaxDocumentBytes) return 0;
  std::string_view charset;
  if (bytes.starts_with("charset=")) {
    const size_t nl = bytes.find('\n');
    if (nl != std::string_view::npos) {
      charset = bytes.substr(8, nl - 8);
      bytes.remove_prefix(nl + 1);
    }
  }
  kindred::Document doc;
  kindred::ingest::HtmlPageInfo info;
  if (kindred::ingest::html_to_document(bytes, charset, "https://fuzz.example/a/b", &doc, &info)
          .is_ok()) {
    kindred::fuzz::check_document(doc);
  }
  return 0;
}
