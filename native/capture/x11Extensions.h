// XTest and XRandR, loaded at run time instead of linked (see native/vendor/README.md for why): the addon then
// needs neither their dev packages to build nor their libraries to load.
#pragma once

#include <string>

#include "vendor/xorg/extensions.h"

namespace tessera::capture::x11 {

struct XTestApi {
  vendor::xorg::XTestQueryExtensionFn queryExtension;
  vendor::xorg::XTestFakeKeyEventFn fakeKeyEvent;
  vendor::xorg::XTestFakeButtonEventFn fakeButtonEvent;
  vendor::xorg::XTestFakeMotionEventFn fakeMotionEvent;
  vendor::xorg::XTestGrabControlFn grabControl;
};

struct XRandrApi {
  vendor::xorg::XRRQueryExtensionFn queryExtension;
  vendor::xorg::XRRQueryVersionFn queryVersion;
  vendor::xorg::XRRSelectInputFn selectInput;
  vendor::xorg::XRRGetMonitorsFn getMonitors;
  vendor::xorg::XRRFreeMonitorsFn freeMonitors;
  vendor::xorg::XRRUpdateConfigurationFn updateConfiguration;
};

// Loaded once per process (thread-safe); nullptr when the library or one of its functions is missing, and then
// *why says what and which Debian package provides it.
const XTestApi* xtest(std::string* why = nullptr);
const XRandrApi* xrandr(std::string* why = nullptr);

}  // namespace tessera::capture::x11
