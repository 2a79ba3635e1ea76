// kindred._kindred: what the files of the binding share. _kindred.cpp holds
// the module, its errors and the value types and whole scans; live.cpp the
// live index; stages.cpp the stages for the Dask backend. Type conversion
// only: every algorithm stays in the library (include/kindred/).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl_bind.h>

#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ingest/reader.h"
#include "kindred/kindred.h"
#include "kindred/stages.h"

namespace py = pybind11;

PYBIND11_MAKE_OPAQUE(std::vector<kindred::DocumentSketch>)

namespace kindred::python {

using SketchList = std::vector<DocumentSketch>;
template <typename T>
using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;

// ---------------------------------------------------------------------------
// Errors (_kindred.cpp): a Status becomes a Python exception here only.

// A rejection that stopped a strict run: InputError, with the record's place.
[[noreturn]] void raise_rejection(const Rejection& r);
// Any other failed Status: a bad argument is a ValueError, an OS failure an
// OSError, bad input an InputError.
[[noreturn]] void raise_status(const Status& s);
// p, or its validation's failure raised.
const Params& checked(const Params& p);

// The value of a Result, or the Status raised.
template <typename T>
T value_or_raise(Result<T>&& r) {
  if (!r) raise_status(r.status());
  return std::move(r).value();
}

// The value of a Result as a Python object, None when it is kNotFound.
template <typename T, typename F>
py::object found_or_none(Result<T>&& r, F&& to_python) {
  if (!r && r.status().code() == StatusCode::kNotFound) return py::none();
  return to_python(value_or_raise(std::move(r)));
}

// ---------------------------------------------------------------------------
// Conversions

// Times as the Dask backend carries them, an int64 column: DocInfo::time,
// read once from the date when the document was sketched, with kNoTime where
// the date did not parse.
inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

inline int64_t time_value(const std::optional<int64_t>& time) {
  return time ? *time : kNoTime;
}

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

// A time column (kNoTime: none) as the library's times.
inline std::vector<std::optional<int64_t>> times_of(const Array<int64_t>& times) {
  std::vector<std::optional<int64_t>> out(static_cast<size_t>(times.size()));
  const int64_t* t = times.data();
  for (size_t i = 0; i < out.size(); ++i) {
    if (t[i] != kNoTime) out[i] = t[i];
  }
  return out;
}

// ReadOptions from a dict of JSON field roles ({"id": "guid", ...}).
// The overlap fields every pair record carries (Jaccard, containments, shingle counts).
void put_overlap(py::dict& d, const Overlap& o);

ingest::ReadOptions read_options(const py::dict& fields, uint64_t max_document_bytes);

// The live index (live.cpp) and the stages (stages.cpp), added to module m.
void bind_live(py::module_& m);
void bind_stages(py::module_& m);
void bind_story_stages(py::module_& m);  // story_stages.cpp

}  // namespace kindred::python
