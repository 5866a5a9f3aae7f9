// The N-API face of native/capture: argument checks and conversions only. Typed wrapper: native/capture.ts.
#include <napi.h>

#include <cmath>
#include <cstring>
#include <exception>
#include <memory>

#include "capture/capture.h"
#include "capture/keysyms.h"

namespace {

using tessera::capture::ClipboardEvent;

constexpr size_t kMaxTypeChars = 65536;

void throwError(Napi::Env env, const std::exception& e) { Napi::Error::New(env, e.what()).ThrowAsJavaScriptException(); }

bool readString(const Napi::CallbackInfo& info, size_t index, const char* name, std::string& out, bool optional) {
  if (optional && (info.Length() <= index || info[index].IsUndefined() || info[index].IsNull())) {
    out.clear();
    return true;
  }
  if (info.Length() <= index || !info[index].IsString()) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a string").ThrowAsJavaScriptException();
    return false;
  }
  out = info[index].As<Napi::String>().Utf8Value();
  return true;
}

// A finite number, truncated towards zero and clamped to [min, max].
bool readInt(const Napi::CallbackInfo& info, size_t index, const char* name, double min, double max, int64_t& out) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a number").ThrowAsJavaScriptException();
    return false;
  }
  const double d = info[index].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) {
    Napi::RangeError::New(info.Env(), std::string(name) + " must be a finite number").ThrowAsJavaScriptException();
    return false;
  }
  out = int64_t(std::trunc(std::min(max, std::max(min, d))));
  return true;
}

// An integer in [min, max] (out of range throws).
bool readExactInt(const Napi::CallbackInfo& info, size_t index, const char* name, double min, double max,
                  int64_t& out) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a number").ThrowAsJavaScriptException();
    return false;
  }
  const double d = info[index].As<Napi::Number>().DoubleValue();
  if (!(d >= min && d <= max) || d != std::trunc(d)) {
    Napi::RangeError::New(info.Env(), std::string(name) + " must be an integer from " + std::to_string(int64_t(min)) +
                                          " to " + std::to_string(int64_t(max)))
        .ThrowAsJavaScriptException();
    return false;
  }
  out = int64_t(d);
  return true;
}

bool readBool(const Napi::CallbackInfo& info, size_t index, const char* name, bool& out) {
  if (info.Length() <= index || !info[index].IsBoolean()) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a boolean").ThrowAsJavaScriptException();
    return false;
  }
  out = info[index].As<Napi::Boolean>().Value();
  return true;
}

Napi::Object rectObject(Napi::Env env, const tessera::capture::Rect& r) {
  auto o = Napi::Object::New(env);
  o.Set("x", r.x);
  o.Set("y", r.y);
  o.Set("width", r.width);
  o.Set("height", r.height);
  return o;
}

void throwClosed(Napi::Env env, const char* what) {
  Napi::Error::New(env, std::string(what) + ": closed").ThrowAsJavaScriptException();
}

// ScreenCapture(display?, {shm?}) with bounds(), monitors(), layoutVersion(), grab(region?), cursor(forceShape?),
// close(). grab() returns {x, y, width, height, stride, data}, where data views the capture's own reused buffer
// (no copy, no per-frame allocation); the next grab overwrites it.
class ScreenCaptureWrap : public Napi::ObjectWrap<ScreenCaptureWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "ScreenCapture",
                       {InstanceMethod("bounds", &ScreenCaptureWrap::Bounds),
                        InstanceMethod("monitors", &ScreenCaptureWrap::Monitors),
                        InstanceMethod("layoutVersion", &ScreenCaptureWrap::LayoutVersion),
                        InstanceMethod("grab", &ScreenCaptureWrap::Grab),
                        InstanceMethod("cursor", &ScreenCaptureWrap::Cursor),
                        InstanceMethod("close", &ScreenCaptureWrap::Close)});
  }

  explicit ScreenCaptureWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ScreenCaptureWrap>(info) {
    std::string display;
    if (!readString(info, 0, "display", display, true)) return;
    bool shm = true;
    if (info.Length() > 1 && info[1].IsObject()) {
      auto v = info[1].As<Napi::Object>().Get("shm");
      if (v.IsBoolean()) shm = v.As<Napi::Boolean>().Value();
    }
    try {
      capture_ = tessera::capture::openScreenCapture(display, shm);
    } catch (const std::exception& e) {
      throwError(info.Env(), e);
    }
  }

 private:
  bool open(Napi::Env env) {
    if (capture_) return true;
    throwClosed(env, "screen capture");
    return false;
  }

  Napi::Value Bounds(const Napi::CallbackInfo& info) {
    if (!open(info.Env())) return info.Env().Undefined();
    try {
      return rectObject(info.Env(), capture_->bounds());
    } catch (const std::exception& e) {
      throwError(info.Env(), e);
      return info.Env().Undefined();
    }
  }

  Napi::Value Monitors(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!open(env)) return env.Undefined();
    try {
      const auto monitors = capture_->monitors();
      auto list = Napi::Array::New(env, monitors.size());
      for (size_t i = 0; i < monitors.size(); ++i) {
        auto o = rectObject(env, monitors[i].rect);
        o.Set("name", monitors[i].name);
        o.Set("primary", monitors[i].primary);
        list.Set(uint32_t(i), o);
      }
      return list;
    } catch (const std::exception& e) {
      throwError(env, e);
      return env.Undefined();
    }
  }

  Napi::Value LayoutVersion(const Napi::CallbackInfo& info) {
    if (!open(info.Env())) return info.Env().Undefined();
    try {
      return Napi::Number::New(info.Env(), double(capture_->layoutVersion()));
    } catch (const std::exception& e) {
      throwError(info.Env(), e);
      return info.Env().Undefined();
    }
  }

  Napi::Value Grab(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!open(env)) return env.Undefined();
    tessera::capture::Rect region;
    bool haveRegion = false;
    if (info.Length() > 0 && !info[0].IsUndefined() && !info[0].IsNull()) {
      if (!info[0].IsObject()) {
        Napi::TypeError::New(env, "region must be {x, y, width, height}").ThrowAsJavaScriptException();
        return env.Undefined();
      }
      auto o = info[0].As<Napi::Object>();
      double v[4];
      const char* keys[4] = {"x", "y", "width", "height"};
      for (int i = 0; i < 4; ++i) {
        auto value = o.Get(keys[i]);
        if (!value.IsNumber() || !std::isfinite(value.As<Napi::Number>().DoubleValue()) ||
            value.As<Napi::Number>().DoubleValue() != std::trunc(value.As<Napi::Number>().DoubleValue())) {
          Napi::TypeError::New(env, std::string("region.") + keys[i] + " must be an integer")
              .ThrowAsJavaScriptException();
          return env.Undefined();
        }
        v[i] = value.As<Napi::Number>().DoubleValue();
      }
      if (!(v[2] >= 1 && v[3] >= 1 && v[2] <= 65535 && v[3] <= 65535) || std::fabs(v[0]) > 65535 ||
          std::fabs(v[1]) > 65535) {
        Napi::RangeError::New(env, "region size must be 1..65535 and its position within +-65535")
            .ThrowAsJavaScriptException();
        return env.Undefined();
      }
      region = {int32_t(v[0]), int32_t(v[1]), uint32_t(v[2]), uint32_t(v[3])};
      haveRegion = true;
    }
    tessera::capture::Frame frame;
    try {
      frame = capture_->grab(haveRegion ? &region : nullptr);
    } catch (const std::exception& e) {
      throwError(env, e);
      return env.Undefined();
    }
    const size_t length = size_t(frame.stride) * frame.height;
    Napi::Uint8Array view = viewFor(env, frame.buffer, length);
    if (env.IsExceptionPending()) return env.Undefined();
    auto o = Napi::Object::New(env);
    o.Set("x", frame.x);
    o.Set("y", frame.y);
    o.Set("width", frame.width);
    o.Set("height", frame.height);
    o.Set("stride", frame.stride);
    o.Set("data", view);
    return o;
  }

  // A Uint8Array over the first `length` bytes of `buffer`, reused while the buffer and length stay the same.
  Napi::Uint8Array viewFor(Napi::Env env, const std::shared_ptr<tessera::capture::PixelBuffer>& buffer,
                           size_t length) {
    if (buffer.get() == viewBuffer_ && length == viewLength_ && !view_.IsEmpty()) {
      if (copyBuffer_) std::memcpy(copyData_, buffer->data, length);
      return view_.Value();
    }
    Napi::ArrayBuffer arrayBuffer;
    auto* keep = new std::shared_ptr<tessera::capture::PixelBuffer>(buffer);
    napi_value raw = nullptr;
    const napi_status status = napi_create_external_arraybuffer(
        env, buffer->data, buffer->capacity,
        [](napi_env, void*, void* hint) { delete static_cast<std::shared_ptr<tessera::capture::PixelBuffer>*>(hint); },
        keep, &raw);
    if (status == napi_ok) {
      arrayBuffer = Napi::ArrayBuffer(env, raw);
      copyBuffer_ = false;
    } else {
      // Runtimes that forbid external buffers: one JS-owned buffer, copied into on each grab.
      delete keep;
      if (env.IsExceptionPending()) env.GetAndClearPendingException();
      arrayBuffer = Napi::ArrayBuffer::New(env, buffer->capacity);
      copyBuffer_ = true;
      copyData_ = static_cast<uint8_t*>(arrayBuffer.Data());
      std::memcpy(copyData_, buffer->data, length);
    }
    auto view = Napi::Uint8Array::New(env, length, arrayBuffer, 0);
    view_ = Napi::Persistent(view);
    viewBuffer_ = buffer.get();
    viewLength_ = length;
    return view;
  }

  Napi::Value Cursor(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!open(env)) return env.Undefined();
    const bool force = info.Length() > 0 && info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value();
    tessera::capture::CursorState state;
    try {
      state = capture_->cursor(force);
    } catch (const std::exception& e) {
      throwError(env, e);
      return env.Undefined();
    }
    auto o = Napi::Object::New(env);
    o.Set("x", state.x);
    o.Set("y", state.y);
    o.Set("serial", double(state.serial));
    if (state.shapeIncluded) {
      auto shape = Napi::Object::New(env);
      shape.Set("width", state.shape.width);
      shape.Set("height", state.shape.height);
      shape.Set("hotX", state.shape.hotX);
      shape.Set("hotY", state.shape.hotY);
      shape.Set("name", state.shape.name);
      auto rgba = Napi::Uint8Array::New(env, state.shape.rgba.size());
      if (!state.shape.rgba.empty()) std::memcpy(rgba.Data(), state.shape.rgba.data(), state.shape.rgba.size());
      shape.Set("rgba", rgba);
      o.Set("shape", shape);
    }
    return o;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    capture_.reset();  // frames already handed out stay readable (their buffer lives until collected)
    view_.Reset();
    viewBuffer_ = nullptr;
    return info.Env().Undefined();
  }

  std::unique_ptr<tessera::capture::ScreenCapture> capture_;
  Napi::Reference<Napi::Uint8Array> view_;
  const tessera::capture::PixelBuffer* viewBuffer_ = nullptr;
  size_t viewLength_ = 0;
  bool copyBuffer_ = false;
  uint8_t* copyData_ = nullptr;
};

// InputInjector(display?) with move, button, wheel, key, type, chord, releaseAll, heldCount, close.
class InputWrap : public Napi::ObjectWrap<InputWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "InputInjector",
                       {InstanceMethod("move", &InputWrap::Move), InstanceMethod("button", &InputWrap::Button),
                        InstanceMethod("wheel", &InputWrap::Wheel), InstanceMethod("key", &InputWrap::Key),
                        InstanceMethod("type", &InputWrap::Type), InstanceMethod("chord", &InputWrap::Chord),
                        InstanceMethod("releaseAll", &InputWrap::ReleaseAll),
                        InstanceMethod("heldCount", &InputWrap::HeldCount),
                        InstanceMethod("close", &InputWrap::Close)});
  }

  explicit InputWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<InputWrap>(info) {
    std::string display;
    if (!readString(info, 0, "display", display, true)) return;
    try {
      input_ = tessera::capture::openInputInjector(display);
    } catch (const std::exception& e) {
      throwError(info.Env(), e);
    }
  }

 private:
  template <typename Work>
  Napi::Value run(const Napi::CallbackInfo& info, Work work) {
    Napi::Env env = info.Env();
    if (!input_) {
      throwClosed(env, "input");
      return env.Undefined();
    }
    try {
      work();
    } catch (const std::exception& e) {
      throwError(env, e);
    }
    return env.Undefined();
  }

  Napi::Value Move(const Napi::CallbackInfo& info) {
    int64_t x = 0, y = 0;
    if (!readInt(info, 0, "x", -1e6, 1e6, x) || !readInt(info, 1, "y", -1e6, 1e6, y)) return info.Env().Undefined();
    return run(info, [&] { input_->move(int32_t(x), int32_t(y)); });
  }

  Napi::Value Button(const Napi::CallbackInfo& info) {
    int64_t button = 0;
    bool down = false;
    if (!readExactInt(info, 0, "button", 1, 9, button) || !readBool(info, 1, "down", down))
      return info.Env().Undefined();
    return run(info, [&] { input_->button(uint32_t(button), down); });
  }

  Napi::Value Wheel(const Napi::CallbackInfo& info) {
    int64_t dx = 0, dy = 0;
    if (!readInt(info, 0, "dx", -100, 100, dx) || !readInt(info, 1, "dy", -100, 100, dy))
      return info.Env().Undefined();
    return run(info, [&] { input_->wheel(int32_t(dx), int32_t(dy)); });
  }

  Napi::Value Key(const Napi::CallbackInfo& info) {
    int64_t keysym = 0;
    bool down = false;
    if (!readExactInt(info, 0, "keysym", 1, 0x1ffffff, keysym) || !readBool(info, 1, "down", down))
      return info.Env().Undefined();
    return run(info, [&] { input_->key(uint32_t(keysym), down); });
  }

  Napi::Value Type(const Napi::CallbackInfo& info) {
    std::string text;
    if (!readString(info, 0, "text", text, false)) return info.Env().Undefined();
    const std::u32string codepoints = tessera::capture::decodeUtf8(text);
    if (codepoints.size() > kMaxTypeChars) {
      Napi::RangeError::New(info.Env(), "text is longer than " + std::to_string(kMaxTypeChars) + " characters")
          .ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    return run(info, [&] { input_->type(codepoints); });
  }

  Napi::Value Chord(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsArray()) {
      Napi::TypeError::New(env, "keysyms must be an array of numbers").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    auto array = info[0].As<Napi::Array>();
    if (array.Length() < 1 || array.Length() > 8) {
      Napi::RangeError::New(env, "a key combination has 1 to 8 keys").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    std::vector<uint32_t> keysyms;
    for (uint32_t i = 0; i < array.Length(); ++i) {
      auto v = array.Get(i);
      const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
      if (!(d >= 1 && d <= 0x1ffffff) || d != std::trunc(d)) {
        Napi::RangeError::New(env, "keysyms must be integers from 1 to 0x1ffffff").ThrowAsJavaScriptException();
        return env.Undefined();
      }
      keysyms.push_back(uint32_t(d));
    }
    return run(info, [&] { input_->chord(keysyms); });
  }

  Napi::Value ReleaseAll(const Napi::CallbackInfo& info) {
    return run(info, [&] { input_->releaseAll(); });
  }

  Napi::Value HeldCount(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), input_ ? double(input_->heldCount()) : 0);
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    input_.reset();  // releases everything still held
    return info.Env().Undefined();
  }

  std::unique_ptr<tessera::capture::InputInjector> input_;
};

// Clipboard(display, maxBytes, watch, onEvent) with request(id), set(id, text), close().
// onEvent(kind: 'text' | 'change' | 'error', id, text, flag) runs on the JS thread; flag is noText for 'text' and
// tooLarge for 'change'.
class ClipboardWrap : public Napi::ObjectWrap<ClipboardWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Clipboard",
                       {InstanceMethod("request", &ClipboardWrap::Request), InstanceMethod("set", &ClipboardWrap::Set),
                        InstanceMethod("close", &ClipboardWrap::Close)});
  }

  explicit ClipboardWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ClipboardWrap>(info) {
    Napi::Env env = info.Env();
    std::string display;
    int64_t maxBytes = 0;
    bool watch = false;
    if (!readString(info, 0, "display", display, true)) return;
    if (!readExactInt(info, 1, "maxBytes", 1, 64.0 * 1024 * 1024, maxBytes)) return;
    if (!readBool(info, 2, "watch", watch)) return;
    if (info.Length() < 4 || !info[3].IsFunction()) {
      Napi::TypeError::New(env, "onEvent must be a function").ThrowAsJavaScriptException();
      return;
    }
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[3].As<Napi::Function>(), "tessera clipboard", 0, 1);
    haveTsfn_ = true;
    auto tsfn = tsfn_;
    try {
      clipboard_ = tessera::capture::openClipboard(display, size_t(maxBytes), watch, [tsfn](ClipboardEvent&& event) mutable {
        auto* data = new ClipboardEvent(std::move(event));
        if (tsfn.NonBlockingCall(data, deliver) != napi_ok) delete data;
      });
    } catch (const std::exception& e) {
      release();
      throwError(env, e);
    }
  }

  ~ClipboardWrap() override {
    if (clipboard_) clipboard_->close();
    clipboard_.reset();
    release();
  }

 private:
  static void deliver(Napi::Env env, Napi::Function callback, ClipboardEvent* event) {
    std::unique_ptr<ClipboardEvent> owned(event);
    if (!env || !callback) return;
    const char* kind = event->kind == ClipboardEvent::Kind::Text     ? "text"
                       : event->kind == ClipboardEvent::Kind::Change ? "change"
                                                                     : "error";
    const bool flag = event->kind == ClipboardEvent::Kind::Change ? event->tooLarge : event->noText;
    callback.Call({Napi::String::New(env, kind), Napi::Number::New(env, double(event->requestId)),
                   Napi::String::New(env, event->text), Napi::Boolean::New(env, flag)});
  }

  void release() {
    if (haveTsfn_) {
      tsfn_.Release();
      haveTsfn_ = false;
    }
  }

  Napi::Value Request(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    int64_t id = 0;
    if (!readExactInt(info, 0, "id", 1, 9007199254740991.0, id)) return env.Undefined();
    if (!clipboard_) {
      throwClosed(env, "clipboard");
      return env.Undefined();
    }
    try {
      clipboard_->requestText(uint64_t(id));
    } catch (const std::exception& e) {
      throwError(env, e);
    }
    return env.Undefined();
  }

  Napi::Value Set(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    int64_t id = 0;
    std::string text;
    if (!readExactInt(info, 0, "id", 1, 9007199254740991.0, id)) return env.Undefined();
    if (!readString(info, 1, "text", text, false)) return env.Undefined();
    if (!clipboard_) {
      throwClosed(env, "clipboard");
      return env.Undefined();
    }
    try {
      clipboard_->setText(text, uint64_t(id));
    } catch (const std::exception& e) {
      throwError(env, e);
    }
    return env.Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (clipboard_) clipboard_->close();  // joins the thread: nothing is queued after this
    clipboard_.reset();
    release();
    return info.Env().Undefined();
  }

  std::unique_ptr<tessera::capture::Clipboard> clipboard_;
  Napi::ThreadSafeFunction tsfn_;
  bool haveTsfn_ = false;
};

}  // namespace

void InitCapture(Napi::Env env, Napi::Object exports) {
  exports.Set("ScreenCapture", ScreenCaptureWrap::Define(env));
  exports.Set("InputInjector", InputWrap::Define(env));
  exports.Set("Clipboard", ClipboardWrap::Define(env));
  exports.Set("captureBackend", Napi::String::New(env, tessera::capture::backendName()));
}
