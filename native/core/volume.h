// Plain C++ views of what crosses the N-API boundary: the voxel buffer (not copied),
// tracer parameters (copied on the JS thread), seeds, and the tree that comes back.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace nt {

enum class DType { U8, U16, F32 };

struct VolumeView {
  const void* data = nullptr;
  DType dtype = DType::U8;
  int64_t nx = 0, ny = 0, nz = 0;
  double sx = 1, sy = 1, sz = 1;
  size_t voxels() const { return static_cast<size_t>(nx) * ny * nz; }
  size_t index(int64_t x, int64_t y, int64_t z) const { return (static_cast<size_t>(z) * ny + y) * nx + x; }
  double at(size_t i) const {
    switch (dtype) {
      case DType::U8: return static_cast<const uint8_t*>(data)[i];
      case DType::U16: return static_cast<const uint16_t*>(data)[i];
      default: return static_cast<const float*>(data)[i];
    }
  }
  // The voxels as bytes, for cores that read 8-bit data only. Their manifests declare uint8, so
  // the host converts other types first; a core called any other way refuses with `refusal`.
  const uint8_t* u8(const char* refusal = "needs 8-bit voxels (declare uint8 so the host converts)") const {
    if (dtype != DType::U8) throw std::invalid_argument(refusal);
    return static_cast<const uint8_t*>(data);
  }
};

struct ParamValue {
  enum Kind { Number, String, Bool } kind = Number;
  double number = 0;
  std::string text;
  bool flag = false;
};

// The one wording of a parameter a core cannot use: "parameter '<name>' <problem>".
[[noreturn]] inline void badParam(const std::string& name, const std::string& problem) {
  throw std::invalid_argument("parameter '" + name + "' " + problem);
}

// Parameters arrive already validated against the manifest schema, so lookups here only
// guard against programming errors (a core asking for a name its manifest lacks).
class Params {
 public:
  std::map<std::string, ParamValue> values;
  bool has(const std::string& k) const { return values.count(k) > 0; }
  double number(const std::string& k, double def) const {
    auto it = values.find(k);
    if (it == values.end()) return def;
    if (it->second.kind == ParamValue::Bool) return it->second.flag ? 1 : 0;
    if (it->second.kind != ParamValue::Number) badParam(k, "must be a number");
    return it->second.number;
  }
  // number() for a value that must lie in [lo, hi] (NaN never does).
  double numberIn(const std::string& k, double def, double lo, double hi) const {
    const double v = number(k, def);
    if (!(v >= lo && v <= hi)) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "must be between %g and %g (got %g)", lo, hi, v);
      badParam(k, buf);
    }
    return v;
  }
  bool flag(const std::string& k, bool def) const {
    auto it = values.find(k);
    if (it == values.end()) return def;
    if (it->second.kind == ParamValue::Bool) return it->second.flag;
    if (it->second.kind == ParamValue::Number) return it->second.number != 0;
    badParam(k, "must be a boolean");
  }
  bool isString(const std::string& k) const {
    auto it = values.find(k);
    return it != values.end() && it->second.kind == ParamValue::String;
  }
  std::string text(const std::string& k, const std::string& def) const {
    auto it = values.find(k);
    if (it == values.end()) return def;
    if (it->second.kind == ParamValue::String) return it->second.text;
    if (it->second.kind == ParamValue::Number) return std::to_string(it->second.number);
    return it->second.flag ? "true" : "false";
  }
};

struct Seed { double x, y, z; };

// A reconstruction as parallel arrays; parent is an index into the same arrays, -1 for a root.
struct NativeTree {
  std::vector<double> x, y, z, radius;
  std::vector<int32_t> type, parent;
  std::vector<std::pair<std::string, double>> meta;  // e.g. the threshold AUTO chose
  size_t size() const { return x.size(); }
  int32_t add(double px, double py, double pz, double r, int32_t t, int32_t par) {
    x.push_back(px); y.push_back(py); z.push_back(pz); radius.push_back(r);
    type.push_back(t); parent.push_back(par);
    return static_cast<int32_t>(x.size() - 1);
  }
};

struct Cancelled : std::runtime_error { Cancelled() : std::runtime_error("cancelled") {} };

}  // namespace nt
