// kindred._kindred: the live index (include/kindred/live_index.h).
#include "binding.h"
#include "kindred/live_index.h"
#include "report/vocabulary.h"

namespace kindred::python {

namespace {

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

LiveOpenOptions live_options(unsigned threads, bool read_only, bool background_stories) {
  LiveOpenOptions o;
  o.threads = threads;
  o.read_only = read_only;
  o.background_stories = background_stories;
  return o;
}

py::object optional_id(int64_t id) {
  return id < 0 ? py::none() : py::cast(id);
}

py::dict passage_dict(const Passage& p) {
  py::dict d;
  report::passage_fields(p, [&d](const char* name, const auto& value) { d[name] = value; });
  return d;
}

// A match seen from the document asked about: a = that document, b = the other.
py::dict live_match_dict(const LiveMatch& m) {
  py::dict d;
  report::match_fields(m, [&d](const char* name, const auto& value) { d[name] = value; });
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

// A story; its account and quotations carry the fields of the batch `story`
// and `quotation` records (docs/output.md), with document numbers for ids.
py::dict live_story_dict(const LiveStory& s) {
  py::dict d;
  d["id"] = s.id;
  d["members"] = s.members;
  d["member_ids"] = s.member_ids;
  d["families"] = s.families;
  d["cohesion"] = s.cohesion;
  d["updated"] = s.updated;
  d["final"] = s.final;
  d["stories_pending"] = s.pending;
  const auto wording = [&](uint32_t doc, uint32_t begin, uint32_t end) {
    py::dict w;
    w["doc"] = doc;
    w["begin"] = begin;
    w["end"] = end;
    w["text"] = std::string(s.text(doc, begin, end));
    return w;
  };
  py::list account;
  for (const AccountSentence& a : s.account) {
    py::dict sentence = wording(a.doc, a.begin, a.end);
    sentence["sources"] = a.sources;
    py::list variants;  // the other wordings: variants[0] is the one shown
    for (size_t i = 1; i < a.variants.size(); ++i) {
      const AccountVariant& v = a.variants[i];
      py::dict variant = wording(v.doc, v.begin, v.end);
      variant["sources"] = v.sources;
      variants.append(variant);
    }
    sentence["variants"] = variants;
    account.append(sentence);
  }
  d["account"] = account;
  py::list quotations;
  for (const Quotation& q : s.quotations) {
    py::dict quotation;
    quotation["quotation"] = q.id;
    quotation["speaker"] = q.speaker.empty() ? py::object(py::none()) : py::cast(q.speaker);
    quotation["attributions"] = q.attributions;
    std::vector<uint32_t> sources;
    py::list variants;
    for (const QuoteVariant& v : q.variants) {
      if (sources.empty() || sources.back() != v.doc) sources.push_back(v.doc);
      py::dict variant = wording(v.doc, v.begin, v.end);
      variant["speaker"] = v.speaker.empty() ? py::object(py::none()) : py::cast(v.speaker);
      variants.append(variant);
    }
    quotation["sources"] = sources;
    quotation["variants"] = variants;
    quotations.append(quotation);
  }
  d["quotations"] = quotations;
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
  d["stories_pending"] = s.stories_pending;
  d["bucket_documents_merged"] = s.buckets_merged;
  d["bucket_runs"] = s.bucket_runs;
  return d;
}

}  // namespace

void bind_live(py::module_& m) {
  // --- the live index -------------------------------------------------------------
  py::class_<PyLiveIndex>(
      m, "LiveIndex",
      "A persistent, incremental index (include/kindred/live_index.h); use kindred.LiveIndex")
      .def_static(
          "create",
          [](const std::string& path, const Params& params, unsigned threads,
             bool background_stories) {
            checked(params);
            Result<std::unique_ptr<LiveIndex>> r = Status();
            {
              py::gil_scoped_release release;
              r = LiveIndex::create(path, params, live_options(threads, false, background_stories));
            }
            if (!r) raise_status(r.status());
            return PyLiveIndex{std::shared_ptr<LiveIndex>(std::move(*r))};
          },
          py::arg("path"), py::arg("params"), py::arg("threads") = 1,
          py::arg("background_stories") = true)
      .def_static(
          "open",
          [](const std::string& path, unsigned threads, bool read_only, bool background_stories) {
            Result<std::unique_ptr<LiveIndex>> r = Status();
            {
              py::gil_scoped_release release;
              r = LiveIndex::open(path, live_options(threads, read_only, background_stories));
            }
            if (!r) raise_status(r.status());
            return PyLiveIndex{std::shared_ptr<LiveIndex>(std::move(*r))};
          },
          py::arg("path"), py::arg("threads") = 1, py::arg("read_only") = false,
          py::arg("background_stories") = true)
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
          "sync_stories",
          [](const PyLiveIndex& self, double timeout) {
            const std::shared_ptr<LiveIndex> index = self.get();
            Status s;
            {
              py::gil_scoped_release release;
              s = index->sync_stories(timeout < 0 ? -1 : static_cast<int64_t>(timeout * 1000));
            }
            if (s.code() == StatusCode::kCancelled) throw py::value_error(s.message());
            if (!s.is_ok()) raise_status(s);
          },
          py::arg("timeout") = -1.0)
      .def(
          "find",
          [](const PyLiveIndex& self, const std::string& id) -> py::object {
            const std::shared_ptr<LiveIndex> index = self.get();
            Result<uint32_t> doc = Status();
            {
              py::gil_scoped_release release;
              doc = index->find(id);
            }
            return found_or_none(std::move(doc), [](uint32_t n) { return py::cast(n); });
          },
          py::arg("id"))
      .def(
          "document",
          [](const PyLiveIndex& self, uint32_t doc, bool with_text) -> py::object {
            const std::shared_ptr<LiveIndex> index = self.get();
            Result<LiveDocument> d = Status();
            {
              py::gil_scoped_release release;
              d = index->document(doc, with_text);
            }
            return found_or_none(std::move(d), [&](const LiveDocument& x) {
              return py::object(live_document_dict(x, with_text));
            });
          },
          py::arg("doc"), py::arg("with_text") = false)
      .def(
          "matches",
          [](const PyLiveIndex& self, uint32_t doc, bool with_passages) {
            const std::shared_ptr<LiveIndex> index = self.get();
            Result<std::vector<LiveMatch>> matches = Status();
            {
              py::gil_scoped_release release;
              matches = index->matches(doc, with_passages);
            }
            return live_matches_list(value_or_raise(std::move(matches)));
          },
          py::arg("doc"), py::arg("with_passages") = false)
      .def(
          "family",
          [](const PyLiveIndex& self, uint32_t id) -> py::object {
            const std::shared_ptr<LiveIndex> index = self.get();
            Result<LiveFamily> f = Status();
            {
              py::gil_scoped_release release;
              f = index->family(id);
            }
            return found_or_none(std::move(f), [](const LiveFamily& x) {
              py::dict d;
              d["id"] = x.id;
              d["root"] = x.root;
              d["members"] = x.members;
              return py::object(d);
            });
          },
          py::arg("id"))
      .def(
          "story",
          [](const PyLiveIndex& self, uint32_t id, bool with_account) -> py::object {
            const std::shared_ptr<LiveIndex> index = self.get();
            Result<LiveStory> s = Status();
            {
              py::gil_scoped_release release;
              s = index->story(id, with_account);
            }
            return found_or_none(std::move(s),
                                 [](const LiveStory& x) { return py::object(live_story_dict(x)); });
          },
          py::arg("id"), py::arg("with_account") = false)
      .def("stats",
           [](const PyLiveIndex& self) {
             const std::shared_ptr<LiveIndex> index = self.get();
             Result<LiveStats> s = Status();
             {
               py::gil_scoped_release release;
               s = index->stats();
             }
             return live_stats_dict(value_or_raise(std::move(s)));
           })
      .def("snapshot",
           [](const PyLiveIndex& self) {
             const std::shared_ptr<LiveIndex> index = self.get();
             Result<ScanResult> r = Status();
             {
               py::gil_scoped_release release;
               r = index->snapshot();
             }
             return value_or_raise(std::move(r));
           })
      .def(
          "check",
          [](const PyLiveIndex& self, size_t max_problems) {
            const std::shared_ptr<LiveIndex> index = self.get();
            py::gil_scoped_release release;
            return index->check(max_problems);
          },
          py::arg("max_problems") = 100, "Problems found (empty: consistent)");
}

}  // namespace kindred::python
