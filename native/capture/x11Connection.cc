#if defined(TESSERA_CAPTURE_X11)
#include "capture/x11Connection.h"

#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include "capture/capture.h"

namespace tessera::capture::x11 {

namespace {
thread_local ErrorTrap* currentTrap = nullptr;

int handleIoError(Display*) { return 0; }  // quiet; the per-connection exit handler does the rest

std::once_flag initOnce;
void initXlib() {
  std::call_once(initOnce, [] {
    XInitThreads();  // the clipboard has its own thread and connection
    XSetErrorHandler(handleError);
    XSetIOErrorHandler(handleIoError);
  });
}
}  // namespace

int handleError(Display* dpy, XErrorEvent* event) {
  for (ErrorTrap* trap = currentTrap; trap; trap = trap->outer_) {
    if (trap->dpy_ == dpy) {
      if (trap->code_ == 0) {
        trap->code_ = event->error_code;
        trap->request_ = event->request_code;
        trap->minor_ = event->minor_code;
      }
      break;
    }
  }
  return 0;  // errors outside a trap are ignored (e.g. a window that went away between two requests)
}

Connection::Connection(const std::string& name, const char* what) : name_(name), what_(what) {
  initXlib();
  const char* env = std::getenv("DISPLAY");
  if (name.empty() && (!env || !*env))
    throw CaptureError(std::string(what) + ": no X display given and DISPLAY is not set");
  dpy_ = XOpenDisplay(name.empty() ? nullptr : name.c_str());
  if (!dpy_) {
    throw CaptureError(std::string(what) + ": cannot open X display '" + (name.empty() ? std::string(env) : name) +
                       "' (not running, or no access: check DISPLAY and XAUTHORITY)");
  }
  if (name_.empty()) name_ = DisplayString(dpy_);
  XSetIOErrorExitHandler(dpy_, &Connection::onIoExit, this);
}

Connection::~Connection() {
  if (!dpy_) return;
  if (lost_) {
    // After an I/O error Xlib's state (and its display lock) can't be trusted: XCloseDisplay may hang. Close the
    // socket and leave the few kilobytes of the Display structure behind; this happens once per dead X server.
    ::close(ConnectionNumber(dpy_));
    return;
  }
  XCloseDisplay(dpy_);
}

void Connection::onIoExit(Display*, void* self) { static_cast<Connection*>(self)->lost_ = true; }

void Connection::check() const {
  if (lost_) throw CaptureError(std::string(what_) + ": lost the connection to X display '" + name_ + "'");
}

ErrorTrap::ErrorTrap(Display* dpy) : dpy_(dpy), outer_(currentTrap) { currentTrap = this; }

ErrorTrap::~ErrorTrap() { currentTrap = outer_; }

int ErrorTrap::sync() {
  XSync(dpy_, False);
  return code_;
}

std::string ErrorTrap::describe() const {
  if (!code_) return "no error";
  char text[256] = {0};
  XGetErrorText(dpy_, code_, text, sizeof text - 1);
  return std::string(text) + " (request " + std::to_string(request_) + "." + std::to_string(minor_) + ")";
}

}  // namespace tessera::capture::x11
#endif
