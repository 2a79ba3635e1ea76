#include "http_server.h"

#include <httplib.h>
#include <simdjson.h>

#include <charconv>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <optional>

#include "ingest/json_document.h"
#include "report/html.h"
#include "report/vocabulary.h"
#include "util/date.h"
#include "util/json_writer.h"

namespace kindred::server {

namespace {

using util::JsonWriter;

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  std::string out;
  JsonWriter(out).begin_object().field("error", message).end_object();
  send_json(res, status, out);
}

// A failed read or write of the index: 404 for what is not there, else 500
// with the Status (a corrupt record names itself). The server keeps serving.
void send_status(httplib::Response& res, const Status& s) {
  if (s.code() == StatusCode::kNotFound) {
    send_error(res, 404, s.message());
  } else {
    send_error(res, 500, s.to_string());
  }
}

// Passages in the vocabulary of report/vocabulary.h; "words" is the older
// name of matched_words, kept for clients written against it.
void write_passages(JsonWriter& w, const std::vector<Passage>& passages) {
  w.key("passages").begin_array();
  for (const Passage& p : passages) {
    w.begin_object();
    report::passage_fields(p, report::fields_of(w));
    w.field("words", p.matched_words).end_object();
  }
  w.end_array();
}

// A match seen from document a: "a_in_b" is how much of a the other contains.
void write_match(JsonWriter& w, const LiveMatch& m, bool passages) {
  w.begin_object();
  report::match_fields(m, report::fields_of(w));
  if (passages) write_passages(w, m.passages);
  w.end_object();
}

void write_matches(JsonWriter& w, const std::vector<LiveMatch>& matches, bool passages) {
  w.key("matches").begin_array();
  for (const LiveMatch& m : matches) write_match(w, m, passages);
  w.end_array();
}

// The strongest relation among matches, or null.
void write_relation(JsonWriter& w, const std::vector<LiveMatch>& matches) {
  w.key("relation");
  if (matches.empty()) {
    w.null();
    return;
  }
  Relation best = matches.front().relation;
  for (const LiveMatch& m : matches) best = std::min(best, m.relation);
  w.value(relation_name(best));
}

void write_optional_id(JsonWriter& w, const char* key, int64_t id) {
  w.key(key);
  if (id < 0) {
    w.null();
  } else {
    w.value(id);
  }
}

std::string iso8601(int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A story as LiveIndex read it (members' ids, texts, account and quotations
// from one snapshot). The account and quotations carry the fields of the
// batch `story` and `quotation` records (docs/output.md) with the index's
// document numbers where the batch writes ids (`members` maps them).
void write_story(JsonWriter& w, const LiveStory& st, bool account) {
  w.begin_object()
      .field("id", st.id)
      .field("updated", iso8601(st.updated))
      .field("cohesion", st.cohesion)
      .field("final", st.final)
      .field("stories_pending", st.pending);
  w.key("members").begin_array();
  for (size_t i = 0; i < st.members.size(); ++i) {
    w.begin_object()
        .field("doc", st.members[i])
        .field("id", i < st.member_ids.size() ? st.member_ids[i] : std::string())
        .end_object();
  }
  w.end_array();
  w.key("families").begin_array();
  for (uint32_t f : st.families) w.value(f);
  w.end_array();
  if (!account) {
    w.end_object();
    return;
  }
  const auto numbers = [&](const std::vector<uint32_t>& docs) {
    w.begin_array();
    for (uint32_t d : docs) w.value(d);
    w.end_array();
  };
  w.key("account").begin_array();
  for (const AccountSentence& a : st.account) {
    w.begin_object()
        .field("doc", a.doc)
        .field("begin", a.begin)
        .field("end", a.end)
        .field("text", st.text(a.doc, a.begin, a.end))
        .key("sources");
    numbers(a.sources);
    if (a.variants.size() > 1) {  // the shown wording is variants[0]
      w.key("variants").begin_array();
      for (size_t i = 1; i < a.variants.size(); ++i) {
        const AccountVariant& v = a.variants[i];
        w.begin_object()
            .field("doc", v.doc)
            .field("begin", v.begin)
            .field("end", v.end)
            .field("text", st.text(v.doc, v.begin, v.end))
            .key("sources");
        numbers(v.sources);
        w.end_object();
      }
      w.end_array();
    }
    w.end_object();
  }
  w.end_array().key("quotations").begin_array();
  for (const Quotation& q : st.quotations) {
    std::vector<uint32_t> sources;
    for (const QuoteVariant& v : q.variants) {
      if (sources.empty() || sources.back() != v.doc) sources.push_back(v.doc);
    }
    w.begin_object().field("quotation", q.id).key("speaker");
    q.speaker.empty() ? w.null() : w.value(q.speaker);
    if (!q.attributions.empty()) {
      w.key("attributions").begin_array();
      for (const std::string& name : q.attributions) w.value(name);
      w.end_array();
    }
    w.key("sources");
    numbers(sources);
    w.key("variants").begin_array();
    for (const QuoteVariant& v : q.variants) {
      w.begin_object()
          .field("doc", v.doc)
          .field("begin", v.begin)
          .field("end", v.end)
          .field("text", st.text(v.doc, v.begin, v.end))
          .key("speaker");
      v.speaker.empty() ? w.null() : w.value(v.speaker);
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
}

// Parses one document object by the rules the JSON Lines reader uses
// (ingest/json_document.h); returns the reason when it is not one. The server
// has no file and line to name a document by, so its id is required.
std::optional<std::string> parse_document(simdjson::dom::element e, Document& doc) {
  static const ingest::JsonFields kFields;
  std::string id;
  if (Status st = ingest::document_from_json(e, kFields, &doc, &id); !st.is_ok()) {
    return st.message();
  }
  if (doc.id.empty()) return "missing id field '" + kFields.id + "'";
  return std::nullopt;
}

// At most `threads` requests handled at once; the others wait here, after
// their request has arrived (slow clients wait in their own connection, not
// here).
class Gate {
 public:
  explicit Gate(size_t n) : free_(std::max<size_t>(n, 1)) {}
  void enter() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return free_ > 0; });
    --free_;
  }
  void leave() {
    {
      std::lock_guard lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t free_;
};

struct Inside {
  explicit Inside(Gate& g) : gate(g) { gate.enter(); }
  ~Inside() { gate.leave(); }
  Inside(const Inside&) = delete;
  Inside& operator=(const Inside&) = delete;
  Gate& gate;
};

ConnectionLimits limits_of(const ServerOptions& o) {
  ConnectionLimits l = o.connections;
  // A backstop for every route and encoding; POST /documents caps the body
  // itself at max_body_bytes. Chunk framing and headers take some bytes more.
  l.max_wire_body_bytes = 2 * uint64_t{o.max_body_bytes} + (64u << 10);
  return l;
}

// Marks the connection to be closed after this answer: the rest of the
// request body was not read, so the next bytes are not a request.
void close_after(httplib::Response& res) {
  if (ConnectionState* c = current_connection()) c->close = true;
  res.set_header("Connection", "close");
}

std::optional<uint64_t> content_length(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return std::nullopt;
  const std::string v = req.get_header_value("Content-Length");
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size()) return UINT64_MAX;  // not a number: too big
  return n;
}

}  // namespace

void write_stats(JsonWriter& w, const LiveStats& s) {
  w.begin_object()
      .field("format_version", s.format_version)
      .field("params", s.params)
      .field("documents", s.documents)
      .field("links", s.links)
      .field("families", s.families)
      .field("documents_in_families", s.documents_in_families)
      .field("stories", s.stories)
      .field("bucket_entries", s.buckets)
      .field("bucket_documents_merged", s.buckets_merged)
      .field("bucket_runs", s.bucket_runs)
      .field("text_bytes", s.text_bytes)
      .field("store_bytes", s.store_bytes)
      .field("stories_refreshed", s.stories_refreshed)
      .field("stories_pending", s.stories_pending)
      .field("stories_final", s.stories_pending == 0)
      .end_object();
}

struct Service::Impl {
  Impl(LiveIndex& i, ServerOptions o)
      : index(i), options(std::move(o)), http(limits_of(options)), gate(options.threads) {}
  LiveIndex& index;
  ServerOptions options;
  GuardedServer http;
  Gate gate;
  int port = -1;

  // Every route's handler runs inside the gate.
  template <class F>
  httplib::Server::Handler gated(F f) {
    return [this, f](const httplib::Request& req, httplib::Response& res) {
      Inside inside(gate);
      f(req, res);
    };
  }

  void routes();
  // sync_stories() within options.story_wait_seconds; false when it has
  // answered the request (503 when the stories are not final in time, 500 on
  // a failed refresh).
  bool wait_for_stories(httplib::Response& res) {
    const Status s = index.sync_stories(static_cast<int64_t>(options.story_wait_seconds * 1000));
    if (s.is_ok()) return true;
    if (s.code() == StatusCode::kCancelled) {
      send_error(res, 503, s.message());
    } else {
      send_status(res, s);
    }
    return false;
  }
  void send_matches(httplib::Response& res, const std::string& id, uint32_t n) {
    auto matches = index.matches(n, true);
    if (!matches) {
      send_status(res, matches.status());
      return;
    }
    std::string out;
    JsonWriter w(out);
    w.begin_object().field("id", id).field("doc", n);
    write_matches(w, *matches, true);
    w.end_object();
    send_json(res, 200, out);
  }
  void post_documents(const std::string& body, httplib::Response& res);
  void receive_documents(const httplib::Request& req, httplib::Response& res,
                         const httplib::ContentReader& read);
  std::optional<uint32_t> doc_of(const std::string& id, httplib::Response& res) {
    auto n = index.find(id);
    if (!n) {
      send_status(res, n.status());
      return std::nullopt;
    }
    return *n;
  }
};

// Reads the body of POST /documents as it arrives, never more than
// max_body_bytes of it whatever the encoding (Content-Length, chunked, or
// until the end), then adds the documents.
void Service::Impl::receive_documents(const httplib::Request& req, httplib::Response& res,
                                      const httplib::ContentReader& read) {
  const std::string limit =
      "request body over " + std::to_string(options.max_body_bytes) + " bytes (--max-body)";
  if (req.is_multipart_form_data()) {
    close_after(res);
    send_error(res, 415, "multipart bodies are not accepted: send the documents as JSON");
    return;
  }
  if (auto n = content_length(req); n && *n > options.max_body_bytes) {
    close_after(res);  // answered before a byte of the body is read
    send_error(res, 413, limit);
    return;
  }
  std::string body;
  bool too_large = false;
  const bool complete = read([&](const char* data, size_t n) {
    if (n > options.max_body_bytes - body.size()) {
      too_large = true;
      return false;
    }
    body.append(data, n);
    return true;
  });
  if (!complete) {
    close_after(res);
    const ConnectionState* c = current_connection();
    if (too_large || res.status == 413 || (c && c->body_too_large)) {
      send_error(res, 413, limit);
    } else if (c && c->timed_out) {
      send_error(res, 408, "request body not received in time");
    } else {
      send_error(res, 400, "incomplete or malformed request body");
    }
    return;
  }
  Inside inside(gate);
  post_documents(body, res);
}

void Service::Impl::post_documents(const std::string& body, httplib::Response& res) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(body).get(root)) {
    send_error(res, 400, std::string("bad JSON: ") + simdjson::error_message(err));
    return;
  }
  std::vector<Document> docs;
  // A batch is an object whose one key is "documents", an array; a document
  // naming "documents" beside its own fields would be read two ways, so it is
  // refused rather than guessed at.
  simdjson::dom::object fields;
  simdjson::dom::element listed;
  const bool batch = !root.get_object().get(fields) && !fields["documents"].get(listed);
  simdjson::dom::array list;
  if (batch && (fields.size() != 1 || listed.get_array().get(list))) {
    send_error(
        res, 400,
        "a batch is {\"documents\":[...]} with no other field, and \"documents\" is an array");
    return;
  }
  if (batch) {
    if (list.size() > options.max_batch) {
      send_error(res, 413,
                 "batch of " + std::to_string(list.size()) + " documents; at most " +
                     std::to_string(options.max_batch) + " per request");
      return;
    }
    for (simdjson::dom::element e : list) {
      Document doc;
      if (auto why = parse_document(e, doc)) {
        send_error(res, 400, "document " + std::to_string(docs.size()) + ": " + *why);
        return;
      }
      docs.push_back(std::move(doc));
    }
  } else {
    Document doc;
    if (auto why = parse_document(root, doc)) {
      send_error(res, 400, *why);
      return;
    }
    docs.push_back(std::move(doc));
  }
  for (Document& d : docs) d.origin.file = "http";
  const size_t count = docs.size();
  auto added = index.add(std::move(docs));
  if (!added) {
    send_error(res, 500, added.status().to_string());
    return;
  }
  if (!batch && !added->rejections.empty()) {
    const Rejection& r = added->rejections.front();
    send_error(res, r.status.code() == StatusCode::kDuplicate ? 409 : 400, r.status.message());
    return;
  }
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("documents").begin_array();
  for (const LiveAdded& a : added->added) {
    w.begin_object().field("id", a.id).field("doc", a.doc);
    write_relation(w, a.matches);
    write_matches(w, a.matches, false);
    write_optional_id(w, "family", a.family);
    write_optional_id(w, "story", a.story);
    w.end_object();
  }
  w.end_array().key("rejected").begin_array();
  for (const Rejection& r : added->rejections) {
    w.begin_object().field("id", r.id).field("error", r.status.message()).end_object();
  }
  w.end_array().field("received", uint64_t{count}).end_object();
  send_json(res, added->added.empty() ? 400 : 200, out);
}

void Service::Impl::routes() {
  http.set_payload_max_length(options.max_body_bytes);
  http.set_tcp_nodelay(true);  // small JSON answers: no 40 ms Nagle / delayed-ACK stalls
  // A client that waits for "100 Continue" learns of a body over the limit
  // before sending it.
  http.set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (auto n = content_length(req); n && *n > options.max_body_bytes) {
      close_after(res);
      res.status = 413;
      return 413;
    }
    return 100;
  });
  if (!options.token.empty()) {
    const std::string expected = "Bearer " + options.token;
    http.set_pre_routing_handler([expected](const httplib::Request& req, httplib::Response& res) {
      if (req.path == "/health" || req.get_header_value("Authorization") == expected) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      res.set_header("WWW-Authenticate", "Bearer");
      close_after(res);  // its body, if any, is not read
      send_error(res, 401, "missing or wrong bearer token");
      return httplib::Server::HandlerResponse::Handled;
    });
  }
  http.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    // What the connection layer saw decides first: a request cut short by a
    // deadline or a cap is reported as such, not as a malformed one.
    if (const ConnectionState* c = current_connection()) {
      if (c->timed_out || c->head_too_large || c->body_too_large) close_after(res);
      if (c->timed_out) {
        res.status = 408;
      } else if (c->head_too_large) {
        res.status = 431;
      } else if (c->body_too_large) {
        res.status = 413;
      }
    }
    const std::string what =
        res.status == 408   ? "request not received in time"
        : res.status == 431 ? "request line and headers over " +
                                  std::to_string(http.limits().max_head_bytes) + " bytes"
        : res.status == 413
            ? "request body over " + std::to_string(options.max_body_bytes) + " bytes (--max-body)"
        : res.status == 414 ? std::string("request line too long")
        : res.status == 404 ? std::string("no such route")
                            : std::string("request failed");
    send_error(res, res.status, what);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                std::exception_ptr) { send_error(res, 500, "internal error"); });

  http.Get("/health", gated([this](const httplib::Request&, httplib::Response& res) {
             const auto s = index.stats();
             if (!s) {
               send_status(res, s.status());
               return;
             }
             std::string out;
             JsonWriter(out)
                 .begin_object()
                 .field("status", "ok")
                 .field("documents", s->documents)
                 .field("format_version", s->format_version)
                 .end_object();
             send_json(res, 200, out);
           }));
  http.Post("/documents",
            [this](const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& read) { receive_documents(req, res, read); });
  http.Post("/stories/refresh", gated([this](const httplib::Request&, httplib::Response& res) {
              if (Status s = index.refresh_stories(); !s) {
                send_error(res, 500, s.to_string());
                return;
              }
              const auto st = index.stats();
              if (!st) {
                send_status(res, st.status());
                return;
              }
              std::string out;
              JsonWriter(out).begin_object().field("stories", st->stories).end_object();
              send_json(res, 200, out);
            }));
  // Waits (at most options.story_wait_seconds) until the stories are final.
  http.Post("/stories/sync", gated([this](const httplib::Request&, httplib::Response& res) {
              if (!wait_for_stories(res)) return;
              const auto st = index.stats();
              if (!st) {
                send_status(res, st.status());
                return;
              }
              std::string out;
              JsonWriter(out)
                  .begin_object()
                  .field("stories", st->stories)
                  .field("stories_pending", st->stories_pending)
                  .end_object();
              send_json(res, 200, out);
            }));
  http.Get("/stats", gated([this](const httplib::Request&, httplib::Response& res) {
             const auto st = index.stats();
             if (!st) {
               send_status(res, st.status());
               return;
             }
             std::string out;
             JsonWriter w(out);
             write_stats(w, *st);
             send_json(res, 200, out);
           }));
  // Document ids are arbitrary strings (they may hold '/', percent-encoded or
  // not), so /documents/{id} takes everything after the prefix and an exact id
  // always wins. Matches live under their own prefix, /matches/{id}, which
  // cannot collide; /documents/{id}/matches is kept as an alias for ids that
  // are not themselves stored with a "/matches" suffix.
  http.Get(R"(/matches/(.+))", gated([this](const httplib::Request& req, httplib::Response& res) {
             if (auto n = doc_of(req.matches[1], res)) send_matches(res, req.matches[1], *n);
           }));
  http.Get(R"(/documents/(.+))", gated([this](const httplib::Request& req, httplib::Response& res) {
             const std::string id = req.matches[1];
             Result<uint32_t> n = index.find(id);
             constexpr std::string_view kSuffix = "/matches";
             if (!n && n.status().code() == StatusCode::kNotFound && id.size() > kSuffix.size() &&
                 id.ends_with(kSuffix)) {
               const std::string base = id.substr(0, id.size() - kSuffix.size());
               auto m = index.find(base);
               if (m || m.status().code() != StatusCode::kNotFound) {
                 if (m) {
                   send_matches(res, base, *m);
                 } else {
                   send_status(res, m.status());
                 }
                 return;
               }
             }
             if (!n) {
               send_status(res, n.status());
               return;
             }
             auto d = index.document(*n, req.get_param_value("text") != "false");
             if (!d) {
               send_status(res, d.status());
               return;
             }
             const DocInfo& i = d->info;
             std::string out;
             JsonWriter w(out);
             w.begin_object()
                 .field("id", i.id)
                 .field("doc", d->doc)
                 .field("title", i.title)
                 .field("date", i.date)
                 .field("url", i.url)
                 .field("source", i.source)
                 .field("tokens", i.tokens)
                 .field("shingles", i.shingles)
                 .field("added", iso8601(d->added));
             write_optional_id(w, "family", i.family);
             write_optional_id(w, "story", i.story);
             if (!i.text.empty()) w.field("text", i.text);
             w.end_object();
             send_json(res, 200, out);
           }));
  http.Get(
      R"(/families/(\d{1,10}))", gated([this](const httplib::Request& req, httplib::Response& res) {
        auto f = index.family(static_cast<uint32_t>(std::stoull(req.matches[1])));
        if (!f) {
          send_status(res, f.status());
          return;
        }
        std::string out;
        JsonWriter w(out);
        w.begin_object().field("id", f->id).field("root", f->root).field("root_id", f->root_id);
        w.key("members").begin_array();
        for (size_t i = 0; i < f->members.size(); ++i) {
          w.begin_object().field("doc", f->members[i]).field("id", f->member_ids[i]).end_object();
        }
        w.end_array().end_object();
        send_json(res, 200, out);
      }));
  http.Get(R"(/stories/(\d{1,10})\.html)",
           gated([this](const httplib::Request& req, httplib::Response& res) {
             const uint32_t id = static_cast<uint32_t>(std::stoull(req.matches[1]));
             auto result = index.story_result(id);
             if (!result) {
               send_status(res, result.status());
               return;
             }
             report::HtmlOptions o;
             o.title = "kindred story " + std::to_string(id);
             res.status = 200;
             res.set_content(report::html_report(index.params(), *result, o),
                             "text/html; charset=utf-8");
           }));
  http.Get(R"(/stories/(\d{1,10}))",
           gated([this](const httplib::Request& req, httplib::Response& res) {
             if (req.get_param_value("final") == "true" && !wait_for_stories(res)) return;
             auto st = index.story(static_cast<uint32_t>(std::stoull(req.matches[1])), true);
             if (!st) {
               send_status(res, st.status());
               return;
             }
             std::string out;
             JsonWriter w(out);
             write_story(w, *st, true);
             send_json(res, 200, out);
           }));
  http.Get("/stories", gated([this](const httplib::Request& req, httplib::Response& res) {
             int64_t since = 0;
             if (req.has_param("since")) {
               auto t = util::parse_iso8601(req.get_param_value("since"));
               if (!t) {
                 send_error(res, 400,
                            "since must be an ISO 8601 date or time, e.g. 2024-03-01T12:00:00Z");
                 return;
               }
               since = *t;
             }
             if (req.get_param_value("final") == "true" && !wait_for_stories(res)) return;
             const auto stories = index.stories_since(since);
             if (!stories) {
               send_status(res, stories.status());
               return;
             }
             std::string out;
             JsonWriter w(out);
             w.begin_object().key("stories").begin_array();
             for (const LiveStory& st : *stories) write_story(w, st, false);
             w.end_array().end_object();
             send_json(res, 200, out);
           }));
}

Service::Service(LiveIndex& index, ServerOptions options)
    : impl_(std::make_unique<Impl>(index, std::move(options))) {
  impl_->routes();
}

std::string Service::serve_bytes(std::string_view request) {
  return impl_->http.serve_bytes(request);
}

Service::~Service() {
  stop();
}

bool Service::bind() {
  Impl& s = *impl_;
  if (s.options.port == 0) {
    s.port = s.http.bind_to_any_port(s.options.host);
  } else {
    s.port = s.http.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.port < 0) {
    error_ = "cannot listen on " + s.options.host + ":" + std::to_string(s.options.port);
    return false;
  }
  s.http.widen_backlog(
      static_cast<int>(std::min<size_t>(4096, 2 * s.options.connections.max_connections + 64)));
  return true;
}

int Service::port() const {
  return impl_->port;
}

bool Service::listen() {
  return impl_->http.listen_after_bind();
}

void Service::stop() {
  impl_->http.shutdown();
}

}  // namespace kindred::server
