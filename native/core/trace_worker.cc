#include "core/trace_worker.h"

#include <exception>
#include <memory>

#include "core/napi_convert.h"

namespace nt {
namespace {

struct ProgressMsg { double fraction; std::string note; };

class TraceWorker : public Napi::AsyncProgressQueueWorker<ProgressMsg> {
 public:
  TraceWorker(Napi::Env env, TracerCore core, std::string name, VolumeView vol, Params params,
              std::vector<Seed> seeds, Napi::Object volumeObj, Napi::Object controlObj,
              const int32_t* cancel, Napi::Function progressFn)
      : Napi::AsyncProgressQueueWorker<ProgressMsg>(env, name.c_str()),
        deferred_(Napi::Promise::Deferred::New(env)),
        core_(core), name_(std::move(name)), vol_(vol), params_(std::move(params)),
        seeds_(std::move(seeds)), cancel_(cancel) {
    volumeRef_ = Napi::Persistent(volumeObj);
    controlRef_ = Napi::Persistent(controlObj);
    if (!progressFn.IsEmpty()) progressRef_ = Napi::Persistent(progressFn);
  }

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    try {
      TraceContext ctx(cancel_, [&progress](double f, const std::string& note) {
        ProgressMsg m{f, note};
        progress.Send(&m, 1);
      });
      result_ = core_(vol_, params_, seeds_, ctx);
    } catch (const Cancelled&) {
      SetError("cancelled");
    } catch (const std::bad_alloc&) {
      SetError(name_ + ": out of memory");
    } catch (const std::exception& e) {
      SetError(name_ + ": " + e.what());
    }
  }

  void OnProgress(const ProgressMsg* data, size_t count) override {
    if (progressRef_.IsEmpty()) return;
    Napi::HandleScope scope(Env());
    for (size_t i = 0; i < count; ++i)
      progressRef_.Call({Napi::Number::New(Env(), data[i].fraction), Napi::String::New(Env(), data[i].note)});
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object out = js::swcColumns(env, result_);
    Napi::Object meta = Napi::Object::New(env);
    for (const auto& kv : result_.meta) meta.Set(kv.first, Napi::Number::New(env, kv.second));
    out.Set("meta", meta);
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  TracerCore core_;
  std::string name_;
  VolumeView vol_;
  Params params_;
  std::vector<Seed> seeds_;
  const int32_t* cancel_;
  Napi::ObjectReference volumeRef_, controlRef_;
  Napi::FunctionReference progressRef_;
  NativeTree result_;
};

}  // namespace

Params paramsFromJs(const Napi::Object& obj) {
  Params p;
  Napi::Array keys = obj.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    std::string k = keys.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value v = obj.Get(k);
    ParamValue pv;
    if (v.IsNumber()) { pv.kind = ParamValue::Number; pv.number = v.As<Napi::Number>().DoubleValue(); }
    else if (v.IsBoolean()) { pv.kind = ParamValue::Bool; pv.flag = v.As<Napi::Boolean>().Value(); }
    else if (v.IsString()) { pv.kind = ParamValue::String; pv.text = v.As<Napi::String>().Utf8Value(); }
    else continue;  // nulls and objects are not scalar parameters; the schema keeps them out
    p.values[k] = pv;
  }
  return p;
}

Napi::Value runTracer(const Napi::CallbackInfo& info, TracerCore core, const char* name) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsObject() || !info[1].IsObject() || !info[2].IsTypedArray() || !info[3].IsObject())
    throw Napi::TypeError::New(env, std::string(name) + "(volume, params, seeds, control) called with wrong arguments");
  Napi::Object volObj = info[0].As<Napi::Object>();
  Napi::TypedArray data = volObj.Get("data").As<Napi::TypedArray>();
  Napi::Array dims = volObj.Get("dims").As<Napi::Array>();
  Napi::Array spacing = volObj.Get("spacing").As<Napi::Array>();
  VolumeView vol;
  switch (data.TypedArrayType()) {
    case napi_uint8_array: vol.dtype = DType::U8; break;
    case napi_uint16_array: vol.dtype = DType::U16; break;
    case napi_float32_array: vol.dtype = DType::F32; break;
    default: throw Napi::TypeError::New(env, std::string(name) + ": voxel data must be Uint8Array, Uint16Array or Float32Array");
  }
  vol.data = static_cast<const uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset();
  vol.nx = dims.Get(0u).As<Napi::Number>().Int64Value();
  vol.ny = dims.Get(1u).As<Napi::Number>().Int64Value();
  vol.nz = dims.Get(2u).As<Napi::Number>().Int64Value();
  vol.sx = spacing.Get(0u).As<Napi::Number>().DoubleValue();
  vol.sy = spacing.Get(1u).As<Napi::Number>().DoubleValue();
  vol.sz = spacing.Get(2u).As<Napi::Number>().DoubleValue();
  if (vol.nx <= 0 || vol.ny <= 0 || vol.nz <= 0 || data.ElementLength() != vol.voxels())
    throw Napi::RangeError::New(env, std::string(name) + ": dims do not match the voxel count");

  Params params = paramsFromJs(info[1].As<Napi::Object>());
  Napi::Float64Array seedArr = info[2].As<Napi::Float64Array>();
  std::vector<Seed> seeds;
  for (size_t i = 0; i + 2 < seedArr.ElementLength(); i += 3) seeds.push_back({seedArr[i], seedArr[i + 1], seedArr[i + 2]});

  Napi::Object control = info[3].As<Napi::Object>();
  const int32_t* cancel = nullptr;
  if (control.Has("cancel") && control.Get("cancel").IsTypedArray()) {
    Napi::Int32Array c = control.Get("cancel").As<Napi::Int32Array>();
    if (c.ElementLength() > 0) cancel = c.Data();
  }
  Napi::Function progressFn;
  if (control.Has("progress") && control.Get("progress").IsFunction()) progressFn = control.Get("progress").As<Napi::Function>();

  auto* w = new TraceWorker(env, core, name, vol, std::move(params), std::move(seeds), volObj, control, cancel, progressFn);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

}  // namespace nt
