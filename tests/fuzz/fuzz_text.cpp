// libFuzzer target: plain-text documents (byte order marks, charset detection
// with ICU, conversion to UTF-8, UTF-8 repair, titles) and the converting
// stream that lets every reader read UTF-16/32 files. The first byte picks the
// stream converter's charset; the rest is the file.
#include <array>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "ingest/byte_stream.h"
#include "ingest/charset.h"
#include "ingest/text_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kindred;
  std::string_view bytes = fuzz::bytes_of(data, size);
  if (bytes.empty() || bytes.size() > fuzz::kMaxDocumentBytes) return 0;
  static constexpr std::array<const char*, 5> kWide = {"UTF-16LE", "UTF-16BE", "UTF-32LE",
                                                       "UTF-32BE", "windows-1252"};
  const char* wide = kWide[static_cast<unsigned char>(bytes[0]) % kWide.size()];
  bytes.remove_prefix(1);

  // One document, as a .txt file is read.
  fuzz::Context c;
  auto stream = ingest::make_memory_stream(bytes);
  ingest::read_text(*stream, "fuzz.txt", "fuzz.txt", c.ctx);

  // Detection and decoding agree with what they promise.
  std::string out;
  const ingest::Decoded d = ingest::decode_to_utf8(bytes, {}, /*html=*/false, &out);
  if (!util::is_valid_utf8(out) || out.find('\0') != std::string::npos) __builtin_trap();
  if (d.detected && d.charset == "UTF-8") __builtin_trap();
  if (ingest::detect_charset(bytes, false).empty()) __builtin_trap();

  // The converting stream yields valid UTF-8 whatever it is given.
  auto raw = ingest::make_memory_stream(bytes);
  auto utf8 = ingest::make_utf8_stream(*raw, wide);
  if (!utf8) __builtin_trap();  // ICU has every converter named above
  std::string converted;
  if (!ingest::read_up_to(*utf8, 16u << 20, &converted).is_ok()) __builtin_trap();
  if (!util::is_valid_utf8(converted)) __builtin_trap();
  return 0;
}
