// read_in_batches(): the skip/stop policy for bad records that every front end
// shares, with and without consume overlapping the reading.
#include "ingest/batches.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace kindred::ingest {
namespace {

// One input's records: "+ID" a document, "!ID" a reader rejection.
using Input = std::vector<std::string>;

struct Outcome {
  std::vector<std::vector<std::string>> batches;  // ids handed to consume, per call
  std::vector<std::string> skipped;               // ids given to on_reject
  std::string stop;                               // id of the rejection returned, if any
  size_t inputs_read = 0;
};

// Reads `inputs`; consume rejects the documents whose id starts with "bad".
Outcome run(const std::vector<Input>& inputs, BatchPolicy policy, size_t reject_after = SIZE_MAX) {
  Outcome out;
  const InputReader read = [&](size_t i, const DocumentSink& on_doc, const RejectSink& on_rej) {
    ++out.inputs_read;
    for (const std::string& rec : inputs[i]) {
      bool go = true;
      if (rec[0] == '+') {
        Document d;
        d.id = rec.substr(1);
        go = on_doc(std::move(d));
      } else {
        go = on_rej(Rejection{{}, rec.substr(1), Status()});
      }
      if (!go) return;
    }
  };
  const BatchSink consume = [&](std::vector<Document>&& docs) {
    std::vector<Rejection> bad;
    auto& ids = out.batches.emplace_back();
    for (const Document& d : docs) {
      ids.push_back(d.id);
      if (d.id.starts_with("bad")) bad.push_back(Rejection{{}, d.id, Status()});
    }
    return bad;
  };
  const RejectSink on_reject = [&](Rejection&& r) {
    out.skipped.push_back(r.id);
    return out.skipped.size() < reject_after;
  };
  if (auto stop = read_in_batches(inputs.size(), read, policy, consume, on_reject)) {
    out.stop = stop->id;
  }
  return out;
}

using Batches = std::vector<std::vector<std::string>>;

class ReadInBatches : public ::testing::TestWithParam<bool> {
 protected:
  BatchPolicy policy(size_t batch, bool skip_bad) const { return {batch, skip_bad, GetParam()}; }
};

TEST_P(ReadInBatches, HandsOverDocumentsInBatchesAcrossInputs) {
  const Outcome r = run({{"+a", "+b", "+c"}, {"+d", "+e"}}, policy(2, false));
  EXPECT_EQ(r.batches, (Batches{{"a", "b"}, {"c", "d"}, {"e"}}));
  EXPECT_TRUE(r.stop.empty());
  EXPECT_TRUE(r.skipped.empty());
}

TEST_P(ReadInBatches, StrictStopsAtAReaderRejectionAfterConsumingTheDocumentsBeforeIt) {
  const Outcome r = run({{"+a", "+b", "+c", "!x", "+d"}, {"+e"}}, policy(2, false));
  EXPECT_EQ(r.batches, (Batches{{"a", "b"}, {"c"}}));
  EXPECT_EQ(r.stop, "x");
  EXPECT_EQ(r.inputs_read, 1u);
}

TEST_P(ReadInBatches, StrictReportsABadDocumentBeforeTheReaderRejection) {
  // "bad" is only found by consume, after the reader has rejected x.
  const Outcome r = run({{"+a", "+bad", "!x", "+d"}}, policy(8, false));
  EXPECT_EQ(r.stop, "bad");
  EXPECT_EQ(r.batches, (Batches{{"a", "bad"}}));
}

TEST_P(ReadInBatches, StrictStopsReadingAtTheFirstBadBatch) {
  const Outcome r = run({{"+a", "+bad1", "+bad2", "+c"}, {"+d", "+e"}}, policy(1, false));
  EXPECT_EQ(r.stop, "bad1");
  EXPECT_TRUE(r.skipped.empty());
  EXPECT_EQ(r.batches, (Batches{{"a"}, {"bad1"}}));
  EXPECT_EQ(r.inputs_read, 1u);
}

TEST_P(ReadInBatches, SkipBadGivesEveryBadRecordAndReadsOn) {
  const Outcome r = run({{"+a", "!x", "+bad1"}, {"!y", "+b", "+bad2"}}, policy(2, true));
  EXPECT_TRUE(r.stop.empty());
  EXPECT_EQ(r.batches, (Batches{{"a", "bad1"}, {"b", "bad2"}}));
  // Reader rejections come as they are read; consume's when its batch is done.
  std::vector<std::string> skipped = r.skipped;
  std::sort(skipped.begin(), skipped.end());
  EXPECT_EQ(skipped, (std::vector<std::string>{"bad1", "bad2", "x", "y"}));
}

TEST_P(ReadInBatches, OnRejectReturningFalseStopsReading) {
  const Outcome r = run({{"!x", "+a"}, {"+b"}}, policy(1, true), /*reject_after=*/1);
  EXPECT_EQ(r.skipped, (std::vector<std::string>{"x"}));
  EXPECT_TRUE(r.batches.empty());
  EXPECT_TRUE(r.stop.empty());
  EXPECT_EQ(r.inputs_read, 1u);
}

INSTANTIATE_TEST_SUITE_P(Overlap, ReadInBatches, ::testing::Bool(), [](const auto& param_info) {
  return param_info.param ? "overlap" : "in_turn";
});

}  // namespace
}  // namespace kindred::ingest
