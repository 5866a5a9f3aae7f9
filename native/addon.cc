// The N-API face of the native code: argument checks and conversions only; the work is in codec/ and capture/.
#include <napi.h>

#include <time.h>

#include <cstring>
#include <vector>

#include "codec/anchors.h"
#include "codec/decoder.h"
#include "codec/encoder.h"
#include "codec/tileDiff.h"

void InitCapture(Napi::Env env, Napi::Object exports);  // captureAddon.cc

namespace {

bool readFrame(const Napi::Env& env, const Napi::Value& value, uint32_t width, uint32_t height, uint32_t stride,
               tessera::FrameView& out, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    Napi::TypeError::New(env, std::string(name) + " must be a Uint8Array").ThrowAsJavaScriptException();
    return false;
  }
  auto array = value.As<Napi::Uint8Array>();
  const size_t needed = height == 0 ? 0 : size_t(stride) * (height - 1) + size_t(width) * 4;
  if (array.ByteLength() < needed) {
    Napi::RangeError::New(env, std::string(name) + " is smaller than height * stride").ThrowAsJavaScriptException();
    return false;
  }
  out = {array.Data(), width, height, stride};
  return true;
}

uint32_t readDimension(const Napi::Env& env, const Napi::Value& value, const char* name, uint32_t max) {
  if (!value.IsNumber()) {
    Napi::TypeError::New(env, std::string(name) + " must be a number").ThrowAsJavaScriptException();
    return 0;
  }
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!(d >= 1 && d <= max) || d != static_cast<double>(static_cast<uint32_t>(d))) {
    Napi::RangeError::New(env, std::string(name) + " out of range").ThrowAsJavaScriptException();
    return 0;
  }
  return static_cast<uint32_t>(d);
}

// changedTiles(previous, current, width, height, stride, tileSize) -> Uint32Array of changed tile indices
Napi::Value ChangedTiles(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 6) {
    Napi::TypeError::New(env, "changedTiles(previous, current, width, height, stride, tileSize)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const uint32_t width = readDimension(env, info[2], "width", 16384);
  if (env.IsExceptionPending()) return env.Undefined();
  const uint32_t height = readDimension(env, info[3], "height", 16384);
  if (env.IsExceptionPending()) return env.Undefined();
  const uint32_t stride = readDimension(env, info[4], "stride", 16384 * 4 + 4096);
  if (env.IsExceptionPending()) return env.Undefined();
  const uint32_t tileSize = readDimension(env, info[5], "tileSize", 4096);
  if (env.IsExceptionPending()) return env.Undefined();
  if (stride < width * 4) {
    Napi::RangeError::New(env, "stride must be at least width * 4").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  tessera::FrameView previous{}, current{};
  if (!readFrame(env, info[0], width, height, stride, previous, "previous")) return env.Undefined();
  if (!readFrame(env, info[1], width, height, stride, current, "current")) return env.Undefined();
  const auto changed = tessera::changedTiles(previous, current, tileSize);
  auto result = Napi::Uint32Array::New(env, changed.size());
  for (size_t i = 0; i < changed.size(); ++i) result[i] = changed[i];
  return result;
}

// CPU time of the calling thread in milliseconds: what a call costs on one core, whatever else the machine runs.
double threadCpuMs() {
#if defined(CLOCK_THREAD_CPUTIME_ID)
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
#else
  return 0;
#endif
}

Napi::Uint8Array copyOut(Napi::Env env, const uint8_t* data, size_t n) {
  auto result = Napi::Uint8Array::New(env, n);
  if (n) std::memcpy(result.Data(), data, n);
  return result;
}

// Encoder(options?) with encode(pixels, width, height, stride, format) -> Uint8Array | null, reset(), refresh(),
// setMaxMessageBytes(n), isExact(), memoryBytes(), stats().
class EncoderWrap : public Napi::ObjectWrap<EncoderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Encoder",
                       {InstanceMethod("encode", &EncoderWrap::Encode), InstanceMethod("reset", &EncoderWrap::Reset),
                        InstanceMethod("refresh", &EncoderWrap::Refresh),
                        InstanceMethod("setMaxMessageBytes", &EncoderWrap::SetMaxMessageBytes),
                        InstanceMethod("isExact", &EncoderWrap::IsExact),
                        InstanceMethod("memoryBytes", &EncoderWrap::MemoryBytes),
                        InstanceMethod("stats", &EncoderWrap::Stats)});
  }
  explicit EncoderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EncoderWrap>(info) {
    tessera::codec::EncoderOptions options;
    if (info.Length() > 0 && info[0].IsObject()) {
      auto o = info[0].As<Napi::Object>();
      auto num = [&](const char* key, double fallback) {
        auto v = o.Get(key);
        return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
      };
      auto flag = [&](const char* key, bool fallback) {
        auto v = o.Get(key);
        return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : fallback;
      };
      options.zstdLevel = int(num("zstdLevel", options.zstdLevel));
      options.windowLog = int(num("windowLog", options.windowLog));
      options.hashLog = int(num("hashLog", options.hashLog));
      options.maxMessageBytes = size_t(num("maxMessageBytes", 0));
      options.motion = flag("motion", true);
      options.cache = flag("cache", true);
    }
    encoder_.reset(new tessera::codec::Encoder(options));
  }

 private:
  Napi::Value Encode(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() != 5 || !info[4].IsString()) {
      Napi::TypeError::New(env, "encode(pixels, width, height, stride, format)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const uint32_t width = readDimension(env, info[1], "width", tessera::codec::kMaxWidth);
    if (env.IsExceptionPending()) return env.Undefined();
    const uint32_t height = readDimension(env, info[2], "height", tessera::codec::kMaxHeight);
    if (env.IsExceptionPending()) return env.Undefined();
    const uint32_t stride = readDimension(env, info[3], "stride", tessera::codec::kMaxWidth * 4 + 65536);
    if (env.IsExceptionPending()) return env.Undefined();
    if (stride < width * 4) {
      Napi::RangeError::New(env, "stride must be at least width * 4").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const std::string format = info[4].As<Napi::String>().Utf8Value();
    if (format != "bgrx" && format != "rgba") {
      Napi::TypeError::New(env, "format must be 'bgrx' or 'rgba'").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    tessera::FrameView frame{};
    if (!readFrame(env, info[0], width, height, stride, frame, "pixels")) return env.Undefined();
    const double cpu0 = threadCpuMs();
    const bool any = encoder_->encode(frame.data, width, height, stride,
                                      format == "rgba" ? tessera::codec::PixelFormat::RGBA
                                                       : tessera::codec::PixelFormat::BGRX,
                                      out_);
    cpuMs_ = threadCpuMs() - cpu0;
    if (!any) return env.Null();
    return copyOut(env, out_.data(), out_.size());
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    encoder_->reset();
    return info.Env().Undefined();
  }
  Napi::Value Refresh(const Napi::CallbackInfo& info) {
    encoder_->refresh();
    return info.Env().Undefined();
  }
  Napi::Value SetMaxMessageBytes(const Napi::CallbackInfo& info) {
    if (info.Length() != 1 || !info[0].IsNumber() || info[0].As<Napi::Number>().DoubleValue() < 0) {
      Napi::TypeError::New(info.Env(), "setMaxMessageBytes(bytes >= 0)").ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    encoder_->setMaxMessageBytes(size_t(info[0].As<Napi::Number>().DoubleValue()));
    return info.Env().Undefined();
  }
  Napi::Value IsExact(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), encoder_->isExact()); }
  Napi::Value MemoryBytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), double(encoder_->memoryBytes()));
  }
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    const auto& st = encoder_->lastStats();
    auto o = Napi::Object::New(info.Env());
    o.Set("changedTiles", st.changedTiles);
    o.Set("copyOps", st.copyOps);
    o.Set("copiedTiles", st.copiedTiles);
    o.Set("cacheHits", st.cacheHits);
    o.Set("codedTiles", st.codedTiles);
    o.Set("key", st.key);
    o.Set("refresh", st.refresh);
    o.Set("preview", st.preview);
    o.Set("rawBytes", double(st.rawBytes));
    o.Set("usHash", st.usHash);
    o.Set("usSaves", st.usSaves);
    o.Set("usMotion", st.usMotion);
    o.Set("usTiles", st.usTiles);
    o.Set("usZstd", st.usZstd);
    o.Set("cpuMs", cpuMs_);
    return o;
  }
  std::unique_ptr<tessera::codec::Encoder> encoder_;
  std::vector<uint8_t> out_;
  double cpuMs_ = 0;
};

// Decoder() with apply(message) -> {width, height} (throws on malformed input), rgba() -> copy of the picture,
// memoryBytes().
class DecoderWrap : public Napi::ObjectWrap<DecoderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Decoder",
                       {InstanceMethod("apply", &DecoderWrap::Apply), InstanceMethod("rgba", &DecoderWrap::Rgba),
                        InstanceMethod("memoryBytes", &DecoderWrap::MemoryBytes),
                        InstanceMethod("lastCpuMs", &DecoderWrap::LastCpuMs)});
  }
  explicit DecoderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DecoderWrap>(info) {}

 private:
  Napi::Value Apply(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() != 1 || !info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      Napi::TypeError::New(env, "apply(message: Uint8Array)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    auto message = info[0].As<Napi::Uint8Array>();
    const double cpu0 = threadCpuMs();
    const bool ok = decoder_.decode(message.Data(), message.ByteLength());
    cpuMs_ = threadCpuMs() - cpu0;
    if (!ok) {
      Napi::Error::New(env, std::string("malformed codec message: ") + decoder_.error()).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    auto o = Napi::Object::New(env);
    o.Set("width", decoder_.width());
    o.Set("height", decoder_.height());
    return o;
  }
  Napi::Value Rgba(const Napi::CallbackInfo& info) {
    if (!decoder_.ready()) {
      Napi::Error::New(info.Env(), "no picture (no valid key message yet)").ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    return copyOut(info.Env(), decoder_.rgba(), size_t(decoder_.width()) * decoder_.height() * 4);
  }
  Napi::Value MemoryBytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), double(decoder_.memoryBytes()));
  }
  Napi::Value LastCpuMs(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), cpuMs_); }
  tessera::codec::Decoder decoder_;
  double cpuMs_ = 0;
};

// TileAnchor('zlib' | 'zstd') with push(rgba, width, height) -> bytes for this frame.
class AnchorWrap : public Napi::ObjectWrap<AnchorWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "TileAnchor", {InstanceMethod("push", &AnchorWrap::Push)});
  }
  explicit AnchorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AnchorWrap>(info) {
    const bool zstd = info.Length() > 0 && info[0].IsString() && info[0].As<Napi::String>().Utf8Value() == "zstd";
    anchor_.reset(new tessera::codec::TileAnchor(zstd ? tessera::codec::TileAnchor::Kind::Zstd
                                                      : tessera::codec::TileAnchor::Kind::Zlib));
  }

 private:
  Napi::Value Push(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() != 3) {
      Napi::TypeError::New(env, "push(rgba, width, height)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const uint32_t width = readDimension(env, info[1], "width", 16384);
    if (env.IsExceptionPending()) return env.Undefined();
    const uint32_t height = readDimension(env, info[2], "height", 16384);
    if (env.IsExceptionPending()) return env.Undefined();
    tessera::FrameView frame{};
    if (!readFrame(env, info[0], width, height, width * 4, frame, "rgba")) return env.Undefined();
    return Napi::Number::New(env, double(anchor_->push(frame.data, width, height)));
  }
  std::unique_ptr<tessera::codec::TileAnchor> anchor_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("changedTiles", Napi::Function::New(env, ChangedTiles));
  exports.Set("Encoder", EncoderWrap::Define(env));
  exports.Set("Decoder", DecoderWrap::Define(env));
  exports.Set("TileAnchor", AnchorWrap::Define(env));
  InitCapture(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(tessera, Init)
