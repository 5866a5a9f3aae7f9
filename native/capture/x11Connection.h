// One Xlib connection with the two things Xlib gets wrong for a long-running agent: its default error handler
// exits the process on any protocol error, and its I/O error handler exits when the X server goes away (user logs
// out, display manager restarts). Here protocol errors are collected by ErrorTrap and a lost server only marks
// the connection as lost, so the next call throws a CaptureError instead of the agent dying.
#pragma once

#include <X11/Xlib.h>

#include <atomic>
#include <string>

namespace tessera::capture::x11 {

class Connection {
 public:
  // Opens `name` ("" = $DISPLAY); `what` names the user of the connection in error messages.
  Connection(const std::string& name, const char* what);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Display* get() const { return dpy_; }
  Window root() const { return DefaultRootWindow(dpy_); }
  const std::string& name() const { return name_; }
  bool lost() const { return lost_.load(); }
  // Throws CaptureError when the X server connection was lost.
  void check() const;

 private:
  static void onIoExit(Display*, void* self);
  Display* dpy_ = nullptr;
  std::string name_;
  const char* what_;
  std::atomic<bool> lost_{false};
};

// The process-wide Xlib error handler (installed by the first Connection); it feeds the ErrorTraps.
int handleError(Display* dpy, XErrorEvent* event);

// Records the first X protocol error raised on `dpy` by this thread while it is alive (traps nest).
class ErrorTrap {
 public:
  explicit ErrorTrap(Display* dpy);
  ~ErrorTrap();
  ErrorTrap(const ErrorTrap&) = delete;
  ErrorTrap& operator=(const ErrorTrap&) = delete;
  // Round trip to the server, then the first error code seen (0: none).
  int sync();
  int code() const { return code_; }
  std::string describe() const;

 private:
  friend int handleError(Display*, XErrorEvent*);
  Display* dpy_;
  ErrorTrap* outer_;
  int code_ = 0;
  int request_ = 0;
  int minor_ = 0;
};

}  // namespace tessera::capture::x11
