// kindred_bench_service: the HTTP service under load, on loopback only.
//
//   kindred_bench_service --docs 20000 --queries 2000 [--batch 100] [--index DIR] [--add M]
//
// Builds (or reuses, with --index) a live index of `docs` synthetic documents
// by POST /documents in batches through the real server (ingest documents/s);
// with --add, then times M more documents ingested into the index as it is
// (the rate at that size, not an average from empty: reuse a built index with
// --index to measure at 1,000,000 documents without rebuilding it); then runs GET
// /documents/{id}/matches and GET /documents/{id} from 1, 4 and 8 concurrent clients (each a
// keep-alive httplib client) and reports p50/p99 latency. Everything runs in this process: the
// server on 127.0.0.1 and an ephemeral port, the clients in threads.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "http_server.h"
#include "kindred/live_index.h"
#include "synth/generator.h"
#include "synth/jsonl.h"

using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  CLI::App app{"kindred_bench_service: HTTP ingest and query load on 127.0.0.1"};
  uint64_t docs = 20000, queries = 2000, seed = 7, add = 0;
  size_t batch = 100;
  unsigned words = 400, threads = 2;
  std::string dir;
  app.add_option("--docs", docs, "Synthetic documents to ingest")->capture_default_str();
  app.add_option("--queries", queries, "Requests per concurrency level")->capture_default_str();
  app.add_option("--batch", batch, "Documents per POST")->capture_default_str();
  app.add_option("--words", words, "Mean words per original")->capture_default_str();
  app.add_option("--threads", threads, "Sketching threads")->capture_default_str();
  app.add_option("--seed", seed, "Corpus seed")->capture_default_str();
  app.add_option("--add", add,
                 "Documents to ingest (and time) after the index holds --docs; "
                 "they continue the corpus past the index's last document")
      ->capture_default_str();
  app.add_option("--index", dir, "Index directory (default: a temporary one, removed after)");
  CLI11_PARSE(app, argc, argv);
  const bool temporary = dir.empty();
  if (temporary) dir = (std::filesystem::temp_directory_path() / "kindred-bench-service").string();
  if (temporary) std::filesystem::remove_all(dir);

  kindred::LiveOpenOptions lo;
  lo.threads = threads;
  auto opened = std::filesystem::exists(std::filesystem::path(dir) / "data.mdb")
                    ? kindred::LiveIndex::open(dir, lo)
                    : kindred::LiveIndex::create(dir, kindred::Params{}, lo);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.status().to_string().c_str());
    return 1;
  }
  kindred::LiveIndex& index = **opened;
  kindred::server::ServerOptions so;
  so.port = 0;
  so.threads = 16;
  so.max_batch = std::max<size_t>(batch, 1);
  so.max_body_bytes = 256u << 20;
  kindred::server::Service service(index, so);
  if (!service.bind()) return 1;
  std::thread server([&] { service.listen(); });
  const int port = service.port();

  // Ingest. The corpus has max(docs, documents already indexed) + add
  // documents: the build phase posts those from the index's end up to `docs`,
  // the add phase the `add` after them. The request bodies are made before the
  // clock starts: ingest measures the service, not the corpus generator.
  const uint64_t before = index.stats()->documents;
  const uint64_t base = std::max<uint64_t>(docs, before);
  kindred::synth::CorpusSpec spec;
  spec.documents = base + add;
  spec.mean_words = words;
  spec.seed = seed;
  std::vector<std::string> ids;
  httplib::Client writer("127.0.0.1", port);
  writer.set_read_timeout(600);
  struct Phase {
    const char* name;
    uint64_t from, to;
    std::vector<std::string> bodies;
    uint64_t bytes = 0;
  };
  Phase phases[2] = {{"build", before, std::max(before, docs), {}}, {"add", base, base + add, {}}};
  const auto g0 = Clock::now();
  if (phases[0].from < phases[0].to || add > 0) {
    size_t in_body = 0;
    uint64_t i = 0;
    kindred::synth::generate(spec,
                             [&](kindred::Document&& d) {
                               const uint64_t at = i++;
                               if (at < before) return;
                               ids.push_back(d.id);
                               Phase* ph = nullptr;
                               for (Phase& p : phases) {
                                 if (at >= p.from && at < p.to) ph = &p;
                               }
                               if (!ph) return;
                               if (at == ph->from) in_body = 0;
                               if (in_body == 0) ph->bodies.emplace_back("{\"documents\":[");
                               std::string& body = ph->bodies.back();
                               if (in_body > 0) body += ",";
                               kindred::synth::append_document_jsonl(body, d);
                               body.pop_back();  // newline
                               ph->bytes += d.text.size();
                               if (++in_body == batch || at + 1 == ph->to) {
                                 body += "]}";
                                 in_body = 0;
                               }
                             },
                             {});
  }
  for (uint64_t i = 0; i < before; ++i) ids.push_back(kindred::synth::doc_id(i));
  std::sort(ids.begin(), ids.end());
  const double generate_s = std::chrono::duration<double>(Clock::now() - g0).count();
  for (Phase& ph : phases) {
    if (ph.bodies.empty()) continue;
    const uint64_t at_start = index.stats()->documents;
    std::vector<double> post_ms;
    const auto t0 = Clock::now();
    for (const std::string& body : ph.bodies) {
      const auto p0 = Clock::now();
      auto r = writer.Post("/documents", body, "application/json");
      post_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - p0).count());
      if (!r || (r->status != 200 && r->status != 400)) {
        std::fprintf(stderr, "POST failed: %d\n", r ? r->status : -1);
        return 1;
      }
    }
    const double ingest_s = std::chrono::duration<double>(Clock::now() - t0).count();
    const uint64_t n = ph.to - ph.from;
    std::sort(post_ms.begin(), post_ms.end());
    std::printf(
        "%s: %llu documents (%.1f MB) into an index of %llu in %.1f s = %.0f documents/s (batch "
        "%zu, %u sketch threads; corpus made beforehand in %.1f s); POST p50 %.1f ms, p99 %.1f "
        "ms, max %.1f ms\n",
        ph.name, static_cast<unsigned long long>(n), double(ph.bytes) / 1e6,
        static_cast<unsigned long long>(at_start), ingest_s, double(n) / ingest_s, batch, threads,
        generate_s, post_ms[post_ms.size() / 2],
        post_ms[std::min(post_ms.size() - 1, post_ms.size() * 99 / 100)], post_ms.back());
    std::fflush(stdout);
  }
  const kindred::LiveStats st = index.stats().value();
  std::printf("index: %llu documents, %llu links, %llu families, store %.1f MB, %llu bucket runs\n",
              static_cast<unsigned long long>(st.documents),
              static_cast<unsigned long long>(st.links),
              static_cast<unsigned long long>(st.families), double(st.store_bytes) / 1e6,
              static_cast<unsigned long long>(st.bucket_runs));

  // Queries at several concurrencies.
  for (const char* route : {"/matches/", "/documents/"}) {
    for (int clients : {1, 4, 8}) {
      std::vector<std::vector<double>> lat(clients);
      std::atomic<uint64_t> failures{0};
      std::vector<std::thread> workers;
      const auto q0 = Clock::now();
      for (int c = 0; c < clients; ++c) {
        workers.emplace_back([&, c] {
          httplib::Client cl("127.0.0.1", port);
          cl.set_keep_alive(true);
          cl.set_tcp_nodelay(true);
          std::mt19937_64 rng(seed * 1000 + static_cast<uint64_t>(c));
          const uint64_t n = queries / static_cast<uint64_t>(clients);
          for (uint64_t i = 0; i < n; ++i) {
            const std::string& id = ids[rng() % ids.size()];
            const auto s = Clock::now();
            auto r = cl.Get(std::string(route) + id);
            lat[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
            if (!r || r->status != 200) ++failures;
          }
        });
      }
      for (auto& w : workers) w.join();
      const double secs = std::chrono::duration<double>(Clock::now() - q0).count();
      std::vector<double> all;
      for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
      std::sort(all.begin(), all.end());
      auto pct = [&](double p) {
        return all.empty()
                   ? 0.0
                   : all[std::min(all.size() - 1,
                                  static_cast<size_t>(p * static_cast<double>(all.size())))];
      };
      std::printf(
          "GET %s{id}  clients %d: %zu requests, %.0f req/s, p50 %.2f ms, p99 %.2f ms, "
          "failures %llu\n",
          route, clients, all.size(), double(all.size()) / secs, pct(0.50), pct(0.99),
          static_cast<unsigned long long>(failures.load()));
    }
  }
  service.stop();
  server.join();
  if (temporary) std::filesystem::remove_all(dir);
  return 0;
}
