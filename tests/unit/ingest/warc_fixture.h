// Builds WARC archives in memory for the tests: records with correct
// Content-Length, the HTTP responses they wrap, and the per-record gzip
// members Common Crawl uses. Each builder remembers where its records start so
// tests can check the offsets documents carry.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest_test_util.h"

namespace kindred::ingest::testing {

// An HTTP/1.1 response: status line, headers, blank line, body.
inline std::string http_response(
    std::string_view body, std::string_view content_type = "text/html; charset=utf-8",
    int status = 200, const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Other") + "\r\n";
  if (!content_type.empty()) out += "Content-Type: " + std::string(content_type) + "\r\n";
  for (const auto& [k, v] : extra) out += k + ": " + v + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

struct WarcRecord {
  std::string type = "response";
  std::string uri;  ///< WARC-Target-URI; omitted when empty
  std::string id;   ///< WARC-Record-ID without brackets; generated when empty
  std::string date = "2024-05-01T10:00:00Z";
  std::string content_type = "application/http; msgtype=response";
  std::string block;  ///< the record's content
  std::string version = "WARC/1.0";
};

// A response record for `uri` holding `block` (other fields at their defaults).
inline WarcRecord record(std::string uri, std::string block) {
  WarcRecord r;
  r.uri = std::move(uri);
  r.block = std::move(block);
  return r;
}

// A record of another type.
inline WarcRecord typed_record(std::string type, std::string uri, std::string content_type,
                               std::string block) {
  WarcRecord r = record(std::move(uri), std::move(block));
  r.type = std::move(type);
  r.content_type = std::move(content_type);
  return r;
}

class WarcBuilder {
 public:
  // Appends a record; returns its id.
  std::string add(WarcRecord r) {
    if (r.id.empty()) r.id = "urn:uuid:00000000-0000-4000-8000-" + pad(++counter_);
    std::string rec = r.version + "\r\n";
    rec += "WARC-Type: " + r.type + "\r\n";
    rec += "WARC-Record-ID: <" + r.id + ">\r\n";
    rec += "WARC-Date: " + r.date + "\r\n";
    if (!r.uri.empty()) rec += "WARC-Target-URI: " + r.uri + "\r\n";
    if (!r.content_type.empty()) rec += "Content-Type: " + r.content_type + "\r\n";
    rec += "Content-Length: " + std::to_string(r.block.size()) + "\r\n\r\n";
    rec += r.block;
    rec += "\r\n\r\n";
    offsets_.push_back(plain_.size());
    plain_ += rec;
    members_.push_back(gzip(rec));
    return r.id;
  }
  std::string response(const std::string& uri, std::string_view html,
                       std::string_view content_type = "text/html; charset=utf-8") {
    return add(record(uri, http_response(html, content_type)));
  }
  void warcinfo() {
    add(typed_record("warcinfo", "", "application/warc-fields",
                     "software: kindred-tests\r\nformat: WARC File Format 1.0\r\n"));
  }
  void request(const std::string& uri) {
    add(typed_record("request", uri, "application/http; msgtype=request",
                     "GET / HTTP/1.1\r\nHost: example\r\n\r\n"));
  }
  void metadata(const std::string& uri) {
    add(typed_record("metadata", uri, "application/warc-fields", "fetchTimeMs: 120\r\n"));
  }
  // Raw bytes between records (damage).
  void garbage(std::string_view bytes) {
    plain_ += bytes;
    members_.push_back(gzip(bytes));
  }

  const std::string& plain() const { return plain_; }  ///< the .warc bytes
  std::string gz() const {  ///< the .warc.gz bytes: one member per record
    std::string out;
    for (const std::string& m : members_) out += m;
    return out;
  }
  // Byte offset of each record in the plain (decompressed) archive.
  const std::vector<size_t>& offsets() const { return offsets_; }
  // Offset of each record's gzip member in gz().
  std::vector<size_t> gz_offsets() const {
    std::vector<size_t> out;
    size_t at = 0;
    for (const std::string& m : members_) {
      out.push_back(at);
      at += m.size();
    }
    return out;
  }

 private:
  static std::string pad(int n) {
    std::string s = std::to_string(n);
    return std::string(12 - s.size(), '0') + s;
  }
  std::string plain_;
  std::vector<std::string> members_;
  std::vector<size_t> offsets_;
  int counter_ = 0;
};

// A small news page: the body paragraphs become <p>s inside <article>, after a
// navigation bar that must not be extracted.
inline std::string news_page(std::string_view title, const std::vector<std::string>& paragraphs,
                             std::string_view head_extra = "") {
  std::string html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" +
                     std::string(title) + " | Test Gazette</title>" + std::string(head_extra) +
                     "</head><body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>"
                     "<article><h1>" +
                     std::string(title) + "</h1>";
  for (const std::string& p : paragraphs) html += "<p>" + p + "</p>";
  html += "</article><footer>Test Gazette footer text</footer></body></html>";
  return html;
}

}  // namespace kindred::ingest::testing
