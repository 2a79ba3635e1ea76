// kindred._kindred: the Python binding. It converts types and releases the GIL
// around the library's work; every algorithm stays in the library
// (include/kindred/). The friendly API is the pure-Python package kindred/.
// This file: the module, errors, value types and whole scans; binding.h says
// where the rest is.
//
// Errors: a Status becomes a Python exception in raise_status() only.
#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "binding.h"
#include "ingest/byte_stream.h"
#include "report/jsonl.h"
#include "report/vocabulary.h"
#include "synth/generator.h"

namespace kindred::python {

// ---------------------------------------------------------------------------
// Errors, in one place

PyObject* input_error = nullptr;  // kindred.InputError, created at import

[[noreturn]] void raise_rejection(const Rejection& r) {
  py::object err = py::reinterpret_borrow<py::object>(input_error)(r.status.message());
  err.attr("code") = status_code_name(r.status.code());
  err.attr("file") = r.origin.file;
  err.attr("line") = r.origin.line;
  err.attr("offset") = r.origin.offset;
  err.attr("id") = r.id;
  PyErr_SetObject(input_error, err.ptr());
  throw py::error_already_set();
}

[[noreturn]] void raise_status(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      throw py::value_error(s.message());
    case StatusCode::kNotFound:
      PyErr_SetString(PyExc_FileNotFoundError, s.message().c_str());
      throw py::error_already_set();
    case StatusCode::kIoError:
      PyErr_SetString(PyExc_OSError, s.message().c_str());
      throw py::error_already_set();
    default:
      raise_rejection(Rejection{{}, {}, s});
  }
}

const Params& checked(const Params& p) {
  if (Status s = p.validate(); !s.is_ok()) raise_status(s);
  return p;
}

ingest::ReadOptions read_options(const py::dict& fields, uint64_t max_document_bytes) {
  ingest::ReadOptions o;
  const std::pair<const char*, std::string*> roles[] = {
      {"id", &o.fields.id},     {"text", &o.fields.text}, {"title", &o.fields.title},
      {"date", &o.fields.date}, {"url", &o.fields.url},   {"source", &o.fields.source}};
  for (auto [key, value] : fields) {
    const auto name = key.cast<std::string>();
    auto it = std::find_if(std::begin(roles), std::end(roles),
                           [&](const auto& role) { return name == role.first; });
    if (it == std::end(roles)) throw py::value_error("unknown JSON field role '" + name + "'");
    *it->second = value.cast<std::string>();
  }
  if (max_document_bytes > 0) o.max_document_bytes = max_document_bytes;
  return o;
}

void put_overlap(py::dict& d, const Overlap& o) {
  report::overlap_fields(o, [&d](const char* name, const auto& value) { d[name] = value; });
}

namespace {

void set_param(Params& p, const std::string& name, const py::handle& value) {
  bool found = false;
  for_each_param([&](const ParamRow& row, auto member) {
    if (name != row.name) return;
    found = true;
    using T = std::remove_reference_t<decltype(p.*member)>;
    try {
      p.*member = value.cast<T>();
    } catch (const py::cast_error&) {
      throw py::value_error("Params: bad value for " + name + ": " +
                            py::repr(value).cast<std::string>());
    }
  });
  if (!found) throw py::type_error("Params() got an unexpected keyword argument '" + name + "'");
}

py::dict params_state(const Params& p) {
  py::dict d;
  for_each_param([&](const ParamRow& row, auto member) { d[row.name] = p.*member; });
  return d;
}

Params params_from_state(const py::dict& d) {
  Params p;
  for (auto [name, value] : d) set_param(p, name.cast<std::string>(), value);
  return p;
}

// A list of sketches travels between processes as a few flat buffers.
py::tuple sketches_state(const SketchList& list) {
  std::vector<std::string> ids;
  std::vector<uint32_t> tokens;
  std::vector<uint64_t> fingerprints, offsets{0}, shingles;
  std::vector<uint32_t> band_offsets{0}, band_keys;
  for (const DocumentSketch& d : list) {
    ids.push_back(d.id);
    tokens.push_back(d.tokens);
    fingerprints.push_back(d.fingerprint);
    shingles.insert(shingles.end(), d.shingles.begin(), d.shingles.end());
    offsets.push_back(shingles.size());
    band_keys.insert(band_keys.end(), d.band_keys.begin(), d.band_keys.end());
    band_offsets.push_back(static_cast<uint32_t>(band_keys.size()));
  }
  std::vector<std::string> dates;
  std::vector<int64_t> times;  // read once, when sketched: never parsed again
  for (const DocumentSketch& d : list) {
    dates.push_back(d.date);
    times.push_back(time_value(d.time));
  }
  return py::make_tuple(ids, py::bytes(to_bytes(tokens)), py::bytes(to_bytes(fingerprints)),
                        py::bytes(to_bytes(offsets)), py::bytes(to_bytes(shingles)),
                        py::bytes(to_bytes(band_offsets)), py::bytes(to_bytes(band_keys)), dates,
                        py::bytes(to_bytes(times)));
}

SketchList sketches_from_state(const py::tuple& t) {
  if (t.size() != 9) throw std::runtime_error("bad SketchList state");
  const auto ids = t[0].cast<std::vector<std::string>>();
  const auto tokens = from_bytes<uint32_t>(t[1].cast<std::string>());
  const auto fingerprints = from_bytes<uint64_t>(t[2].cast<std::string>());
  const auto offsets = from_bytes<uint64_t>(t[3].cast<std::string>());
  const auto shingles = from_bytes<uint64_t>(t[4].cast<std::string>());
  const auto band_offsets = from_bytes<uint32_t>(t[5].cast<std::string>());
  const auto band_keys = from_bytes<uint32_t>(t[6].cast<std::string>());
  const auto dates = t[7].cast<std::vector<std::string>>();
  const auto times = from_bytes<int64_t>(t[8].cast<std::string>());
  if (tokens.size() != ids.size() || fingerprints.size() != ids.size() ||
      offsets.size() != ids.size() + 1 || band_offsets.size() != ids.size() + 1 ||
      dates.size() != ids.size() || times.size() != ids.size()) {
    throw std::runtime_error("bad SketchList state");
  }
  SketchList list(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    DocumentSketch& d = list[i];
    d.id = ids[i];
    d.date = dates[i];
    if (times[i] != kNoTime) d.time = times[i];
    d.tokens = tokens[i];
    d.fingerprint = fingerprints[i];
    d.shingles.assign(shingles.begin() + static_cast<ptrdiff_t>(offsets[i]),
                      shingles.begin() + static_cast<ptrdiff_t>(offsets[i + 1]));
    d.band_keys.assign(band_keys.begin() + band_offsets[i],
                       band_keys.begin() + band_offsets[i + 1]);
  }
  return list;
}

py::tuple rejection_state(const Rejection& r) {
  return py::make_tuple(r.origin.file, r.origin.line, r.origin.offset, r.id,
                        static_cast<int>(r.status.code()), r.status.message());
}

Rejection rejection_from_state(const py::tuple& t) {
  Rejection r;
  r.origin = Origin{t[0].cast<std::string>(), t[1].cast<uint64_t>(), t[2].cast<uint64_t>()};
  r.id = t[3].cast<std::string>();
  r.status = Status(static_cast<StatusCode>(t[4].cast<int>()), t[5].cast<std::string>());
  return r;
}

py::dict comparison_dict(const Comparison& c) {
  const Overlap& o = c.overlap;
  py::dict d;
  put_overlap(d, o);
  d["words_a"] = c.tokens_a;
  d["words_b"] = c.tokens_b;
  d["same_text"] = c.same_text;
  d["relation"] = c.relation ? py::cast(relation_name(*c.relation)) : py::none();
  d["direction"] = report::direction_name(o);
  return d;
}

py::tuple input_scan_tuple(InputScan&& scan) {
  if (!scan.error.is_ok()) {
    if (scan.rejections.empty()) raise_status(scan.error);
    raise_rejection(scan.rejections.back());
  }
  return py::make_tuple(std::move(scan.result), std::move(scan.rejections), scan.files,
                        scan.files_skipped);
}

}  // namespace

}  // namespace kindred::python

using namespace kindred;
using namespace kindred::python;

PYBIND11_MODULE(_kindred, m) {
  m.doc() = "kindred: traces reused text through the news (C++ core; use the kindred package)";
  m.attr("__version__") = kVersion;
  input_error = PyErr_NewExceptionWithDoc(
      "kindred.InputError",
      "A bad input record stopped a strict run (skip_bad=False). Attributes: code, file, "
      "line, offset, id.",
      PyExc_ValueError, nullptr);
  m.attr("InputError") = py::handle(input_error);

  // --- value types -----------------------------------------------------------
  py::class_<Params> params_class(
      m, "Params",
      "Every similarity parameter (PARAMS.md): Params(bands=32, rows=4, ...). "
      "Defaults suit news; an invalid set raises ValueError.");
  params_class.def(py::init([](const py::kwargs& overrides) {
    Params p;
    for (auto [name, value] : overrides) set_param(p, name.cast<std::string>(), value);
    checked(p);
    return p;
  }));
  for_each_param(
      [&](const ParamRow& row, auto member) { params_class.def_readwrite(row.name, member); });
  m.attr("NO_TIME") = kNoTime;  // a time column's value for "no time" (SketchList.times())
  m.def(
      "param_table",
      [] {
        py::list rows;
        for_each_param([&](const ParamRow& row, auto member) {
          using T = std::remove_reference_t<decltype(Params{}.*member)>;
          rows.append(py::make_tuple(row.name, row.option, row.help,
                                     std::is_floating_point_v<T> ? "float" : "int"));
        });
        return rows;
      },
      "(name, option, help, type) of every parameter, in the table's order (kindred/params.h)");
  params_class
      .def(
          "validate", [](const Params& p) { checked(p); },
          "Raises ValueError naming the offending parameter")
      .def("to_spec", &Params::to_spec)
      .def("__eq__",
           [](const Params& a, const Params& b) { return params_state(a).equal(params_state(b)); })
      .def("__repr__", [](const Params& p) { return "kindred.Params('" + p.to_spec() + "')"; })
      .def(py::pickle(&params_state, &params_from_state));

  py::class_<Document>(m, "Document")
      .def(py::init([](std::string id, std::string text, std::string title, std::string date,
                       std::string url, std::string source) {
             Document d;
             d.id = std::move(id);
             d.text = std::move(text);
             d.title = std::move(title);
             d.date = std::move(date);
             d.url = std::move(url);
             d.source = std::move(source);
             return d;
           }),
           py::arg("id"), py::arg("text"), py::arg("title") = "", py::arg("date") = "",
           py::arg("url") = "", py::arg("source") = "")
      .def_readwrite("id", &Document::id)
      .def_readwrite("text", &Document::text)
      .def_readwrite("title", &Document::title)
      .def_readwrite("date", &Document::date)
      .def_readwrite("url", &Document::url)
      .def_readwrite("source", &Document::source)
      .def("__repr__", [](const Document& d) { return "kindred.Document(id='" + d.id + "')"; });

  py::class_<Rejection>(m, "Rejection", "A record left out, with the reason")
      .def_property_readonly("file", [](const Rejection& r) { return r.origin.file; })
      .def_property_readonly("line", [](const Rejection& r) { return r.origin.line; })
      .def_property_readonly("offset", [](const Rejection& r) { return r.origin.offset; })
      .def_readonly("id", &Rejection::id)
      .def_property_readonly("code",
                             [](const Rejection& r) { return status_code_name(r.status.code()); })
      .def_property_readonly("reason", [](const Rejection& r) { return r.status.message(); })
      .def("to_json",
           [](const Rejection& r) {
             std::string out;
             report::append_rejection_record(out, r);
             return out;
           })
      .def("__repr__",
           [](const Rejection& r) { return "kindred.Rejection('" + r.status.message() + "')"; })
      .def(py::pickle(&rejection_state, &rejection_from_state));

  py::class_<DocInfo>(m, "DocumentInfo", "What a scan keeps of each document")
      .def_readonly("id", &DocInfo::id)
      .def_readonly("title", &DocInfo::title)
      .def_readonly("date", &DocInfo::date)
      .def_readonly("time", &DocInfo::time, "the date read: seconds since 1970, None if unreadable")
      .def_readonly("url", &DocInfo::url)
      .def_readonly("source", &DocInfo::source)
      .def_property_readonly("file", [](const DocInfo& d) { return d.origin.file; })
      .def_property_readonly("line", [](const DocInfo& d) { return d.origin.line; })
      .def_readonly("tokens", &DocInfo::tokens)
      .def_readonly("shingles", &DocInfo::shingles)
      .def_readonly("invalid_utf8", &DocInfo::invalid_utf8)
      .def_readonly("fingerprint", &DocInfo::fingerprint)
      .def_readonly("family", &DocInfo::family);

  py::class_<Link>(m, "RawLink")
      .def_readonly("a", &Link::a)
      .def_readonly("b", &Link::b)
      .def_property_readonly("relation", [](const Link& l) { return relation_name(l.relation); })
      .def_property_readonly("direction",
                             [](const Link& l) { return report::direction_name(l.overlap); })
      .def_property_readonly("shared", [](const Link& l) { return l.overlap.shared; })
      .def_property_readonly("size_a", [](const Link& l) { return l.overlap.size_a; })
      .def_property_readonly("size_b", [](const Link& l) { return l.overlap.size_b; })
      .def_property_readonly("jaccard", [](const Link& l) { return l.overlap.jaccard(); })
      .def_property_readonly("containment_a_in_b",
                             [](const Link& l) { return l.overlap.containment_a_in_b(); })
      .def_property_readonly("containment_b_in_a",
                             [](const Link& l) { return l.overlap.containment_b_in_a(); });

  py::class_<Family>(m, "RawFamily")
      .def_readonly("id", &Family::id)
      .def_readonly("root", &Family::root)
      .def_readonly("members", &Family::members);

  py::class_<ScanStats>(m, "ScanStats", "Counts and timings of a scan")
      .def(py::init<>())
      .def_readwrite("documents", &ScanStats::documents)
      .def_readwrite("bytes", &ScanStats::bytes)
      .def_readwrite("tokens", &ScanStats::tokens)
      .def_readwrite("invalid_utf8", &ScanStats::invalid_utf8)
      .def_readwrite("candidate_pairs", &ScanStats::candidate_pairs)
      .def_readwrite("capped_buckets", &ScanStats::capped_buckets)
      .def_readwrite("spilled_bytes", &ScanStats::spilled_bytes)
      .def_readwrite("spill_error", &ScanStats::spill_error)
      .def_readwrite("links", &ScanStats::links)
      .def_readwrite("families", &ScanStats::families)
      .def_readwrite("documents_in_families", &ScanStats::documents_in_families)
      .def_readwrite("stories", &ScanStats::stories)
      .def_readwrite("quotations", &ScanStats::quotations)
      .def_readwrite("seconds_sketch", &ScanStats::seconds_sketch)
      .def_readwrite("seconds_features", &ScanStats::seconds_features)
      .def_readwrite("seconds_candidates", &ScanStats::seconds_candidates)
      .def_readwrite("seconds_verify", &ScanStats::seconds_verify)
      .def_readwrite("seconds_cluster", &ScanStats::seconds_cluster)
      .def_readwrite("seconds_passages", &ScanStats::seconds_passages)
      .def_readwrite("seconds_stories", &ScanStats::seconds_stories)
      .def_readwrite("seconds_rewrites", &ScanStats::seconds_rewrites)
      .def_readwrite("rewrite_pairs", &ScanStats::rewrite_pairs)
      .def_readwrite("rewrite_links", &ScanStats::rewrite_links)
      .def_readwrite("seconds_read", &ScanStats::seconds_read)
      .def_readwrite("seconds_write", &ScanStats::seconds_write);

  py::class_<ScanResult>(m, "RawScanResult")
      .def_readonly("docs", &ScanResult::docs)
      .def_readonly("links", &ScanResult::links)
      .def_readonly("families", &ScanResult::families)
      .def_readonly("stats", &ScanResult::stats)
      .def(
          "to_jsonl",
          [](const ScanResult& r, const Params& p, uint64_t rejected) {
            return report::scan_to_jsonl(p, r, rejected);
          },
          py::arg("params"), py::arg("rejected") = 0,
          "The records `kindred scan` writes: run, links, families, summary");

  py::class_<DocumentSketch>(m, "DocumentSketch", "What later stages need of one document")
      .def_readonly("id", &DocumentSketch::id)
      .def_readonly("tokens", &DocumentSketch::tokens)
      .def_readonly("fingerprint", &DocumentSketch::fingerprint)
      .def_readonly("date", &DocumentSketch::date)
      .def_readonly("time", &DocumentSketch::time,
                    "the date read: seconds since 1970, None if unreadable")
      .def_property_readonly("shingle_count",
                             [](const DocumentSketch& d) { return d.shingles.size(); })
      .def_property_readonly("shingles",
                             [](const DocumentSketch& d) { return to_array(d.shingles); })
      .def_property_readonly("band_keys",
                             [](const DocumentSketch& d) { return to_array(d.band_keys); })
      .def("__repr__", [](const DocumentSketch& d) {
        return "kindred.DocumentSketch(id='" + d.id +
               "', shingles=" + std::to_string(d.shingles.size()) + ")";
      });

  py::bind_vector<SketchList>(m, "SketchList", "Sketches of many documents (a list)")
      .def(py::pickle(&sketches_state, &sketches_from_state))
      .def(
          "band_key_matrix",
          [](const SketchList& list) {
            const size_t bands = list.empty() ? 0 : list.front().band_keys.size();
            py::array_t<uint32_t> out(
                {static_cast<py::ssize_t>(list.size()), static_cast<py::ssize_t>(bands)});
            uint32_t* p = out.mutable_data();
            for (const DocumentSketch& d : list) {
              if (d.band_keys.size() != bands) throw py::value_error("band counts differ");
              std::memcpy(p, d.band_keys.data(), bands * sizeof(uint32_t));
              p += bands;
            }
            return out;
          },
          "Band keys as an (n, bands) uint32 array")
      .def(
          "column",
          [](const SketchList& list, const std::string& name) {
            std::vector<int64_t> v;
            v.reserve(list.size());
            if (name != "tokens" && name != "shingles") {
              throw py::value_error("no column '" + name + "'");
            }
            for (const DocumentSketch& d : list) {
              v.push_back(name == "tokens" ? int64_t{d.tokens}
                                           : static_cast<int64_t>(d.shingles.size()));
            }
            return to_array(v);
          },
          "tokens or shingles (counts) of every sketch, as an int64 array")
      .def(
          "take",
          [](const SketchList& list, const Array<int64_t>& indices) {
            SketchList out;
            out.reserve(static_cast<size_t>(indices.size()));
            for (py::ssize_t i = 0; i < indices.size(); ++i) {
              const int64_t at = indices.data()[i];
              if (at < 0 || static_cast<size_t>(at) >= list.size()) {
                throw py::index_error("SketchList.take: index out of range");
              }
              out.push_back(list[static_cast<size_t>(at)]);
            }
            return out;
          },
          "The sketches at `indices`, a new list")
      .def("ids",
           [](const SketchList& list) {
             std::vector<std::string> ids;
             ids.reserve(list.size());
             for (const DocumentSketch& d : list) ids.push_back(d.id);
             return ids;
           })
      .def("dates",
           [](const SketchList& list) {
             std::vector<std::string> dates;
             dates.reserve(list.size());
             for (const DocumentSketch& d : list) dates.push_back(d.date);
             return dates;
           })
      .def(
          "times",
          [](const SketchList& list) {
            std::vector<int64_t> times;
            times.reserve(list.size());
            for (const DocumentSketch& d : list) times.push_back(time_value(d.time));
            return to_array(times);
          },
          "Each document's time (DocInfo::time, seconds since 1970), read once from its date "
          "when sketched; the minimum int64 where the date did not parse");

  // --- whole scans -------------------------------------------------------------
  auto scan_options = [](unsigned threads, bool stories, uint64_t memory_mb,
                         const std::string& temp_dir) {
    if (memory_mb == 0) throw py::value_error("memory_mb must be at least 1");
    ScanOptions o{.threads = threads, .stories = stories};
    o.spill_after_bytes = memory_mb << 20;
    o.spill_dir = temp_dir;
    return o;
  };
  m.def(
      "scan_paths",
      [scan_options](const std::vector<std::string>& paths, const Params& params, unsigned threads,
                     bool skip_bad, const py::dict& fields, uint64_t max_document_bytes,
                     bool stories, uint64_t memory_mb, const std::string& temp_dir) {
        checked(params);
        const ingest::ReadOptions read = read_options(fields, max_document_bytes);
        const ScanOptions options = scan_options(threads, stories, memory_mb, temp_dir);
        InputScan scan;
        {
          py::gil_scoped_release release;
          scan = scan_paths(paths, params, options, read, skip_bad);
        }
        return input_scan_tuple(std::move(scan));
      },
      py::arg("paths"), py::arg("params"), py::arg("threads"), py::arg("skip_bad"),
      py::arg("fields"), py::arg("max_document_bytes"), py::arg("stories"),
      py::arg("memory_mb") = 512, py::arg("temp_dir") = "");
  m.def(
      "scan_documents",
      [scan_options](std::vector<Document> docs, const Params& params, unsigned threads,
                     bool skip_bad, bool stories, uint64_t memory_mb, const std::string& temp_dir) {
        checked(params);
        const ScanOptions options = scan_options(threads, stories, memory_mb, temp_dir);
        InputScan scan;
        {
          py::gil_scoped_release release;
          scan = scan_documents(std::move(docs), params, options, skip_bad);
        }
        return input_scan_tuple(std::move(scan));
      },
      py::arg("documents"), py::arg("params"), py::arg("threads"), py::arg("skip_bad"),
      py::arg("stories"), py::arg("memory_mb") = 512, py::arg("temp_dir") = "");
  m.def(
      "compare",
      [](const std::string& a, const std::string& b, const Params& params) {
        checked(params);
        Comparison c;
        {
          py::gil_scoped_release release;
          c = compare_texts(a, b, params);
        }
        return comparison_dict(c);
      },
      py::arg("a"), py::arg("b"), py::arg("params"));
  m.def(
      "sketch",
      [](const std::vector<Document>& docs, const Params& params, unsigned threads) {
        checked(params);
        py::gil_scoped_release release;
        return SketchList(sketch_documents(docs, params, threads));
      },
      py::arg("documents"), py::arg("params"), py::arg("threads"));
  m.def(
      "synth",
      [](uint64_t documents, uint64_t seed, double copy_fraction, uint32_t mean_words) {
        synth::CorpusSpec spec;
        spec.documents = documents;
        spec.seed = seed;
        spec.copy_fraction = copy_fraction;
        spec.mean_words = mean_words;
        if (Status s = spec.validate(); !s.is_ok()) raise_status(s);
        py::gil_scoped_release release;
        return synth::generate_corpus(spec).documents;
      },
      py::arg("documents"), py::arg("seed"), py::arg("copy_fraction"), py::arg("mean_words"));

  bind_live(m);
  bind_stages(m);
  bind_story_stages(m);
}
