// The HTTP API in process, on 127.0.0.1 and an ephemeral port.
#include "http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "integration/cli_runner.h"

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

class ServerTest : public ::testing::Test {
 protected:
  void start(const std::string& token = "", size_t max_batch = 50, size_t max_body = 1 << 20) {
    auto ix = LiveIndex::create((dir.path() / "ix").string(), Params{});
    ASSERT_TRUE(ix.has_value());
    index = std::move(*ix);
    server::ServerOptions o;
    o.port = 0;
    o.token = token;
    o.max_batch = max_batch;
    o.max_body_bytes = max_body;
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
  std::string big = "{\"documents\":[";
  for (int i = 0; i < 4; ++i) big += (i ? "," : "") + doc_json("d" + std::to_string(i), "w x y z");
  EXPECT_EQ(client->Post("/documents", big + "]}", "application/json")->status, 413);
  EXPECT_EQ(client->Post("/documents", doc_json("huge", std::string(8000, 'a')), "application/json")
                ->status,
            413);
  EXPECT_EQ(index->stats().documents, 0u);
  ASSERT_EQ(client->Post("/documents", doc_json("ok", kText), "application/json")->status, 200);
  EXPECT_EQ(client->Post("/documents", doc_json("ok", kText), "application/json")->status, 409);
  EXPECT_EQ(index->stats().documents, 1u);
  EXPECT_TRUE(index->check().empty());
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
  EXPECT_EQ(index->stats().documents, 90u);
  EXPECT_EQ(index->check(), std::vector<std::string>{});
}

}  // namespace
}  // namespace kindred
