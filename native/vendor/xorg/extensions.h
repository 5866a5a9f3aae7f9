// The few XTest and XRandR declarations the capture code uses, taken from X.org's headers (XTest.h from libXtst
// 1.2.3; Xrandr.h from libXrandr 1.5.2 and randr.h from xorgproto), so the addon builds without libxtst-dev and
// libxrandr-dev. Licence: COPYING beside this file. The functions are given as pointer types only:
// native/capture/x11Extensions.cc loads them from libXtst.so.6 and libXrandr.so.2 at run time.
// Everything sits in a namespace of its own so it cannot clash with the real headers where they are installed.
#pragma once

#include <X11/Xlib.h>

namespace tessera::vendor::xorg {

// XTest.h
using XTestQueryExtensionFn = Bool (*)(Display*, int* event_base, int* error_base, int* major, int* minor);
using XTestFakeKeyEventFn = int (*)(Display*, unsigned int keycode, Bool is_press, unsigned long delay);
using XTestFakeButtonEventFn = int (*)(Display*, unsigned int button, Bool is_press, unsigned long delay);
using XTestFakeMotionEventFn = int (*)(Display*, int screen, int x, int y, unsigned long delay);
using XTestGrabControlFn = int (*)(Display*, Bool impervious);

// randr.h
constexpr int RRScreenChangeNotify = 0;
constexpr int RRNotify = 1;
constexpr int RRScreenChangeNotifyMask = 1 << 0;
constexpr int RRCrtcChangeNotifyMask = 1 << 1;
constexpr int RROutputChangeNotifyMask = 1 << 2;

// Xrandr.h
using RROutput = XID;
struct XRRMonitorInfo {
  Atom name;
  Bool primary;
  Bool automatic;
  int noutput;
  int x;
  int y;
  int width;
  int height;
  int mwidth;
  int mheight;
  RROutput* outputs;
};
using XRRQueryExtensionFn = Bool (*)(Display*, int* event_base, int* error_base);
using XRRQueryVersionFn = Status (*)(Display*, int* major, int* minor);
using XRRSelectInputFn = void (*)(Display*, Window, int mask);
using XRRGetMonitorsFn = XRRMonitorInfo* (*)(Display*, Window, Bool get_active, int* nmonitors);
using XRRFreeMonitorsFn = void (*)(XRRMonitorInfo*);
using XRRUpdateConfigurationFn = int (*)(XEvent*);

}  // namespace tessera::vendor::xorg
