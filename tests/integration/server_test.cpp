// The HTTP API in process, on 127.0.0.1 and an ephemeral port.
#include "http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <lmdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "integration/cli_runner.h"
#include "unit/ingest/json_document_cases.h"

namespace kindred {
namespace {

using testing::TempDir;

std::string doc_json(const std::string& id, const std::string& text) {
  std::string out = "{\"id\":\"" + id + "\",\"text\":\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"}";
}

// A client on a raw loopback socket, for requests httplib's client will not
// send (slow, cut short, endless). Every wait is bounded by `kPatience`.
constexpr auto kPatience = std::chrono::seconds(30);

class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  // False once the server has closed the connection (or reset it).
  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // Whether an answer (or the end) can be read now.
  bool readable() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }
  // Reads until the server closes the connection or `kPatience` passes;
  // `closed` says which.
  std::string read_all(bool& closed) {
    std::string out;
    closed = false;
    const auto until = std::chrono::steady_clock::now() + kPatience;
    char buf[4096];
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class ServerTest : public ::testing::Test {
 protected:
  void start(const std::string& token = "", size_t max_batch = 50, size_t max_body = 1 << 20) {
    server::ServerOptions o;
    o.token = token;
    o.max_batch = max_batch;
    o.max_body_bytes = max_body;
    start_with(o);
  }
  void start_with(server::ServerOptions o) {
    auto ix = LiveIndex::create((dir.path() / "ix").string(), Params{});
    ASSERT_TRUE(ix.has_value());
    serve(std::move(*ix), o);
  }
  void serve(std::unique_ptr<LiveIndex> ix, server::ServerOptions o = {}) {
    index = std::move(ix);
    o.port = 0;
    service = std::make_unique<server::Service>(*index, o);
    ASSERT_TRUE(service->bind());
    thread = std::thread([this] { service->listen(); });
    client = std::make_unique<httplib::Client>("127.0.0.1", service->port());
    for (int i = 0; i < 200 && !client->Get("/health"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  void TearDown() override {
    if (service) service->stop();
    if (thread.joinable()) thread.join();
  }
  simdjson::dom::element parse(const std::string& body) {
    simdjson::dom::element e;
    EXPECT_FALSE(parser.parse(body).get(e)) << body;
    return e;
  }

  TempDir dir;
  std::unique_ptr<LiveIndex> index;
  std::unique_ptr<server::Service> service;
  std::unique_ptr<httplib::Client> client;
  std::thread thread;
  simdjson::dom::parser parser;
};

const std::string kText =
    "The harbour authority said on Monday that the northern pier would close for repairs "
    "after inspectors found cracks in three of its supporting columns, and that ferries "
    "would use the southern terminal until the work is finished in the spring.";

TEST_F(ServerTest, AddGetMatchesFamilyStory) {
  start();
  auto r = client->Post("/documents", doc_json("a", kText), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  r = client->Post(
      "/documents",
      "{\"documents\":[" + doc_json("b", kText + " A spokesman declined to comment.") + "," +
          doc_json("c", "Completely different words about a football match and its score.") + "]}",
      "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto body = parse(r->body);
  auto docs = body["documents"].get_array();
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(std::string_view(docs.at(0)["id"]), "b");
  EXPECT_EQ(std::string_view(docs.at(0)["matches"].at(0)["id"]), "a");
  EXPECT_EQ(std::string_view(docs.at(0)["relation"]), "near_duplicate");
  const int64_t family = docs.at(0)["family"];
  const int64_t story = docs.at(0)["story"];
  EXPECT_TRUE(docs.at(1)["family"].is_null());

  r = client->Get("/documents/a");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(std::string_view(parse(r->body)["text"]), kText);
  r = client->Get("/documents/b/matches");  // the alias of /matches/b
  ASSERT_EQ(r->status, 200);
  EXPECT_GT(parse(r->body)["matches"].at(0)["passages"].get_array().size(), 0u);
  r = client->Get("/matches/b");
  ASSERT_EQ(r->status, 200);
  EXPECT_GT(parse(r->body)["matches"].at(0)["passages"].get_array().size(), 0u);
  r = client->Get("/families/" + std::to_string(family));
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(std::string_view(parse(r->body)["root_id"]), "b");  // most shingles, no dates
  r = client->Get("/stories/" + std::to_string(story));
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(parse(r->body)["members"].get_array().size(), 2u);
  r = client->Get("/stories/" + std::to_string(story) + ".html");
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("<html"), std::string::npos);
  r = client->Get("/stories?since=2000-01-01");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(parse(r->body)["stories"].get_array().size(), 1u);
  r = client->Get("/stories?since=2999-01-01");
  EXPECT_EQ(parse(r->body)["stories"].get_array().size(), 0u);
  EXPECT_EQ(client->Get("/stories?since=yesterday")->status, 400);
  EXPECT_EQ(client->Get("/documents/zzz")->status, 404);
  EXPECT_EQ(client->Get("/families/999")->status, 404);
  EXPECT_EQ(client->Get("/nowhere")->status, 404);
}

// POST /stories/sync waits for final stories; /stats and each story say so,
// and a story carries its account (with offsets) and quotations.
TEST_F(ServerTest, SyncGivesFinalStories) {
  start();
  auto r = client->Post("/documents",
                        "{\"documents\":[" + doc_json("a", kText) + "," +
                            doc_json("b", kText + " A spokesman declined to comment.") + "]}",
                        "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  r = client->Post("/stories/sync", "", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(int64_t(parse(r->body)["stories_pending"]), 0);
  r = client->Get("/stats");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(int64_t(parse(r->body)["stories_pending"]), 0);
  EXPECT_TRUE(bool(parse(r->body)["stories_final"]));
  r = client->Get("/stories/0?final=true");
  ASSERT_EQ(r->status, 200) << r->body;
  auto story = parse(r->body);
  EXPECT_TRUE(bool(story["final"]));
  auto account = story["account"].get_array();
  ASSERT_GT(account.size(), 0u);
  const int64_t begin = account.at(0)["begin"], end = account.at(0)["end"];
  EXPECT_LT(begin, end);
  EXPECT_FALSE(std::string_view(account.at(0)["text"]).empty());
  EXPECT_TRUE(story["quotations"].is_array());
}

// Writes `value` as the record of document `doc` in table `table` of the
// LMDB store in `dir`, behind the index's back.
void overwrite_record(const std::filesystem::path& dir, const char* table, uint32_t doc,
                      std::string_view value) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 16);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0644), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi dbi = 0;
  ASSERT_EQ(mdb_dbi_open(txn, table, MDB_INTEGERKEY, &dbi), 0);
  MDB_val k{sizeof doc, &doc}, v{value.size(), const_cast<char*>(value.data())};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

// A corrupt record of a copy of a store: the requests that read it get a 500
// naming it, and the server goes on serving everything else.
TEST_F(ServerTest, CorruptRecordIsA500AndTheServerKeepsServing) {
  const auto original = dir.path() / "original", copy = dir.path() / "copy";
  {
    auto ix = LiveIndex::create(original.string(), Params{});
    ASSERT_TRUE(ix.has_value()) << ix.status().to_string();
    std::vector<Document> docs(3);
    docs[0].id = "a";
    docs[0].text = kText;
    docs[1].id = "b";
    docs[1].text = kText + " A spokesman declined to comment.";
    docs[2].id = "c";
    docs[2].text = "Completely different words about a football match and its score.";
    ASSERT_TRUE((*ix)->add(docs).has_value());
  }
  std::filesystem::create_directories(copy);
  std::filesystem::copy(original, copy, std::filesystem::copy_options::recursive);
  overwrite_record(copy, "docs", 1, "\x01\x02truncated");  // document "b"
  auto ix = LiveIndex::open(copy.string());
  ASSERT_TRUE(ix.has_value()) << ix.status().to_string();
  serve(std::move(*ix));

  auto r = client->Get("/documents/b");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500) << r->body;
  const std::string error(std::string_view(parse(r->body)["error"]));
  EXPECT_NE(error.find("corrupt index"), std::string::npos) << error;
  EXPECT_NE(error.find("document 1"), std::string::npos) << error;
  // "a" links to "b": its matches read b's record.
  EXPECT_EQ(client->Get("/matches/a")->status, 500);
  // Everything that does not read the record is served as before.
  r = client->Get("/documents/a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(std::string_view(parse(r->body)["text"]), kText);
  EXPECT_EQ(client->Get("/documents/c")->status, 200);
  EXPECT_EQ(client->Get("/health")->status, 200);
  EXPECT_EQ(client->Get("/documents/zzz")->status, 404);
  // An add that would read the corrupt record is refused whole and stores nothing.
  r = client->Post("/documents", doc_json("d", kText + " Ferries were delayed."),
                   "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500) << r->body;
  EXPECT_EQ(client->Get("/documents/d")->status, 404);
  EXPECT_EQ(client->Get("/documents/c")->status, 200);
}

// Ids are arbitrary strings: one ending in "/matches" is still its own
// document, and matches have a route that cannot collide with any id.
TEST_F(ServerTest, IdsEndingInMatchesDoNotCollideWithTheMatchesRoute) {
  start();
  auto r = client->Post("/documents",
                        "{\"documents\":[" + doc_json("x", kText) + "," +
                            doc_json("x/matches", kText + " Officials gave no date.") + "]}",
                        "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  r = client->Get("/documents/x/matches");
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(std::string_view(parse(r->body)["id"]), "x/matches");
  EXPECT_EQ(std::string_view(parse(r->body)["text"]), kText + " Officials gave no date.");
  r = client->Get("/documents/x%2Fmatches");  // percent-encoded: the same document
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(std::string_view(parse(r->body)["id"]), "x/matches");
  r = client->Get("/matches/x");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(std::string_view(parse(r->body)["id"]), "x");
  EXPECT_EQ(std::string_view(parse(r->body)["matches"].at(0)["id"]), "x/matches");
  r = client->Get("/matches/x/matches");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(std::string_view(parse(r->body)["id"]), "x/matches");
  EXPECT_EQ(std::string_view(parse(r->body)["matches"].at(0)["id"]), "x");
  EXPECT_EQ(client->Get("/matches/nothing")->status, 404);
  EXPECT_EQ(client->Get("/documents/nothing/matches")->status, 404);
}

TEST_F(ServerTest, BadRequestsAreRejectedAndStoreNothing) {
  start("", 3, 4096);
  EXPECT_EQ(client->Post("/documents", "{not json", "application/json")->status, 400);
  EXPECT_EQ(client->Post("/documents", "{\"id\":\"x\"}", "application/json")->status, 400);
  // Integer ids are accepted, as by `kindred scan` (ingest/json_document.h); other numbers not.
  EXPECT_EQ(
      client->Post("/documents", "{\"id\":5.5,\"text\":\"a b c\"}", "application/json")->status,
      400);
  // One bad document in a batch: nothing of the batch is stored.
  auto r =
      client->Post("/documents", "{\"documents\":[" + doc_json("ok", kText) + ",{\"id\":\"bad\"}]}",
                   "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("document 1"), std::string::npos) << r->body;
  // A body that reads as a batch and as a document, or a batch that is no
  // array: refused, not guessed at.
  for (const std::string& ambiguous :
       {"{\"id\":\"y\",\"text\":\"" + kText + "\",\"documents\":[]}",
        "{\"documents\":[" + doc_json("z", kText) + "],\"id\":\"y\",\"text\":\"a b c\"}",
        std::string("{\"documents\":\"not a list\"}")}) {
    r = client->Post("/documents", ambiguous, "application/json");
    EXPECT_EQ(r->status, 400) << ambiguous;
    EXPECT_NE(r->body.find("a batch is"), std::string::npos) << r->body;
  }
  std::string big = "{\"documents\":[";
  for (int i = 0; i < 4; ++i) big += (i ? "," : "") + doc_json("d" + std::to_string(i), "w x y z");
  EXPECT_EQ(client->Post("/documents", big + "]}", "application/json")->status, 413);
  EXPECT_EQ(client->Post("/documents", doc_json("huge", std::string(8000, 'a')), "application/json")
                ->status,
            413);
  EXPECT_EQ(index->stats()->documents, 0u);
  ASSERT_EQ(client->Post("/documents", doc_json("ok", kText), "application/json")->status, 200);
  EXPECT_EQ(client->Post("/documents", doc_json("ok", kText), "application/json")->status, 409);
  EXPECT_EQ(index->stats()->documents, 1u);
  EXPECT_TRUE(index->check().empty());
}

// The table that drives the JSON Lines reader (unit/ingest/json_document_cases.h),
// posted to the server one row at a time, each to a fresh index: a row the
// reader accepts is stored with the same id and text, one it rejects is a 400
// with the same reason. The server's own rules come on top: an id is
// required (JSON Lines names a record by FILE:LINE), and a text without words
// is refused when it is added (as `kindred scan` rejects it).
TEST_F(ServerTest, AcceptsAndRejectsTheDocumentsTheJsonLinesReaderDoes) {
  int fresh = 0;
  for (const json_cases::Row& row : json_cases::rows()) {
    SCOPED_TRACE(row.json.substr(0, 80));
    TearDown();  // the previous row's server, before its index goes
    service.reset();
    auto ix =
        LiveIndex::create((dir.path() / ("rows" + std::to_string(fresh++))).string(), Params{});
    ASSERT_TRUE(ix.has_value()) << ix.status().to_string();
    serve(std::move(*ix));
    auto r = client->Post("/documents", row.json, "application/json");
    ASSERT_TRUE(r);
    const bool no_words = row.text.find_first_not_of(' ') == std::string::npos;
    if (row.error.empty() && !row.id.empty() && !no_words) {
      ASSERT_EQ(r->status, 200) << r->body;
      EXPECT_EQ(std::string_view(parse(r->body)["documents"].at(0)["id"]), row.id);
      r = client->Get("/documents/" + row.id);
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200) << r->body;
      EXPECT_EQ(std::string_view(parse(r->body)["text"]), row.text);
      continue;
    }
    EXPECT_EQ(r->status, 400) << r->body;
    const std::string error(std::string_view(parse(r->body)["error"]));
    if (!row.error.empty()) {
      // The reason the JSON Lines reader gives, without its FILE:LINE.
      simdjson::dom::parser p;
      simdjson::dom::element root;
      ASSERT_EQ(p.parse(row.json).get(root), simdjson::SUCCESS);
      Document doc;
      std::string id;
      EXPECT_EQ(error, ingest::document_from_json(root, ingest::JsonFields{}, &doc, &id).message());
      EXPECT_NE(error.find(row.error), std::string::npos) << error;
    } else if (row.id.empty()) {
      EXPECT_EQ(error, "missing id field 'id'");
    } else {
      EXPECT_NE(error.find("no words"), std::string::npos) << error;
    }
    EXPECT_EQ(index->stats()->documents, 0u);
  }
}

TEST_F(ServerTest, BearerToken) {
  start("s3cret");
  EXPECT_EQ(client->Get("/health")->status, 200);
  EXPECT_EQ(client->Get("/stories")->status, 401);
  EXPECT_EQ(client->Post("/documents", doc_json("a", kText), "application/json")->status, 401);
  client->set_bearer_token_auth("s3cret");
  EXPECT_EQ(client->Get("/stories")->status, 200);
  EXPECT_EQ(client->Post("/documents", doc_json("a", kText), "application/json")->status, 200);
}

// Parallel writers and readers: every add is answered, the store stays consistent.
TEST_F(ServerTest, ParallelRequests) {
  start();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", service->port());
      for (int i = 0; i < 15; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto r = c.Post("/documents",
                        doc_json(id, kText + " Item " + id + " " + std::to_string(i * 7919)),
                        "application/json");
        if (!r || r->status != 200) ++failures;
        auto g = c.Get("/documents/" + id);
        if (!g || g->status != 200) ++failures;
        if (!c.Get("/stories")) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(index->stats()->documents, 90u);
  EXPECT_EQ(index->check(), std::vector<std::string>{});
}

// A chunked body is held to --max-body while it arrives: a document over the
// limit gets 413 and is not stored, and an endless body is answered 413 and
// cut off long before its end (it is never buffered whole).
TEST_F(ServerTest, ChunkedBodiesRespectMaxBody) {
  server::ServerOptions o;
  o.max_body_bytes = 4096;
  start_with(o);
  const std::string head =
      "POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  auto chunk = [](const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + data + "\r\n";
  };
  {
    // A valid document of 40 KiB in 1 KiB chunks.
    std::string text;
    while (text.size() < (40u << 10)) text += kText + " ";
    const std::string body = doc_json("big", text);
    std::string wire = head;
    for (size_t i = 0; i < body.size(); i += 1024) wire += chunk(body.substr(i, 1024));
    wire += "0\r\n\r\n";
    RawClient c(service->port());
    ASSERT_TRUE(c.connected());
    c.send(wire);
    bool closed = false;
    const std::string answer = c.read_all(closed);
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 300);
    EXPECT_NE(answer.find("--max-body"), std::string::npos) << answer.substr(0, 300);
    EXPECT_TRUE(closed) << "the rest of the body is not taken as a next request";
  }
  {
    // 64 MiB of chunked garbage: the server answers and closes after the first
    // few KiB, so the client cannot send it all.
    RawClient c(service->port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send(head));
    const std::string piece = chunk(std::string(64u << 10, 'x'));
    size_t sent = 0;
    bool all_sent = true;
    while (sent < (64u << 20)) {
      if (!c.send(piece)) {
        all_sent = false;
        break;
      }
      sent += piece.size();
    }
    EXPECT_FALSE(all_sent) << "the whole body was taken";
    bool closed = false;
    const std::string answer = c.read_all(closed);
    EXPECT_TRUE(answer.empty() || answer.rfind("HTTP/1.1 413", 0) == 0) << answer.substr(0, 300);
  }
  // Content-Length over the limit: 413 without waiting for the body.
  {
    RawClient c(service->port());
    ASSERT_TRUE(c.send(
        "POST /documents HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\n{\"id\":"));
    bool closed = false;
    const std::string answer = c.read_all(closed);
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 300);
  }
  EXPECT_EQ(index->stats()->documents, 0u);
  // Small chunked documents are still welcome.
  const std::string body = doc_json("small", kText);
  RawClient c(service->port());
  ASSERT_TRUE(
      c.send("POST /documents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
             "Transfer-Encoding: chunked\r\n\r\n" +
             chunk(body.substr(0, 100)) + chunk(body.substr(100)) + "0\r\n\r\n"));
  bool closed = false;
  const std::string answer = c.read_all(closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer.substr(0, 300);
  EXPECT_EQ(index->stats()->documents, 1u);
}

// Keeps sending one header byte at a time to each of its connections, never
// finishing a request, until told to stop or the server closes them.
class Drip {
 public:
  Drip(int port, size_t connections) {
    for (size_t i = 0; i < connections; ++i) clients_.push_back(std::make_unique<RawClient>(port));
    thread_ = std::thread([this] {
      const std::string start = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
      std::vector<size_t> sent(clients_.size(), 0);
      std::vector<bool> open(clients_.size(), true);
      const auto until = std::chrono::steady_clock::now() + kPatience;
      while (!stop_ && std::chrono::steady_clock::now() < until) {
        for (size_t i = 0; i < clients_.size(); ++i) {
          if (!open[i]) continue;
          const char c = sent[i] < start.size() ? start[sent[i]] : 'a';
          if (!clients_[i]->send(std::string_view(&c, 1))) {
            open[i] = false;
            ++dropped_;
          }
          ++sent[i];
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
  }
  ~Drip() {
    stop_ = true;
    thread_.join();
  }
  RawClient& client(size_t i) { return *clients_[i]; }

 private:
  std::vector<std::unique_ptr<RawClient>> clients_;
  std::atomic<bool> stop_{false};
  std::atomic<int> dropped_{0};
  std::thread thread_;
};

// Slow clients, as many as the request threads, do not stall the others: a
// normal request gets its answer while they still drip. (Before: it waited
// behind them until they stopped.)
TEST_F(ServerTest, SlowClientsDoNotStallOthers) {
  server::ServerOptions o;
  o.threads = 2;
  start_with(o);
  Drip drip(service->port(), 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // they are connected and dripping
  httplib::Client c("127.0.0.1", service->port());
  c.set_connection_timeout(kPatience);
  c.set_read_timeout(kPatience);
  for (int i = 0; i < 3; ++i) {
    auto r = c.Get("/health");
    ASSERT_TRUE(r) << "no answer within " << kPatience.count() << " s while slow clients drip";
    EXPECT_EQ(r->status, 200);
  }
}

// Deadlines: a request whose headers take too long, or whose body pauses too
// long, gets 408 and its connection is closed; a connection that never starts
// a request is closed without an answer. Only "it happened before a generous
// bound" is checked, never how soon.
TEST_F(ServerTest, SlowAndIdleConnectionsAreTimedOut) {
  server::ServerOptions o;
  o.connections.header_timeout = server::Millis{800};
  o.connections.read_timeout = server::Millis{800};
  o.connections.idle_timeout = server::Millis{800};
  start_with(o);
  {
    Drip drip(service->port(), 1);
    bool closed = false;
    const std::string answer = drip.client(0).read_all(closed);
    EXPECT_TRUE(closed) << "a dripping client was never dropped";
    EXPECT_EQ(answer.rfind("HTTP/1.1 408", 0), 0u) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  }
  {
    RawClient idle(service->port());
    bool closed = false;
    EXPECT_EQ(idle.read_all(closed), "");
    EXPECT_TRUE(closed) << "an idle connection was never closed";
  }
  {
    // Headers complete, then half the body and a pause.
    RawClient c(service->port());
    ASSERT_TRUE(
        c.send("POST /documents HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":\"a\","));
    bool closed = false;
    const std::string answer = c.read_all(closed);
    EXPECT_TRUE(closed);
    EXPECT_EQ(answer.rfind("HTTP/1.1 408", 0), 0u) << answer;
  }
  // And the server still answers.
  EXPECT_EQ(client->Get("/health")->status, 200);
  EXPECT_EQ(index->stats()->documents, 0u);
}

// Past --max-connections a connection is answered 503 and closed; once one
// closes, new ones are served again.
TEST_F(ServerTest, ConnectionLimit) {
  server::ServerOptions o;
  o.connections.max_connections = 3;
  o.connections.idle_timeout = server::Millis{60'000};  // the held ones stay open
  start_with(o);
  // Hold three slots, each proven by a kept-alive answer. The fixture's
  // readiness probe may still hold a slot for a moment (its worker has not yet
  // seen the close), so a connection answered 503 is dropped and retried.
  std::vector<std::unique_ptr<RawClient>> held;
  const auto hold_until = std::chrono::steady_clock::now() + kPatience;
  while (held.size() < 3 && std::chrono::steady_clock::now() < hold_until) {
    auto c = std::make_unique<RawClient>(service->port());
    ASSERT_TRUE(c->connected());
    ASSERT_TRUE(c->send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string answer;
    char buf[4096];
    while (answer.find("\r\n\r\n") == std::string::npos &&
           std::chrono::steady_clock::now() < hold_until) {
      pollfd p{c->fd(), POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::recv(c->fd(), buf, sizeof buf, 0);
      if (n <= 0) break;
      answer.append(buf, static_cast<size_t>(n));
    }
    if (answer.rfind("HTTP/1.1 200", 0) == 0) {
      held.push_back(std::move(c));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ASSERT_EQ(held.size(), 3u);
  {
    RawClient extra(service->port());  // accepted after the three before it
    bool closed = false;
    const std::string answer = extra.read_all(closed);
    EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
    EXPECT_NE(answer.find("too many connections"), std::string::npos) << answer;
    EXPECT_TRUE(closed);
  }
  held.front()->close();
  // Its slot frees when the server notices the close: retry until then, bounded.
  bool served = false;
  const auto until = std::chrono::steady_clock::now() + kPatience;
  while (!served && std::chrono::steady_clock::now() < until) {
    httplib::Client c("127.0.0.1", service->port());
    auto r = c.Get("/health");
    served = r && r->status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(served);
}

// The connection loop without a socket: pipelined requests, the head cap, a
// chunked body over the limit, a request cut short.
TEST_F(ServerTest, RawRequestsInMemory) {
  server::ServerOptions o;
  o.max_body_bytes = 2048;
  start_with(o);
  std::string out = service->serve_bytes(
      "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out;
  EXPECT_NE(out.find("HTTP/1.1 404"), std::string::npos) << out;
  out = service->serve_bytes("GET /health HTTP/1.1\r\nX-Big: " + std::string(100'000, 'a'));
  EXPECT_EQ(out.rfind("HTTP/1.1 431", 0), 0u) << out.substr(0, 200);
  out = service->serve_bytes("GET /health HTTP/1.1\r\nX-Long: " + std::string(9000, 'a') +
                             "\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out.substr(0, 200);  // one line over 8 KiB
  out = service->serve_bytes("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 414", 0), 0u) << out.substr(0, 200);
  out = service->serve_bytes(
      "POST /documents HTTP/1.1\r\nExpect: 100-continue\r\n"
      "Content-Length: 99999999\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 200);
  std::string keep_alive;
  for (int i = 0; i < 101; ++i) keep_alive += "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  out = service->serve_bytes(keep_alive);
  size_t answers = 0;
  for (size_t at = 0; (at = out.find("HTTP/1.1 200", at)) != std::string::npos; ++at) ++answers;
  EXPECT_EQ(answers, 100u) << "requests per connection";
  std::string many_headers = "GET /health HTTP/1.1\r\n";
  for (int i = 0; i < 10'000; ++i) many_headers += "X-" + std::to_string(i) + ": y\r\n";
  out = service->serve_bytes(many_headers + "\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 431", 0), 0u) << out.substr(0, 200);
  std::string chunked = "POST /documents HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 10; ++i) chunked += "400\r\n" + std::string(1024, ' ') + "\r\n";
  out = service->serve_bytes(chunked + "0\r\n\r\nGET /health HTTP/1.1\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 200);
  EXPECT_EQ(out.find("HTTP/1.1 200"), std::string::npos) << "served after an unread body";
  // A chunked body over the limit on another route: the wire cap.
  chunked = "POST /stories/refresh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 100; ++i) chunked += "400\r\n" + std::string(1024, ' ') + "\r\n";
  out = service->serve_bytes(chunked + "0\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 200);
  out = service->serve_bytes(
      "POST /documents HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"id\"");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out.substr(0, 200);
  out = service->serve_bytes(
      "POST /documents HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "multipart/form-data; boundary=b\r\nContent-Length: 4\r\n\r\nabcd");
  EXPECT_EQ(out.rfind("HTTP/1.1 415", 0), 0u) << out.substr(0, 200);
  const std::string doc = doc_json("m", kText);
  out = service->serve_bytes("POST /documents HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                             std::to_string(doc.size()) + "\r\n\r\n" + doc);
  EXPECT_EQ(out.rfind("HTTP/1.1 200", 0), 0u) << out.substr(0, 200);
  EXPECT_EQ(index->stats()->documents, 1u);
}

}  // namespace
}  // namespace kindred
