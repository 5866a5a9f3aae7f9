#if defined(TESSERA_CAPTURE_X11)
#include "capture/x11Extensions.h"

#include <dlfcn.h>

namespace tessera::capture::x11 {
namespace {

// Looks up every symbol or none: a half-loaded API would crash on the first missing call instead of saying so.
class Library {
 public:
  Library(const char* soname, const char* package) : soname_(soname), package_(package) {
    // RTLD_LOCAL: these symbols serve only us, whatever else the process has loaded.
    handle_ = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle_) fail(dlerror());
  }

  template <typename Fn>
  void get(Fn& fn, const char* name) {
    fn = nullptr;
    if (!handle_) return;
    fn = reinterpret_cast<Fn>(dlsym(handle_, name));
    if (!fn) fail(dlerror());
  }

  bool ok() const { return handle_ && error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  void fail(const char* detail) {
    if (!error_.empty()) return;
    error_ = std::string(soname_) + " could not be loaded (Debian package " + package_ + ")";
    if (detail) error_ += std::string(": ") + detail;
  }

  const char* soname_;
  const char* package_;
  void* handle_ = nullptr;  // never closed: the functions stay in use until the process ends
  std::string error_;
};

template <typename Api>
struct Loaded {
  Api api{};
  bool ok = false;
  std::string error;
};

const Loaded<XTestApi>& loadXTest() {
  static const Loaded<XTestApi> loaded = [] {
    Loaded<XTestApi> l;
    Library lib("libXtst.so.6", "libxtst6");
    lib.get(l.api.queryExtension, "XTestQueryExtension");
    lib.get(l.api.fakeKeyEvent, "XTestFakeKeyEvent");
    lib.get(l.api.fakeButtonEvent, "XTestFakeButtonEvent");
    lib.get(l.api.fakeMotionEvent, "XTestFakeMotionEvent");
    lib.get(l.api.grabControl, "XTestGrabControl");
    l.ok = lib.ok();
    l.error = lib.error();
    return l;
  }();
  return loaded;
}

const Loaded<XRandrApi>& loadXRandr() {
  static const Loaded<XRandrApi> loaded = [] {
    Loaded<XRandrApi> l;
    Library lib("libXrandr.so.2", "libxrandr2");
    lib.get(l.api.queryExtension, "XRRQueryExtension");
    lib.get(l.api.queryVersion, "XRRQueryVersion");
    lib.get(l.api.selectInput, "XRRSelectInput");
    lib.get(l.api.getMonitors, "XRRGetMonitors");
    lib.get(l.api.freeMonitors, "XRRFreeMonitors");
    lib.get(l.api.updateConfiguration, "XRRUpdateConfiguration");
    l.ok = lib.ok();
    l.error = lib.error();
    return l;
  }();
  return loaded;
}

template <typename Api>
const Api* result(const Loaded<Api>& l, std::string* why) {
  if (l.ok) return &l.api;
  if (why) *why = l.error;
  return nullptr;
}

}  // namespace

const XTestApi* xtest(std::string* why) { return result(loadXTest(), why); }
const XRandrApi* xrandr(std::string* why) { return result(loadXRandr(), why); }

}  // namespace tessera::capture::x11
#endif
