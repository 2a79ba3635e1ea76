// kindred._kindred: the stages API (include/kindred/stages.h), for the Dask
// backend (kindred/dask.py), and the output records.
#include <algorithm>

#include "binding.h"
#include "report/jsonl.h"

namespace kindred::python {

namespace {

// Input pieces as kindred.dask carries them: (kind, file, id, begin, end,
// newlines, size), file and id as bytes (paths need not be UTF-8).
py::tuple piece_tuple(const InputPiece& p) {
  return py::make_tuple(ingest::piece_kind_name(p.kind), py::bytes(p.file), py::bytes(p.id),
                        p.begin, p.end, p.newlines, p.size);
}

std::vector<InputPiece> input_pieces(const std::vector<py::tuple>& pieces) {
  std::vector<InputPiece> in;
  for (const py::tuple& t : pieces) {
    if (t.size() != 6 && t.size() != 7) {
      throw py::value_error("an input piece is (kind, file, id, begin, end, newlines[, size])");
    }
    InputPiece p;
    const auto kind = t[0].cast<std::string>();
    if (kind == ingest::piece_kind_name(InputPiece::Kind::kPath)) {
      p.kind = InputPiece::Kind::kPath;
    } else if (kind == ingest::piece_kind_name(InputPiece::Kind::kFolderFile)) {
      p.kind = InputPiece::Kind::kFolderFile;
    } else if (kind == ingest::piece_kind_name(InputPiece::Kind::kJsonlRange)) {
      p.kind = InputPiece::Kind::kJsonlRange;
    } else {
      throw py::value_error("unknown input piece kind '" + kind + "'");
    }
    p.file = t[1].cast<std::string>();
    p.id = t[2].cast<std::string>();
    p.begin = t[3].cast<uint64_t>();
    p.end = t[4].cast<uint64_t>();
    p.newlines = t[5].cast<uint64_t>();
    if (t.size() == 7) p.size = t[6].cast<uint64_t>();
    in.push_back(std::move(p));
  }
  return in;
}

std::vector<KeyedLink> keyed_links(const Array<int64_t>& a, const Array<int64_t>& b,
                                   const Array<uint8_t>& relation, const Array<int64_t>& shared,
                                   const Array<int64_t>& size_a, const Array<int64_t>& size_b) {
  const auto n = static_cast<size_t>(a.size());
  if (b.size() != a.size() || relation.size() != a.size() || shared.size() != a.size() ||
      size_a.size() != a.size() || size_b.size() != a.size()) {
    throw py::value_error("link columns of different lengths");
  }
  std::vector<KeyedLink> links(n);
  for (size_t i = 0; i < n; ++i) {
    if (relation.data()[i] > static_cast<uint8_t>(Relation::kOverlapping)) {
      throw py::value_error("relation code out of range");
    }
    links[i].a = static_cast<uint64_t>(a.data()[i]);
    links[i].b = static_cast<uint64_t>(b.data()[i]);
    links[i].relation = static_cast<Relation>(relation.data()[i]);
    links[i].overlap =
        Overlap{static_cast<uint64_t>(shared.data()[i]), static_cast<uint64_t>(size_a.data()[i]),
                static_cast<uint64_t>(size_b.data()[i])};
  }
  return links;
}

}  // namespace

void bind_stages(py::module_& m) {
  // --- stages, for the Dask backend ------------------------------------------------
  m.def(
      "plan_inputs",
      [](const std::vector<std::string>& paths, uint64_t split_bytes) {
        ingest::InputPlan plan;
        {
          py::gil_scoped_release release;
          plan = ingest::plan_inputs(paths, split_bytes);
        }
        py::list pieces;
        for (const InputPiece& p : plan.pieces) pieces.append(piece_tuple(p));
        return py::make_tuple(pieces, plan.files_skipped, plan.bytes);
      },
      py::arg("paths"), py::arg("split_bytes"),
      "(pieces, files_skipped, bytes): the PATHs as input pieces in reading order "
      "(kindred/input_plan.h).");
  m.def(
      "group_shards",
      [](const std::vector<py::tuple>& pieces, uint64_t target_bytes) {
        const std::vector<InputPiece> in = input_pieces(pieces);
        py::list shards;
        for (const auto& shard : ingest::group_shards(in, target_bytes)) {
          py::list out;
          for (const InputPiece& p : shard) out.append(piece_tuple(p));
          shards.append(out);
        }
        return shards;
      },
      py::arg("pieces"), py::arg("target_bytes"),
      "Consecutive pieces of about target_bytes each, in input order.");
  m.def(
      "count_newlines",
      [](const std::string& file, uint64_t begin, uint64_t end) {
        Result<uint64_t> n = Status();
        {
          py::gil_scoped_release release;
          n = count_newlines(file, begin, end);
        }
        if (!n) raise_status(n.status());
        return *n;
      },
      py::arg("file"), py::arg("begin"), py::arg("end"));
  m.def(
      "read_and_sketch",
      [](const std::vector<py::tuple>& pieces, const Params& params, const py::dict& fields,
         uint64_t max_document_bytes, bool skip_bad, unsigned threads) {
        checked(params);
        const ingest::ReadOptions read = read_options(fields, max_document_bytes);
        const std::vector<InputPiece> in = input_pieces(pieces);
        ShardSketch shard;
        {
          py::gil_scoped_release release;
          shard = read_and_sketch(in, params, read, skip_bad, threads);
        }
        py::dict d;
        d["positions"] = to_array(shard.positions);
        d["text_bytes"] = to_array(shard.text_bytes);
        d["invalid_utf8"] = to_array(shard.invalid_utf8);
        d["rejections"] = py::cast(std::move(shard.rejections));
        d["rejection_positions"] = to_array(shard.rejection_positions);
        // Origins as columns: file (an index into origin_files), line, offset.
        std::vector<std::string> files;
        std::vector<int32_t> file_index;
        std::vector<uint64_t> lines, offsets;
        for (const Origin& o : shard.origins) {
          if (files.empty() || files.back() != o.file) files.push_back(o.file);
          file_index.push_back(static_cast<int32_t>(files.size() - 1));
          lines.push_back(o.line);
          offsets.push_back(o.offset);
        }
        d["origin_files"] = files;
        d["origin_file"] = to_array(file_index);
        d["origin_line"] = to_array(lines);
        d["origin_offset"] = to_array(offsets);
        d["files"] = shard.files;
        d["files_skipped"] = shard.files_skipped;
        d["stopped"] = shard.stopped;
        d["docs"] = SketchList(std::move(shard.docs));
        return d;
      },
      py::arg("pieces"), py::arg("params"), py::arg("fields"), py::arg("max_document_bytes"),
      py::arg("skip_bad"), py::arg("threads") = 1,
      "Reads pieces (kind, file, id, begin, end, newlines) and sketches their documents");
  m.def(
      "read_texts",
      [](const std::vector<py::tuple>& pieces, const py::dict& fields, uint64_t max_document_bytes,
         const Array<int64_t>& positions) {
        const ingest::ReadOptions read = read_options(fields, max_document_bytes);
        const std::vector<InputPiece> in = input_pieces(pieces);
        const auto at = to_vector<int64_t, uint64_t>(positions);
        std::vector<std::string> texts;
        {
          py::gil_scoped_release release;
          texts = read_texts(in, read, at);
        }
        py::list out;
        for (const std::string& t : texts) out.append(py::bytes(t));
        return out;
      },
      py::arg("pieces"), py::arg("fields"), py::arg("max_document_bytes"), py::arg("positions"),
      "The texts (bytes, UTF-8) of the documents at `positions` (any order) of the pieces, "
      "counted as read_and_sketch counts them");
  m.def(
      "read_documents",
      [](const std::vector<py::tuple>& pieces, const py::dict& fields, uint64_t max_document_bytes,
         const Array<int64_t>& positions) {
        const ingest::ReadOptions read = read_options(fields, max_document_bytes);
        const std::vector<InputPiece> in = input_pieces(pieces);
        const auto at = to_vector<int64_t, uint64_t>(positions);
        std::vector<Document> docs;
        {
          py::gil_scoped_release release;
          docs = read_documents(in, read, at);
        }
        py::list texts, titles;
        for (const Document& d : docs) texts.append(py::bytes(d.text)), titles.append(d.title);
        return py::make_tuple(texts, titles);
      },
      py::arg("pieces"), py::arg("fields"), py::arg("max_document_bytes"), py::arg("positions"),
      "(texts as bytes, titles) of the documents at `positions`, as read_texts counts them");
  m.def(
      "passage_records",
      [](const std::vector<std::string>& a_ids, const std::vector<std::string>& b_ids,
         const std::vector<std::string>& texts_a, const std::vector<std::string>& texts_b) {
        if (b_ids.size() != a_ids.size() || texts_a.size() != a_ids.size() ||
            texts_b.size() != a_ids.size()) {
          throw py::value_error("passage columns of different lengths");
        }
        std::vector<std::string> out(a_ids.size());
        {
          py::gil_scoped_release release;
          for (size_t i = 0; i < out.size(); ++i) {
            append_passage_records(out[i], a_ids[i], b_ids[i], texts_a[i], texts_b[i]);
          }
        }
        py::list records;
        for (const std::string& r : out) records.append(py::bytes(r));
        return records;
      },
      py::arg("a_ids"), py::arg("b_ids"), py::arg("texts_a"), py::arg("texts_b"),
      "Per link: its passage records (bytes, possibly empty), as Scanner aligns them");
  m.def(
      "bucket_pairs",
      [](const Array<uint32_t>& bands, const Array<uint32_t>& keys, const Array<int64_t>& docs,
         uint32_t max_bucket) {
        const auto b = to_vector<uint32_t>(bands);
        const auto k = to_vector<uint32_t>(keys);
        const auto d = to_vector<int64_t, uint64_t>(docs);
        std::vector<int64_t> first, second;
        uint64_t capped = 0;
        Result<std::vector<std::pair<uint64_t, uint64_t>>> pairs = Status();
        {
          py::gil_scoped_release release;
          pairs = bucket_pairs(b, k, d, max_bucket, &capped);
        }
        for (const auto& [x, y] : value_or_raise(std::move(pairs))) {
          first.push_back(static_cast<int64_t>(x));
          second.push_back(static_cast<int64_t>(y));
        }
        return py::make_tuple(to_array(first), to_array(second), capped);
      },
      py::arg("bands"), py::arg("keys"), py::arg("docs"), py::arg("max_bucket"));
  m.def(
      "verify_pairs",
      [](const SketchList& left, const Array<int64_t>& left_keys, const SketchList& right,
         const Array<int64_t>& right_keys, const Array<uint32_t>& left_index,
         const Array<uint32_t>& right_index, const Params& params) {
        const auto lk = to_vector<int64_t, uint64_t>(left_keys);
        const auto rk = to_vector<int64_t, uint64_t>(right_keys);
        const auto li = to_vector<uint32_t>(left_index);
        const auto ri = to_vector<uint32_t>(right_index);
        Result<std::vector<KeyedLink>> verified = Status();
        {
          py::gil_scoped_release release;
          verified = verify_pairs(left, lk, right, rk, li, ri, params);
        }
        const std::vector<KeyedLink> links = value_or_raise(std::move(verified));
        std::vector<int64_t> a, b, shared, size_a, size_b;
        std::vector<uint8_t> relation;
        for (const KeyedLink& l : links) {
          a.push_back(static_cast<int64_t>(l.a));
          b.push_back(static_cast<int64_t>(l.b));
          relation.push_back(static_cast<uint8_t>(l.relation));
          shared.push_back(static_cast<int64_t>(l.overlap.shared));
          size_a.push_back(static_cast<int64_t>(l.overlap.size_a));
          size_b.push_back(static_cast<int64_t>(l.overlap.size_b));
        }
        py::dict d;
        d["a"] = to_array(a);
        d["b"] = to_array(b);
        d["relation"] = to_array(relation);
        d["shared"] = to_array(shared);
        d["size_a"] = to_array(size_a);
        d["size_b"] = to_array(size_b);
        return d;
      },
      py::arg("left"), py::arg("left_keys"), py::arg("right"), py::arg("right_keys"),
      py::arg("left_index"), py::arg("right_index"), py::arg("params"));
  m.def(
      "families_from_links",
      [](const Array<int64_t>& a, const Array<int64_t>& b, const Array<uint8_t>& relation,
         const Array<int64_t>& shared, const Array<int64_t>& size_a, const Array<int64_t>& size_b,
         const Array<int64_t>& doc_keys, const Array<int64_t>& doc_shingles,
         const Array<int64_t>& doc_times) {
        const std::vector<KeyedLink> links = keyed_links(a, b, relation, shared, size_a, size_b);
        if (doc_shingles.size() != doc_keys.size() || doc_times.size() != doc_keys.size()) {
          throw py::value_error("document columns of different lengths");
        }
        const std::vector<std::optional<int64_t>> times = times_of(doc_times);
        std::vector<FamilyDoc> docs(times.size());
        for (size_t i = 0; i < docs.size(); ++i) {
          docs[i] = FamilyDoc{static_cast<uint64_t>(doc_keys.data()[i]),
                              static_cast<uint32_t>(doc_shingles.data()[i]), times[i]};
        }
        std::vector<int64_t> roots, offsets{0}, members;
        uint64_t withheld = 0;
        Result<std::vector<KeyedFamily>> families = Status();
        {
          py::gil_scoped_release release;
          families = families_from_links(links, docs, &withheld);
        }
        for (const KeyedFamily& f : value_or_raise(std::move(families))) {
          roots.push_back(static_cast<int64_t>(f.root));
          for (uint64_t doc : f.members) members.push_back(static_cast<int64_t>(doc));
          offsets.push_back(static_cast<int64_t>(members.size()));
        }
        return py::make_tuple(to_array(roots), to_array(offsets), to_array(members), withheld);
      },
      py::arg("a"), py::arg("b"), py::arg("relation"), py::arg("shared"), py::arg("size_a"),
      py::arg("size_b"), py::arg("doc_keys"), py::arg("doc_shingles"), py::arg("doc_times"),
      "Families of whole components: (roots, member offsets, members, links withheld)");

  // --- records ------------------------------------------------------------------
  m.def(
      "link_records",
      [](const std::vector<std::string>& a_ids, const std::vector<std::string>& b_ids,
         const Array<uint8_t>& relation, const Array<int64_t>& shared, const Array<int64_t>& size_a,
         const Array<int64_t>& size_b, const Array<int64_t>& family, const Array<int64_t>& a_time,
         const Array<int64_t>& b_time, const std::vector<std::string>& passages) {
        const Array<int64_t> zeros(static_cast<py::ssize_t>(a_ids.size()));
        const std::vector<KeyedLink> links =
            keyed_links(zeros, zeros, relation, shared, size_a, size_b);
        if (family.size() != relation.size() || a_ids.size() != links.size() ||
            b_ids.size() != links.size() || a_time.size() != b_time.size() ||
            (a_time.size() != 0 && static_cast<size_t>(a_time.size()) != links.size()) ||
            (!passages.empty() && passages.size() != links.size())) {
          throw py::value_error("link columns of different lengths");
        }
        const auto fam = to_vector<int64_t>(family);
        const std::vector<std::optional<int64_t>> a_times = times_of(a_time),
                                                  b_times = times_of(b_time);
        std::string out;
        Status written;
        {
          py::gil_scoped_release release;
          if (passages.empty()) {
            written = append_link_records(out, links, a_ids, b_ids, fam, a_times, b_times);
          } else {  // one link at a time, its passages after its provenance
            const bool dated = !a_times.empty();
            using Times = std::span<const std::optional<int64_t>>;
            for (size_t i = 0; i < links.size() && written.is_ok(); ++i) {
              written = append_link_records(out, std::span(&links[i], 1), std::span(&a_ids[i], 1),
                                            std::span(&b_ids[i], 1), std::span(&fam[i], 1),
                                            dated ? Times(&a_times[i], 1) : Times(),
                                            dated ? Times(&b_times[i], 1) : Times());
              out += passages[i];
            }
          }
        }
        if (!written.is_ok()) raise_status(written);
        return out;
      },
      py::arg("a_ids"), py::arg("b_ids"), py::arg("relation"), py::arg("shared"), py::arg("size_a"),
      py::arg("size_b"), py::arg("family"), py::arg("a_time") = Array<int64_t>(0),
      py::arg("b_time") = Array<int64_t>(0), py::arg("passages") = std::vector<std::string>{},
      "link records; with both ends' times (SketchList.times()), each followed by its "
      "provenance record, and with "
      "passages (per link, from passage_records) by those");
  m.def(
      "family_record",
      [](uint32_t id, const std::string& root, const std::vector<std::string>& members) {
        std::string out;
        append_family_record(out, id, root, members);
        return out;
      },
      py::arg("id"), py::arg("root"), py::arg("members"));
  m.def(
      "run_record",
      [](const Params& params, const ScanStats& stats) {
        std::string out;
        append_run_record(out, params, stats);
        return out;
      },
      py::arg("params"), py::arg("stats"));
  m.def(
      "summary_record",
      [](const ScanStats& stats, const std::array<uint64_t, 4>& relations, uint64_t rejected) {
        std::string out;
        append_summary_record(out, stats, relations, rejected);
        return out;
      },
      py::arg("stats"), py::arg("relations"), py::arg("rejected"));
  m.def(
      "duplicate_rejection",
      [](const std::string& id, const std::string& file, uint64_t line, uint64_t offset) {
        return Rejection{Origin{file, line, offset}, id, duplicate_id_status(id)};
      },
      py::arg("id"), py::arg("file"), py::arg("line"), py::arg("offset"),
      "The rejection Scanner gives a document whose id was seen before");
  m.def(
      "raise_rejection", [](const Rejection& r) { raise_rejection(r); },
      "Raises the InputError a strict run stops with");
  m.def("relation_names", [] {
    std::vector<std::string> names;
    for (size_t r = 0; r < kRelationCount; ++r) {
      names.emplace_back(relation_name(static_cast<Relation>(r)));
    }
    return names;
  });
}

}  // namespace kindred::python
