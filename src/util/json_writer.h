// A minimal streaming JSON writer for the JSON Lines outputs: objects, arrays,
// strings (escaped per RFC 8259), integers, doubles and booleans. It writes to a
// std::string so callers can emit a line at once; it checks no nesting rules
// beyond placing commas.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kindred::util {

// Appends `s` as a quoted JSON string. `s` must be valid UTF-8 (ingest ensures it).
void append_json_string(std::string& out, std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(uint64_t v);
  JsonWriter& value(int64_t v);
  JsonWriter& value(uint32_t v) { return value(uint64_t{v}); }
  JsonWriter& value(int v) { return value(int64_t{v}); }
  JsonWriter& value(double v);  ///< shortest round-trip form; NaN/inf written as null
  JsonWriter& value(bool v);
  JsonWriter& null();

  // Shorthand for key(k).value(v).
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  void separate();
  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace kindred::util
