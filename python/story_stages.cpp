// kindred._kindred: the story stage in parts (include/kindred/stages.h,
// "Stories in parts"), for the Dask backend (kindred/dask_stories.py). Values
// are tuples of arrays and lists, picklable and vocabulary- or shard-sized:
//   counts     (documents, term_keys, term_documents, number_keys, number_documents, names)
//   collection counts + (name_ids, name_documents)
// Documents are given as texts (bytes, UTF-8) and times (an int64 array: each
// DocInfo::time, read once from the date when the document was sketched,
// SketchList.times(); binding.h's kNoTime where it did not parse).
#include <string>
#include <vector>

#include "binding.h"
#include "pipeline/story_stages.h"

namespace kindred::python {

namespace {

std::vector<StoryText> story_texts(const std::vector<std::string>& texts,
                                   const Array<int64_t>& times) {
  if (texts.size() != static_cast<size_t>(times.size())) {
    throw py::value_error("texts and times of different lengths");
  }
  const std::vector<std::optional<int64_t>> t = times_of(times);
  std::vector<StoryText> out(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) out[i] = {texts[i], t[i]};
  return out;
}

py::tuple counts_tuple(const StoryCounts& c) {
  return py::make_tuple(c.documents, to_array(c.term_keys), to_array(c.term_documents),
                        to_array(c.number_keys), to_array(c.number_documents), c.names);
}

StoryCounts counts_of(const py::tuple& t) {
  if (t.size() < 6) throw py::value_error("story counts: a tuple of six");
  StoryCounts c;
  c.documents = t[0].cast<uint64_t>();
  c.term_keys = to_vector<uint64_t>(t[1].cast<Array<uint64_t>>());
  c.term_documents = to_vector<uint32_t>(t[2].cast<Array<uint32_t>>());
  c.number_keys = to_vector<uint64_t>(t[3].cast<Array<uint64_t>>());
  c.number_documents = to_vector<uint32_t>(t[4].cast<Array<uint32_t>>());
  c.names = t[5].cast<std::vector<std::string>>();
  if (c.term_keys.size() != c.term_documents.size() ||
      c.number_keys.size() != c.number_documents.size()) {
    throw py::value_error("story counts: columns of different lengths");
  }
  return c;
}

// Stories from columns: ids, cohesion, and CSR lists of families and members.
std::vector<KeyedStory> keyed_stories(const Array<uint32_t>& ids, const Array<double>& cohesion,
                                      const Array<uint64_t>& family_offsets,
                                      const Array<uint32_t>& families,
                                      const Array<uint64_t>& member_offsets,
                                      const Array<uint32_t>& members) {
  const auto id = to_vector<uint32_t>(ids);
  const auto coh = to_vector<double>(cohesion);
  const auto fo = to_vector<uint64_t>(family_offsets), mo = to_vector<uint64_t>(member_offsets);
  const auto fam = to_vector<uint32_t>(families), mem = to_vector<uint32_t>(members);
  if (coh.size() != id.size() || fo.size() != id.size() + 1 || mo.size() != id.size() + 1 ||
      fo.back() != fam.size() || mo.back() != mem.size() || fo.front() != 0 || mo.front() != 0) {
    throw py::value_error("stories: columns of different lengths");
  }
  std::vector<KeyedStory> stories(id.size());
  for (size_t i = 0; i < id.size(); ++i) {
    if (fo[i] > fo[i + 1] || mo[i] > mo[i + 1]) throw py::value_error("stories: bad offsets");
    stories[i].id = id[i];
    stories[i].cohesion = coh[i];
    stories[i].families.assign(fam.begin() + fo[i], fam.begin() + fo[i + 1]);
    stories[i].members.assign(mem.begin() + mo[i], mem.begin() + mo[i + 1]);
  }
  return stories;
}

std::vector<StoryDocument> story_documents(const std::vector<std::string>& ids,
                                           const std::vector<std::string>& titles,
                                           const std::vector<std::string>& dates,
                                           const Array<int64_t>& times,
                                           const std::vector<std::string>& texts) {
  if (titles.size() != ids.size() || dates.size() != ids.size() || texts.size() != ids.size() ||
      static_cast<size_t>(times.size()) != ids.size()) {
    throw py::value_error("documents: columns of different lengths");
  }
  const std::vector<std::optional<int64_t>> t = times_of(times);
  std::vector<StoryDocument> docs(ids.size());
  for (size_t i = 0; i < docs.size(); ++i) docs[i] = {ids[i], titles[i], dates[i], t[i], texts[i]};
  return docs;
}

StoryCollection collection_of(const py::tuple& t) {
  if (t.size() != 8) throw py::value_error("story collection: a tuple of eight");
  StoryCollection c;
  c.whole = counts_of(t);
  c.name_ids = to_vector<uint32_t>(t[6].cast<Array<uint32_t>>());
  c.name_documents = to_vector<uint32_t>(t[7].cast<Array<uint32_t>>());
  if (c.name_ids.size() != c.whole.names.size()) {
    throw py::value_error("story collection: one name id per name");
  }
  for (uint32_t id : c.name_ids) {
    if (id >= c.name_documents.size())
      throw py::value_error("story collection: a name id uncounted");
  }
  return c;
}

}  // namespace

void bind_story_stages(py::module_& m) {
  m.def(
      "story_counts",
      [](const std::vector<std::string>& texts, const Array<int64_t>& times) {
        const auto docs = story_texts(texts, times);
        StoryCounts c;
        {
          py::gil_scoped_release release;
          c = story_counts(docs);
        }
        return counts_tuple(c);
      },
      py::arg("texts"), py::arg("times"), "Story collection counts of some documents");
  m.def(
      "merge_story_counts",
      [](const py::tuple& a, const py::tuple& b) {
        return counts_tuple(merge_story_counts(counts_of(a), counts_of(b)));
      },
      py::arg("a"), py::arg("b"), "The counts of two parts together");
  m.def(
      "story_name_ids",
      [](const std::vector<std::string>& names) { return to_array(story_name_ids(names)); },
      py::arg("names"), "Variant-merged ids of distinct, sorted name keys");
  m.def(
      "story_name_documents",
      [](const std::vector<std::string>& texts, const Array<int64_t>& times,
         const std::vector<std::string>& names, const Array<uint32_t>& ids) {
        const auto docs = story_texts(texts, times);
        const auto id = to_vector<uint32_t>(ids);
        if (id.size() != names.size()) throw py::value_error("one id per name");
        std::vector<uint32_t> out;
        {
          py::gil_scoped_release release;
          out = story_name_documents(docs, names, id);
        }
        return to_array(out);
      },
      py::arg("texts"), py::arg("times"), py::arg("names"), py::arg("ids"),
      "Documents naming each name id");
  m.def(
      "story_candidate_features",
      [](const std::vector<std::string>& texts, const Array<int64_t>& times,
         const py::tuple& collection) {
        const auto docs = story_texts(texts, times);
        const StoryCollection c = collection_of(collection);
        StoryCandidateFeatures f;
        {
          py::gil_scoped_release release;
          f = story_candidate_features(docs, c);
        }
        std::vector<uint8_t> has(f.time.size());
        std::vector<int64_t> time(f.time.size());
        for (size_t i = 0; i < f.time.size(); ++i)
          has[i] = f.time[i].has_value(), time[i] = f.time[i].value_or(0);
        return py::make_tuple(to_array(f.offsets), to_array(f.features), to_array(has),
                              to_array(time));
      },
      py::arg("texts"), py::arg("times"), py::arg("collection"),
      "(offsets, features, has_time, time) of each document");
  m.def(
      "story_rarity",
      [](uint32_t units, const Array<uint32_t>& lengths) {
        return to_array(story_rarity(units, to_vector<uint32_t>(lengths)));
      },
      py::arg("units"), py::arg("lengths"), "rarity_weight of lists of these lengths");
  m.def(
      "story_read_ranges",
      [](const Array<uint64_t>& offsets, const Array<uint32_t>& lengths,
         const Array<uint32_t>& positions, const Params& params) {
        std::vector<uint32_t> from, to;
        const Status s =
            story_read_ranges(to_vector<uint64_t>(offsets), to_vector<uint32_t>(lengths),
                              to_vector<uint32_t>(positions), params, from, to);
        if (!s.is_ok()) raise_status(s);
        return py::make_tuple(to_array(from), to_array(to));
      },
      py::arg("offsets"), py::arg("lengths"), py::arg("positions"), py::arg("params"),
      "read_ranges of each unit's slots: (from, to) per slot");
  m.def(
      "story_select_partners",
      [](const Array<uint64_t>& units, const Array<uint64_t>& offsets,
         const Array<uint64_t>& partners, const Array<uint32_t>& lists,
         const Array<uint64_t>& scores, const Array<uint8_t>& copy, const Params& params) {
        std::vector<uint64_t> u, p;
        const Status s = story_select_partners(
            to_vector<uint64_t>(units), to_vector<uint64_t>(offsets), to_vector<uint64_t>(partners),
            to_vector<uint32_t>(lists), to_vector<uint64_t>(scores), to_vector<uint8_t>(copy),
            params, u, p);
        if (!s.is_ok()) raise_status(s);
        return py::make_tuple(to_array(u), to_array(p));
      },
      py::arg("units"), py::arg("offsets"), py::arg("partners"), py::arg("lists"),
      py::arg("scores"), py::arg("copy"), py::arg("params"),
      "select_partners of each unit's readings: (unit, partner) proposed");
  m.def(
      "story_pair_similarities",
      [](const std::vector<std::string>& texts, const Array<int64_t>& times,
         const Array<uint32_t>& x, const Array<uint32_t>& y, const Array<double>& copy,
         const py::tuple& collection, const Params& params) {
        const auto docs = story_texts(texts, times);
        const StoryCollection c = collection_of(collection);
        const auto vx = to_vector<uint32_t>(x), vy = to_vector<uint32_t>(y);
        const auto vc = to_vector<double>(copy);
        Result<std::vector<double>> r = std::vector<double>{};
        {
          py::gil_scoped_release release;
          r = story_pair_similarities(docs, vx, vy, vc, c, checked(params));
        }
        return to_array(value_or_raise(std::move(r)));
      },
      py::arg("texts"), py::arg("times"), py::arg("x"), py::arg("y"), py::arg("copy"),
      py::arg("collection"), py::arg("params"), "Story similarity of each pair (x, y)");
  m.def(
      "story_component_groups",
      [](const std::vector<std::string>& texts, const Array<int64_t>& times,
         const Array<uint32_t>& x, const Array<uint32_t>& y, const Array<double>& s,
         const Array<uint32_t>& cx, const Array<uint32_t>& cy, const Array<double>& cs,
         const py::tuple& collection, const Params& params) {
        const auto docs = story_texts(texts, times);
        const StoryCollection c = collection_of(collection);
        const auto vx = to_vector<uint32_t>(x), vy = to_vector<uint32_t>(y);
        const auto vs = to_vector<double>(s);
        const auto vcx = to_vector<uint32_t>(cx), vcy = to_vector<uint32_t>(cy);
        const auto vcs = to_vector<double>(cs);
        Result<std::vector<std::pair<std::vector<uint32_t>, double>>> r =
            std::vector<std::pair<std::vector<uint32_t>, double>>{};
        {
          py::gil_scoped_release release;
          r = story_component_groups(docs, vx, vy, vs, vcx, vcy, vcs, c, checked(params));
        }
        auto groups = value_or_raise(std::move(r));
        std::vector<uint64_t> offsets{0};
        std::vector<uint32_t> units;
        std::vector<double> cohesion;
        for (auto& [g, coh] : groups) {
          units.insert(units.end(), g.begin(), g.end());
          offsets.push_back(units.size());
          cohesion.push_back(coh);
        }
        return py::make_tuple(to_array(offsets), to_array(units), to_array(cohesion));
      },
      py::arg("texts"), py::arg("times"), py::arg("x"), py::arg("y"), py::arg("s"), py::arg("cx"),
      py::arg("cy"), py::arg("cs"), py::arg("collection"), py::arg("params"),
      "story_groups of units: (offsets, units, cohesion)");
  m.def(
      "story_records",
      [](const Array<uint32_t>& ids, const Array<double>& cohesion,
         const Array<uint64_t>& family_offsets, const Array<uint32_t>& families,
         const Array<uint64_t>& member_offsets, const Array<uint32_t>& members,
         const std::vector<std::string>& doc_ids, const std::vector<std::string>& titles,
         const std::vector<std::string>& dates, const Array<int64_t>& times,
         const std::vector<std::string>& texts, uint64_t first_quotation, bool records) {
        const std::vector<KeyedStory> stories =
            keyed_stories(ids, cohesion, family_offsets, families, member_offsets, members);
        const std::vector<StoryDocument> docs =
            story_documents(doc_ids, titles, dates, times, texts);
        std::string so, qo;
        Result<uint64_t> n = uint64_t{0};
        {
          py::gil_scoped_release release;
          n = append_story_records(so, qo, stories, docs, first_quotation, records);
        }
        const uint64_t count = value_or_raise(std::move(n));
        return py::make_tuple(py::bytes(so), py::bytes(qo), count);
      },
      py::arg("ids"), py::arg("cohesion"), py::arg("family_offsets"), py::arg("families"),
      py::arg("member_offsets"), py::arg("members"), py::arg("doc_ids"), py::arg("titles"),
      py::arg("dates"), py::arg("times"), py::arg("texts"), py::arg("first_quotation"),
      py::arg("records") = true,
      "(story records, quotation records, quotations) of stories whose members index the docs");
  m.def(
      "story_rewrite_records",
      [](const Array<uint32_t>& ids, const Array<double>& cohesion,
         const Array<uint64_t>& family_offsets, const Array<uint32_t>& families,
         const Array<uint64_t>& member_offsets, const Array<uint32_t>& members,
         const std::vector<std::string>& doc_ids, const std::vector<std::string>& titles,
         const std::vector<std::string>& dates, const Array<int64_t>& times,
         const std::vector<std::string>& texts, const Array<int32_t>& doc_families,
         const Array<uint32_t>& la, const Array<uint32_t>& lb, const Array<uint8_t>& relation,
         const Array<int64_t>& shared, const Array<int64_t>& size_a, const Array<int64_t>& size_b,
         const py::tuple& collection, const Params& params, bool with_passages) {
        const std::vector<KeyedStory> stories =
            keyed_stories(ids, cohesion, family_offsets, families, member_offsets, members);
        const std::vector<StoryDocument> docs =
            story_documents(doc_ids, titles, dates, times, texts);
        const auto fam = to_vector<int32_t>(doc_families);
        const auto a = to_vector<uint32_t>(la), b = to_vector<uint32_t>(lb);
        const auto rel = to_vector<uint8_t>(relation);
        const auto sh = to_vector<int64_t>(shared), sa = to_vector<int64_t>(size_a),
                   sb = to_vector<int64_t>(size_b);
        if (b.size() != a.size() || rel.size() != a.size() || sh.size() != a.size() ||
            sa.size() != a.size() || sb.size() != a.size()) {
          throw py::value_error("story_rewrite_records: link columns of different lengths");
        }
        std::vector<Link> links(a.size());
        for (size_t i = 0; i < a.size(); ++i) {
          if (rel[i] > static_cast<uint8_t>(Relation::kRewrite))
            throw py::value_error("bad relation");
          links[i].a = a[i];
          links[i].b = b[i];
          links[i].relation = static_cast<Relation>(rel[i]);
          links[i].overlap.shared = static_cast<uint64_t>(sh[i]);
          links[i].overlap.size_a = static_cast<uint64_t>(sa[i]);
          links[i].overlap.size_b = static_cast<uint64_t>(sb[i]);
        }
        const StoryCollection c = collection_of(collection);
        Result<std::vector<pipeline::RewriteRecords>> r = std::vector<pipeline::RewriteRecords>{};
        {
          py::gil_scoped_release release;
          r = pipeline::story_rewrite_records(stories, docs, fam, links, c, checked(params),
                                              with_passages);
        }
        const auto found = value_or_raise(std::move(r));
        std::vector<uint32_t> oa, ob;
        py::list records;
        for (const auto& x : found) {
          oa.push_back(x.a);
          ob.push_back(x.b);
          records.append(py::bytes(x.records));
        }
        return py::make_tuple(to_array(oa), to_array(ob), records);
      },
      py::arg("ids"), py::arg("cohesion"), py::arg("family_offsets"), py::arg("families"),
      py::arg("member_offsets"), py::arg("members"), py::arg("doc_ids"), py::arg("titles"),
      py::arg("dates"), py::arg("times"), py::arg("texts"), py::arg("doc_families"), py::arg("a"),
      py::arg("b"), py::arg("relation"), py::arg("shared"), py::arg("size_a"), py::arg("size_b"),
      py::arg("collection"), py::arg("params"), py::arg("with_passages"),
      "(a, b, records) of the rewrite links within the stories, sorted by (a, b)");
}

}  // namespace kindred::python
