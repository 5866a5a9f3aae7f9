// Placeholder backend for systems without one yet (Windows: DXGI + SendInput; macOS: ScreenCaptureKit + CGEvent).
#if !defined(TESSERA_CAPTURE_X11)
#include "capture/capture.h"

namespace tessera::capture {

namespace {
[[noreturn]] void unsupported(const char* what) {
  throw CaptureError(std::string(what) + ": not available on this operating system yet");
}
}  // namespace

std::unique_ptr<ScreenCapture> openScreenCapture(const std::string&, bool) { unsupported("screen capture"); }
std::unique_ptr<InputInjector> openInputInjector(const std::string&) { unsupported("input"); }
std::unique_ptr<Clipboard> openClipboard(const std::string&, size_t, bool, ClipboardCallback) {
  unsupported("clipboard");
}
const char* backendName() { return "none"; }

}  // namespace tessera::capture
#endif
