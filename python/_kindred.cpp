// kindred._kindred: the Python binding. It converts types and releases the GIL
// around the library's work; every algorithm stays in the library
// (include/kindred/). The friendly API is the pure-Python package kindred/.
//
// Errors: a Status becomes a Python exception in raise_status() only.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl_bind.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ingest/byte_stream.h"
#include "ingest/reader.h"
#include "kindred/kindred.h"
#include "kindred/live_index.h"
#include "kindred/stages.h"
#include "report/jsonl.h"
#include "synth/generator.h"

namespace py = pybind11;
using namespace kindred;

PYBIND11_MAKE_OPAQUE(std::vector<DocumentSketch>)

namespace {

using SketchList = std::vector<DocumentSketch>;
template <typename T>
using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;

// ---------------------------------------------------------------------------
// Errors, in one place

PyObject* input_error = nullptr;  // kindred.InputError, created at import

// A rejection that stopped a strict run: InputError, with the record's place.
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

// Any other failed Status: a bad argument is a ValueError, an OS failure an
// OSError, bad input an InputError.
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

// ---------------------------------------------------------------------------
// Conversions

template <typename T>
py::array_t<T> to_array(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  if (!v.empty()) std::memcpy(a.mutable_data(), v.data(), v.size() * sizeof(T));
  return a;
}

template <typename From, typename To = From>
std::vector<To> to_vector(const Array<From>& a) {
  const From* p = a.data();
  return std::vector<To>(p, p + a.size());
}

template <typename T>
std::string to_bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <typename T>
std::vector<T> from_bytes(const std::string& s) {
  std::vector<T> v(s.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), s.data(), v.size() * sizeof(T));
  return v;
}

// Input pieces from the tuples kindred.dask plans: (kind, file, id, begin, end, newlines).
std::vector<InputPiece> input_pieces(const std::vector<py::tuple>& pieces) {
  std::vector<InputPiece> in;
  for (const py::tuple& t : pieces) {
    InputPiece p;
    const auto kind = t[0].cast<std::string>();
    if (kind == "path") {
      p.kind = InputPiece::Kind::kPath;
    } else if (kind == "folder_file") {
      p.kind = InputPiece::Kind::kFolderFile;
    } else if (kind == "jsonl_range") {
      p.kind = InputPiece::Kind::kJsonlRange;
    } else {
      throw py::value_error("unknown input piece kind '" + kind + "'");
    }
    p.file = t[1].cast<std::string>();
    p.id = t[2].cast<std::string>();
    p.begin = t[3].cast<uint64_t>();
    p.end = t[4].cast<uint64_t>();
    p.newlines = t[5].cast<uint64_t>();
    in.push_back(std::move(p));
  }
  return in;
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

// Every field of Params, by its Python name: Params(**overrides), attributes and pickling.
template <typename F>
void for_each_param(F&& f) {
  f("shingle_size", &Params::shingle_size);
  f("sketch_bins", &Params::sketch_bins);
  f("seed", &Params::seed);
  f("bands", &Params::bands);
  f("rows", &Params::rows);
  f("max_bucket", &Params::max_bucket);
  f("near_duplicate", &Params::near_duplicate);
  f("contained", &Params::contained);
  f("link", &Params::link);
  f("min_shared", &Params::min_shared);
  f("story_link", &Params::story_link);
  f("story_cohesion", &Params::story_cohesion);
  f("story_window_days", &Params::story_window_days);
}

void set_param(Params& p, const std::string& name, const py::handle& value) {
  bool found = false;
  for_each_param([&](const char* field, auto member) {
    if (name != field) return;
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
  for_each_param([&](const char* field, auto member) { d[field] = p.*member; });
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
  for (const DocumentSketch& d : list) dates.push_back(d.date);
  return py::make_tuple(ids, py::bytes(to_bytes(tokens)), py::bytes(to_bytes(fingerprints)),
                        py::bytes(to_bytes(offsets)), py::bytes(to_bytes(shingles)),
                        py::bytes(to_bytes(band_offsets)), py::bytes(to_bytes(band_keys)), dates);
}

SketchList sketches_from_state(const py::tuple& t) {
  if (t.size() != 8) throw std::runtime_error("bad SketchList state");
  const auto ids = t[0].cast<std::vector<std::string>>();
  const auto tokens = from_bytes<uint32_t>(t[1].cast<std::string>());
  const auto fingerprints = from_bytes<uint64_t>(t[2].cast<std::string>());
  const auto offsets = from_bytes<uint64_t>(t[3].cast<std::string>());
  const auto shingles = from_bytes<uint64_t>(t[4].cast<std::string>());
  const auto band_offsets = from_bytes<uint32_t>(t[5].cast<std::string>());
  const auto band_keys = from_bytes<uint32_t>(t[6].cast<std::string>());
  const auto dates = t[7].cast<std::vector<std::string>>();
  SketchList list(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    DocumentSketch& d = list[i];
    d.id = ids[i];
    d.tokens = tokens[i];
    d.fingerprint = fingerprints[i];
    d.shingles.assign(shingles.begin() + static_cast<ptrdiff_t>(offsets[i]),
                      shingles.begin() + static_cast<ptrdiff_t>(offsets[i + 1]));
    d.band_keys.assign(band_keys.begin() + band_offsets[i],
                       band_keys.begin() + band_offsets[i + 1]);
    d.date = dates[i];
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

py::dict comparison_dict(const Comparison& c) {
  const Overlap& o = c.overlap;
  py::dict d;
  d["jaccard"] = o.jaccard();
  d["containment_a_in_b"] = o.containment_a_in_b();
  d["containment_b_in_a"] = o.containment_b_in_a();
  d["shared_shingles"] = o.shared;
  d["shingles_a"] = o.size_a;
  d["shingles_b"] = o.size_b;
  d["words_a"] = c.tokens_a;
  d["words_b"] = c.tokens_b;
  d["same_text"] = c.same_text;
  d["relation"] = c.relation ? py::cast(relation_name(*c.relation)) : py::none();
  d["direction"] = o.containment_a_in_b() >= o.containment_b_in_a() ? "a_in_b" : "b_in_a";
  return d;
}

py::tuple input_scan_tuple(InputScan&& scan) {
  if (!scan.error.is_ok()) raise_rejection(scan.rejections.back());
  return py::make_tuple(std::move(scan.result), std::move(scan.rejections), scan.files,
                        scan.files_skipped);
}

// ---------------------------------------------------------------------------
// The live index. The handle holds the index through a shared_ptr so that
// close() (with the GIL) cannot free it under a call running without the GIL.

struct PyLiveIndex {
  std::shared_ptr<LiveIndex> index;

  std::shared_ptr<LiveIndex> get() const {
    if (!index) throw py::value_error("the LiveIndex is closed");
    return index;
  }
};

LiveOpenOptions live_options(unsigned threads, bool read_only) {
  LiveOpenOptions o;
  o.threads = threads;
  o.read_only = read_only;
  return o;
}

py::object optional_id(int64_t id) {
  return id < 0 ? py::none() : py::cast(id);
}

py::dict passage_dict(const Passage& p) {
  py::dict d;
  d["a_begin"] = p.a_begin;
  d["a_end"] = p.a_end;
  d["b_begin"] = p.b_begin;
  d["b_end"] = p.b_end;
  d["a_words"] = p.a_words;
  d["b_words"] = p.b_words;
  d["matched_words"] = p.matched_words;
  d["score"] = p.score;
  d["identity"] = p.identity();
  d["kind"] = passage_kind_name(p.kind);
  d["confidence"] = p.confidence;
  return d;
}

// A match seen from the document asked about: a = that document, b = the other.
py::dict live_match_dict(const LiveMatch& m) {
  const Overlap& o = m.overlap;
  py::dict d;
  d["doc"] = m.doc;
  d["id"] = m.id;
  d["relation"] = relation_name(m.relation);
  d["jaccard"] = o.jaccard();
  d["containment_a_in_b"] = o.containment_a_in_b();
  d["containment_b_in_a"] = o.containment_b_in_a();
  d["shared_shingles"] = o.shared;
  d["shingles_a"] = o.size_a;
  d["shingles_b"] = o.size_b;
  d["direction"] = o.containment_a_in_b() >= o.containment_b_in_a() ? "a_in_b" : "b_in_a";
  py::list passages;
  for (const Passage& p : m.passages) passages.append(passage_dict(p));
  d["passages"] = passages;
  return d;
}

py::list live_matches_list(const std::vector<LiveMatch>& matches) {
  py::list out;
  for (const LiveMatch& m : matches) out.append(live_match_dict(m));
  return out;
}

py::dict live_document_dict(const LiveDocument& doc, bool with_text) {
  const DocInfo& i = doc.info;
  py::dict d;
  d["doc"] = doc.doc;
  d["id"] = i.id;
  d["title"] = i.title;
  d["date"] = i.date;
  d["url"] = i.url;
  d["source"] = i.source;
  d["file"] = i.origin.file;
  d["line"] = i.origin.line;
  d["tokens"] = i.tokens;
  d["shingles"] = i.shingles;
  d["invalid_utf8"] = i.invalid_utf8;
  d["fingerprint"] = i.fingerprint;
  d["family"] = optional_id(i.family);
  d["story"] = optional_id(i.story);
  d["added"] = doc.added;
  if (with_text) d["text"] = i.text;
  return d;
}

py::dict live_story_dict(const LiveStory& s) {
  py::dict d;
  d["id"] = s.id;
  d["members"] = s.members;
  d["families"] = s.families;
  d["cohesion"] = s.cohesion;
  d["updated"] = s.updated;
  py::list account;
  for (const AccountSentence& a : s.account) {
    py::dict sentence;
    sentence["doc"] = a.doc;
    sentence["begin"] = a.begin;
    sentence["end"] = a.end;
    sentence["sources"] = a.sources;
    account.append(sentence);
  }
  d["account"] = account;
  return d;
}

py::dict live_stats_dict(const LiveStats& s) {
  py::dict d;
  d["format_version"] = s.format_version;
  d["params"] = s.params;
  d["documents"] = s.documents;
  d["links"] = s.links;
  d["families"] = s.families;
  d["documents_in_families"] = s.documents_in_families;
  d["stories"] = s.stories;
  d["buckets"] = s.buckets;
  d["text_bytes"] = s.text_bytes;
  d["store_bytes"] = s.store_bytes;
  d["stories_refreshed"] = s.stories_refreshed;
  d["bucket_documents_merged"] = s.buckets_merged;
  d["bucket_runs"] = s.bucket_runs;
  return d;
}

}  // namespace

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
  for_each_param([&](const char* name, auto member) { params_class.def_readwrite(name, member); });
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
      .def_readwrite("seconds_sketch", &ScanStats::seconds_sketch)
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
      .def("dates", [](const SketchList& list) {
        std::vector<std::string> dates;
        dates.reserve(list.size());
        for (const DocumentSketch& d : list) dates.push_back(d.date);
        return dates;
      });

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

  // --- the live index -------------------------------------------------------------
  py::class_<PyLiveIndex>(
      m, "LiveIndex",
      "A persistent, incremental index (include/kindred/live_index.h); use kindred.LiveIndex")
      .def_static(
          "create",
          [](const std::string& path, const Params& params, unsigned threads) {
            checked(params);
            Result<std::unique_ptr<LiveIndex>> r = Status();
            {
              py::gil_scoped_release release;
              r = LiveIndex::create(path, params, live_options(threads, false));
            }
            if (!r) raise_status(r.status());
            return PyLiveIndex{std::shared_ptr<LiveIndex>(std::move(*r))};
          },
          py::arg("path"), py::arg("params"), py::arg("threads") = 1)
      .def_static(
          "open",
          [](const std::string& path, unsigned threads, bool read_only) {
            Result<std::unique_ptr<LiveIndex>> r = Status();
            {
              py::gil_scoped_release release;
              r = LiveIndex::open(path, live_options(threads, read_only));
            }
            if (!r) raise_status(r.status());
            return PyLiveIndex{std::shared_ptr<LiveIndex>(std::move(*r))};
          },
          py::arg("path"), py::arg("threads") = 1, py::arg("read_only") = false)
      .def("close", [](PyLiveIndex& self) { self.index.reset(); })
      .def_property_readonly("closed", [](const PyLiveIndex& self) { return !self.index; })
      .def_property_readonly("params", [](const PyLiveIndex& self) { return self.get()->params(); })
      .def(
          "add",
          [](const PyLiveIndex& self, std::vector<Document> docs) {
            const std::shared_ptr<LiveIndex> index = self.get();
            Result<LiveAddResult> r = Status();
            {
              py::gil_scoped_release release;
              r = index->add(std::move(docs));
            }
            if (!r) raise_status(r.status());
            py::list added;
            for (const LiveAdded& a : r->added) {
              py::dict d;
              d["doc"] = a.doc;
              d["id"] = a.id;
              d["matches"] = live_matches_list(a.matches);
              d["family"] = optional_id(a.family);
              d["story"] = optional_id(a.story);
              added.append(d);
            }
            return py::make_tuple(added, std::move(r->rejections));
          },
          py::arg("documents"), "Adds documents: (accepted as dicts, rejections)")
      .def(
          "query",
          [](const PyLiveIndex& self, const Document& doc) {
            const std::shared_ptr<LiveIndex> index = self.get();
            Result<LiveQueryResult> r = Status();
            {
              py::gil_scoped_release release;
              r = index->query(doc);
            }
            if (!r) raise_status(r.status());
            return py::make_tuple(live_matches_list(r->matches), optional_id(r->family),
                                  optional_id(r->story));
          },
          py::arg("document"), "Matches of a document not added: (matches, family, story)")
      .def("refresh_stories",
           [](const PyLiveIndex& self) {
             const std::shared_ptr<LiveIndex> index = self.get();
             Status s;
             {
               py::gil_scoped_release release;
               s = index->refresh_stories();
             }
             if (!s.is_ok()) raise_status(s);
           })
      .def(
          "find",
          [](const PyLiveIndex& self, const std::string& id) -> py::object {
            const std::shared_ptr<LiveIndex> index = self.get();
            std::optional<uint32_t> doc;
            {
              py::gil_scoped_release release;
              doc = index->find(id);
            }
            return doc ? py::cast(*doc) : py::none();
          },
          py::arg("id"))
      .def(
          "document",
          [](const PyLiveIndex& self, uint32_t doc, bool with_text) -> py::object {
            const std::shared_ptr<LiveIndex> index = self.get();
            std::optional<LiveDocument> d;
            {
              py::gil_scoped_release release;
              d = index->document(doc, with_text);
            }
            return d ? py::object(live_document_dict(*d, with_text)) : py::none();
          },
          py::arg("doc"), py::arg("with_text") = false)
      .def(
          "matches",
          [](const PyLiveIndex& self, uint32_t doc, bool with_passages) {
            const std::shared_ptr<LiveIndex> index = self.get();
            std::vector<LiveMatch> matches;
            {
              py::gil_scoped_release release;
              matches = index->matches(doc, with_passages);
            }
            return live_matches_list(matches);
          },
          py::arg("doc"), py::arg("with_passages") = false)
      .def(
          "family",
          [](const PyLiveIndex& self, uint32_t id) -> py::object {
            const std::shared_ptr<LiveIndex> index = self.get();
            std::optional<LiveFamily> f;
            {
              py::gil_scoped_release release;
              f = index->family(id);
            }
            if (!f) return py::none();
            py::dict d;
            d["id"] = f->id;
            d["root"] = f->root;
            d["members"] = f->members;
            return d;
          },
          py::arg("id"))
      .def(
          "story",
          [](const PyLiveIndex& self, uint32_t id, bool with_account) -> py::object {
            const std::shared_ptr<LiveIndex> index = self.get();
            std::optional<LiveStory> s;
            {
              py::gil_scoped_release release;
              s = index->story(id, with_account);
            }
            return s ? py::object(live_story_dict(*s)) : py::none();
          },
          py::arg("id"), py::arg("with_account") = false)
      .def("stats",
           [](const PyLiveIndex& self) {
             const std::shared_ptr<LiveIndex> index = self.get();
             LiveStats s;
             {
               py::gil_scoped_release release;
               s = index->stats();
             }
             return live_stats_dict(s);
           })
      .def("snapshot",
           [](const PyLiveIndex& self) {
             const std::shared_ptr<LiveIndex> index = self.get();
             py::gil_scoped_release release;
             return index->snapshot();
           })
      .def(
          "check",
          [](const PyLiveIndex& self, size_t max_problems) {
            const std::shared_ptr<LiveIndex> index = self.get();
            py::gil_scoped_release release;
            return index->check(max_problems);
          },
          py::arg("max_problems") = 100, "Problems found (empty: consistent)");

  // --- stages, for the Dask backend ------------------------------------------------
  m.def("sniff_codec", [](const py::bytes& prefix) {
    return ingest::codec_name(ingest::sniff_codec(prefix.cast<std::string>()));
  });
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
        if (bands.size() != keys.size() || keys.size() != docs.size()) {
          throw py::value_error("bucket columns of different lengths");
        }
        const auto b = to_vector<uint32_t>(bands);
        const auto k = to_vector<uint32_t>(keys);
        const auto d = to_vector<int64_t, uint64_t>(docs);
        std::vector<int64_t> first, second;
        uint64_t capped = 0;
        {
          py::gil_scoped_release release;
          for (const auto& [x, y] : bucket_pairs(b, k, d, max_bucket, &capped)) {
            first.push_back(static_cast<int64_t>(x));
            second.push_back(static_cast<int64_t>(y));
          }
        }
        return py::make_tuple(to_array(first), to_array(second), capped);
      },
      py::arg("bands"), py::arg("keys"), py::arg("docs"), py::arg("max_bucket"));
  m.def(
      "verify_pairs",
      [](const SketchList& left, const Array<int64_t>& left_keys, const SketchList& right,
         const Array<int64_t>& right_keys, const Array<uint32_t>& left_index,
         const Array<uint32_t>& right_index, const Params& params) {
        checked(params);
        if (static_cast<size_t>(left_keys.size()) != left.size() ||
            static_cast<size_t>(right_keys.size()) != right.size() ||
            left_index.size() != right_index.size()) {
          throw py::value_error("sketches, keys and pair indices do not match");
        }
        for (py::ssize_t i = 0; i < left_index.size(); ++i) {
          if (left_index.data()[i] >= left.size() || right_index.data()[i] >= right.size()) {
            throw py::index_error("pair index out of range");
          }
        }
        const auto lk = to_vector<int64_t, uint64_t>(left_keys);
        const auto rk = to_vector<int64_t, uint64_t>(right_keys);
        const auto li = to_vector<uint32_t>(left_index);
        const auto ri = to_vector<uint32_t>(right_index);
        std::vector<KeyedLink> links;
        {
          py::gil_scoped_release release;
          links = verify_pairs(left, lk, right, rk, li, ri, params);
        }
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
         const std::vector<std::string>& doc_dates) {
        const std::vector<KeyedLink> links = keyed_links(a, b, relation, shared, size_a, size_b);
        if (doc_shingles.size() != doc_keys.size() ||
            doc_dates.size() != static_cast<size_t>(doc_keys.size())) {
          throw py::value_error("document columns of different lengths");
        }
        std::vector<FamilyDoc> docs(doc_dates.size());
        for (size_t i = 0; i < docs.size(); ++i) {
          docs[i] = FamilyDoc{static_cast<uint64_t>(doc_keys.data()[i]),
                              static_cast<uint32_t>(doc_shingles.data()[i]), doc_dates[i]};
        }
        std::vector<uint64_t> known;
        for (const FamilyDoc& d : docs) known.push_back(d.key);
        std::sort(known.begin(), known.end());
        if (std::adjacent_find(known.begin(), known.end()) != known.end()) {
          throw py::value_error("a document listed twice");
        }
        for (const KeyedLink& l : links) {
          if (l.a >= l.b) throw py::value_error("every link needs a < b");
          if (!std::binary_search(known.begin(), known.end(), l.a) ||
              !std::binary_search(known.begin(), known.end(), l.b)) {
            throw py::value_error("a link to a document not listed");
          }
        }
        std::vector<int64_t> roots, offsets{0}, members;
        uint64_t withheld = 0;
        {
          py::gil_scoped_release release;
          for (const KeyedFamily& f : families_from_links(links, docs, &withheld)) {
            roots.push_back(static_cast<int64_t>(f.root));
            for (uint64_t doc : f.members) members.push_back(static_cast<int64_t>(doc));
            offsets.push_back(static_cast<int64_t>(members.size()));
          }
        }
        return py::make_tuple(to_array(roots), to_array(offsets), to_array(members), withheld);
      },
      py::arg("a"), py::arg("b"), py::arg("relation"), py::arg("shared"), py::arg("size_a"),
      py::arg("size_b"), py::arg("doc_keys"), py::arg("doc_shingles"), py::arg("doc_dates"),
      "Families of whole components: (roots, member offsets, members, links withheld)");

  // --- records ------------------------------------------------------------------
  m.def(
      "link_records",
      [](const std::vector<std::string>& a_ids, const std::vector<std::string>& b_ids,
         const Array<uint8_t>& relation, const Array<int64_t>& shared, const Array<int64_t>& size_a,
         const Array<int64_t>& size_b, const Array<int64_t>& family,
         const std::vector<std::string>& a_dates, const std::vector<std::string>& b_dates,
         const std::vector<std::string>& passages) {
        const Array<int64_t> zeros(static_cast<py::ssize_t>(a_ids.size()));
        const std::vector<KeyedLink> links =
            keyed_links(zeros, zeros, relation, shared, size_a, size_b);
        if (family.size() != relation.size() || a_ids.size() != links.size() ||
            b_ids.size() != links.size() || a_dates.size() != b_dates.size() ||
            (!a_dates.empty() && a_dates.size() != links.size()) ||
            (!passages.empty() && passages.size() != links.size())) {
          throw py::value_error("link columns of different lengths");
        }
        const auto fam = to_vector<int64_t>(family);
        std::string out;
        {
          py::gil_scoped_release release;
          if (passages.empty()) {
            append_link_records(out, links, a_ids, b_ids, fam, a_dates, b_dates);
          } else {  // one link at a time, its passages after its provenance
            const bool dated = !a_dates.empty();
            for (size_t i = 0; i < links.size(); ++i) {
              append_link_records(
                  out, std::span(&links[i], 1), std::span(&a_ids[i], 1), std::span(&b_ids[i], 1),
                  std::span(&fam[i], 1),
                  dated ? std::span(&a_dates[i], 1) : std::span<const std::string>(),
                  dated ? std::span(&b_dates[i], 1) : std::span<const std::string>());
              out += passages[i];
            }
          }
        }
        return out;
      },
      py::arg("a_ids"), py::arg("b_ids"), py::arg("relation"), py::arg("shared"), py::arg("size_a"),
      py::arg("size_b"), py::arg("family"), py::arg("a_dates") = std::vector<std::string>{},
      py::arg("b_dates") = std::vector<std::string>{},
      py::arg("passages") = std::vector<std::string>{},
      "link records; with both ends' dates, each followed by its provenance record, and with "
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
