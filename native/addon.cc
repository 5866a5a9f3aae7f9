// The N-API face of the native code: argument checks and conversions only; the work is in codec/ and capture/.
#include <napi.h>

#include "codec/tileDiff.h"

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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("changedTiles", Napi::Function::New(env, ChangedTiles));
  return exports;
}

}  // namespace

NODE_API_MODULE(tessera, Init)
