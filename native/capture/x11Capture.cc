// X11 screen capture: MIT-SHM into one reused shared memory segment (XGetSubImage into a reused heap buffer when
// the X server is remote), XRandR for monitors and resolution changes (libXrandr.so.2, loaded at run time and optional:
// capture/x11Extensions.h), XFixes for the cursor.
#if defined(TESSERA_CAPTURE_X11)
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xfixes.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "capture/capture.h"
#include "capture/x11Connection.h"
#include "capture/x11Extensions.h"

namespace tessera::capture {
namespace {

namespace xorg = vendor::xorg;

struct ShmBuffer : PixelBuffer {
  ~ShmBuffer() override {
    if (data) shmdt(data);
  }
};

struct HeapBuffer : PixelBuffer {
  std::unique_ptr<uint8_t[]> storage;
};

std::string atomName(Display* dpy, Atom atom) {
  if (atom == None) return "";
  char* name = XGetAtomName(dpy, atom);
  std::string result = name ? name : "";
  if (name) XFree(name);
  return result;
}

class X11Capture final : public ScreenCapture {
 public:
  X11Capture(const std::string& display, bool allowShm) : conn_(display, "screen capture") {
    dpy_ = conn_.get();
    root_ = conn_.root();
    const int screen = DefaultScreen(dpy_);
    visual_ = DefaultVisual(dpy_, screen);
    depth_ = DefaultDepth(dpy_, screen);
    checkPixelFormat();

    int major = 0, minor = 0;
    Bool pixmaps = False;
    useShm_ = allowShm && XShmQueryExtension(dpy_) && XShmQueryVersion(dpy_, &major, &minor, &pixmaps);

    int errorBase = 0;
    // Without libXrandr.so.2 the whole screen is the one monitor and resizes still arrive as ConfigureNotify.
    if (rr_ && rr_->queryExtension(dpy_, &rrEventBase_, &errorBase) && rr_->queryVersion(dpy_, &major, &minor)) {
      hasRandr_ = true;
      hasMonitors_ = major > 1 || (major == 1 && minor >= 5);
      rr_->selectInput(dpy_, root_, xorg::RRScreenChangeNotifyMask | xorg::RRCrtcChangeNotifyMask |
                                        xorg::RROutputChangeNotifyMask);
    }
    if (XFixesQueryExtension(dpy_, &fixesEventBase_, &errorBase) && XFixesQueryVersion(dpy_, &major, &minor) &&
        major >= 2) {
      hasFixes_ = true;
      XFixesSelectCursorInput(dpy_, root_, XFixesDisplayCursorNotifyMask);
    }
    XSelectInput(dpy_, root_, StructureNotifyMask);
    readRootSize();
  }

  ~X11Capture() override {
    if (conn_.lost()) {
      if (image_) image_->data = nullptr;  // headers only; nothing to tell a dead server
      return;
    }
    dropImage();
    detachShm();
    XSync(dpy_, False);
  }

  Rect bounds() override {
    update();
    return Rect{0, 0, width_, height_};
  }

  uint64_t layoutVersion() override {
    update();
    // Monitors defined with RandR 1.5 SetMonitor send no event: look at them now and then.
    if (hasMonitors_ && std::chrono::steady_clock::now() - lastMonitorCheck_ > std::chrono::milliseconds(500))
      monitors();
    return layout_;
  }

  std::vector<Monitor> monitors() override {
    update();
    std::vector<Monitor> result;
    if (hasMonitors_) {
      int count = 0;
      x11::ErrorTrap trap(dpy_);
      xorg::XRRMonitorInfo* info = rr_->getMonitors(dpy_, root_, True, &count);
      for (int i = 0; info && i < count; ++i) {
        Monitor m;
        m.name = atomName(dpy_, info[i].name);
        m.rect = Rect{info[i].x, info[i].y, uint32_t(std::max(0, info[i].width)), uint32_t(std::max(0, info[i].height))};
        m.primary = info[i].primary;
        if (m.rect.width && m.rect.height) result.push_back(std::move(m));
      }
      if (info) rr_->freeMonitors(info);
    }
    if (result.empty()) result.push_back(Monitor{"screen", Rect{0, 0, width_, height_}, true});
    if (std::none_of(result.begin(), result.end(), [](const Monitor& m) { return m.primary; }))
      result.front().primary = true;
    lastMonitorCheck_ = std::chrono::steady_clock::now();
    if (checkedMonitors_ && !sameMonitors(result, lastMonitors_)) ++layout_;
    checkedMonitors_ = true;
    lastMonitors_ = result;
    return result;
  }

  Frame grab(const Rect* region) override {
    update();
    Rect r = clip(region);
    for (int attempt = 0;; ++attempt) {
      bool ok = useShm_ ? grabShm(r) : grabPlain(r);
      if (ok) break;
      conn_.check();
      // The screen may have shrunk between our last look and the request: take in the news and try once more.
      update(true);
      r = clip(region);
      if (attempt == 1) throw CaptureError("screen capture: the X server refused to give the screen's pixels");
    }
    Frame frame;
    frame.buffer = useShm_ ? std::static_pointer_cast<PixelBuffer>(shm_) : std::static_pointer_cast<PixelBuffer>(heap_);
    frame.x = r.x;
    frame.y = r.y;
    frame.width = r.width;
    frame.height = r.height;
    frame.stride = useShm_ ? uint32_t(image_->bytes_per_line) : plainStride_;
    return frame;
  }

  CursorState cursor(bool forceShape) override {
    update();
    CursorState state;
    Window rootReturn = 0, child = 0;
    int rootX = 0, rootY = 0, winX = 0, winY = 0;
    unsigned int mask = 0;
    XQueryPointer(dpy_, root_, &rootReturn, &child, &rootX, &rootY, &winX, &winY, &mask);
    conn_.check();
    state.x = rootX;
    state.y = rootY;
    if (!hasFixes_) return state;
    if (cursorDirty_ || forceShape || !haveShape_) {
      x11::ErrorTrap trap(dpy_);
      XFixesCursorImage* image = XFixesGetCursorImage(dpy_);
      conn_.check();
      cursorDirty_ = false;
      if (image) {
        if (image->cursor_serial != shapeSerial_ || forceShape || !haveShape_) {
          shapeSerial_ = image->cursor_serial;
          haveShape_ = true;
          state.shapeIncluded = true;
          CursorImage& shape = state.shape;
          shape.width = image->width;
          shape.height = image->height;
          shape.hotX = image->xhot;
          shape.hotY = image->yhot;
          shape.name = image->name ? image->name : "";
          const size_t n = size_t(image->width) * image->height;
          shape.rgba.resize(n * 4);
          for (size_t i = 0; i < n; ++i) {
            // XFixes gives premultiplied ARGB in the low 32 bits of an unsigned long.
            const uint32_t argb = uint32_t(image->pixels[i]);
            const uint32_t a = argb >> 24;
            uint32_t red = (argb >> 16) & 0xff, green = (argb >> 8) & 0xff, blue = argb & 0xff;
            if (a != 0 && a != 255) {
              red = std::min<uint32_t>(255, (red * 255 + a / 2) / a);
              green = std::min<uint32_t>(255, (green * 255 + a / 2) / a);
              blue = std::min<uint32_t>(255, (blue * 255 + a / 2) / a);
            }
            uint8_t* out = &shape.rgba[i * 4];
            out[0] = uint8_t(red);
            out[1] = uint8_t(green);
            out[2] = uint8_t(blue);
            out[3] = uint8_t(a);
          }
        }
        XFree(image);
      }
    }
    state.serial = shapeSerial_;
    return state;
  }

 private:
  static bool sameMonitors(const std::vector<Monitor>& a, const std::vector<Monitor>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      const Rect &p = a[i].rect, &q = b[i].rect;
      if (a[i].name != b[i].name || a[i].primary != b[i].primary || p.x != q.x || p.y != q.y || p.width != q.width ||
          p.height != q.height)
        return false;
    }
    return true;
  }

  void checkPixelFormat() {
    int count = 0;
    XPixmapFormatValues* formats = XListPixmapFormats(dpy_, &count);
    int bpp = 0;
    for (int i = 0; formats && i < count; ++i)
      if (formats[i].depth == depth_) bpp = formats[i].bits_per_pixel;
    if (formats) XFree(formats);
    if (visual_->c_class != TrueColor || (depth_ != 24 && depth_ != 32) || bpp != 32 || visual_->red_mask != 0xff0000 ||
        visual_->green_mask != 0x00ff00 || visual_->blue_mask != 0x0000ff || ImageByteOrder(dpy_) != LSBFirst) {
      throw CaptureError("screen capture: unsupported X pixel format (depth " + std::to_string(depth_) + ", " +
                         std::to_string(bpp) + " bits per pixel); a 24-bit TrueColor BGRX screen is needed");
    }
  }

  void readRootSize() {
    XWindowAttributes attributes;
    if (!XGetWindowAttributes(dpy_, root_, &attributes)) conn_.check();
    width_ = uint32_t(std::max(1, attributes.width));
    height_ = uint32_t(std::max(1, attributes.height));
  }

  // Takes in what the X server told us since the last call (resolution, monitor layout, cursor shape changes).
  void update(bool force = false) {
    conn_.check();
    bool resized = false, layout = false;
    while (XPending(dpy_)) {
      XEvent event;
      XNextEvent(dpy_, &event);
      if (hasRandr_ && event.type == rrEventBase_ + xorg::RRScreenChangeNotify) {
        rr_->updateConfiguration(&event);
        resized = true;
      } else if (hasRandr_ && event.type == rrEventBase_ + xorg::RRNotify) {
        layout = true;
      } else if (event.type == ConfigureNotify && event.xconfigure.window == root_) {
        resized = true;
      } else if (hasFixes_ && event.type == fixesEventBase_ + XFixesCursorNotify) {
        cursorDirty_ = true;
      }
    }
    conn_.check();
    if (resized || force) {
      const uint32_t w = width_, h = height_;
      readRootSize();
      if (w != width_ || h != height_) layout = true;
    }
    if (layout) ++layout_;
  }

  Rect clip(const Rect* region) const {
    if (!region) return Rect{0, 0, width_, height_};
    const int64_t x0 = std::max<int64_t>(0, region->x), y0 = std::max<int64_t>(0, region->y);
    const int64_t x1 = std::min<int64_t>(width_, int64_t(region->x) + region->width);
    const int64_t y1 = std::min<int64_t>(height_, int64_t(region->y) + region->height);
    if (x1 <= x0 || y1 <= y0) {
      throw CaptureError("screen capture: region " + std::to_string(region->width) + "x" +
                         std::to_string(region->height) + "+" + std::to_string(region->x) + "+" +
                         std::to_string(region->y) + " is outside the " + std::to_string(width_) + "x" +
                         std::to_string(height_) + " screen");
    }
    return Rect{int32_t(x0), int32_t(y0), uint32_t(x1 - x0), uint32_t(y1 - y0)};
  }

  void dropImage() {
    if (!image_) return;
    image_->data = nullptr;  // the pixels belong to the PixelBuffer, not to the XImage
    XDestroyImage(image_);
    image_ = nullptr;
  }

  void detachShm() {
    if (!shmAttached_) return;
    XShmDetach(dpy_, &shmInfo_);
    shmAttached_ = false;
    shm_.reset();  // unmapped when the last frame handed out is gone too
  }

  // Makes sure a segment of at least `bytes` is attached; false when the server can't use shared memory.
  bool ensureShm(size_t bytes) {
    if (shm_ && shm_->capacity >= bytes) return true;
    dropImage();
    detachShm();
    const int id = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
    if (id < 0) return false;
    void* address = shmat(id, nullptr, 0);
    if (address == reinterpret_cast<void*>(-1)) {
      shmctl(id, IPC_RMID, nullptr);
      return false;
    }
    auto buffer = std::make_shared<ShmBuffer>();
    buffer->data = static_cast<uint8_t*>(address);
    buffer->capacity = bytes;
    std::memset(&shmInfo_, 0, sizeof shmInfo_);
    shmInfo_.shmid = id;
    shmInfo_.shmaddr = static_cast<char*>(address);
    shmInfo_.readOnly = False;
    x11::ErrorTrap trap(dpy_);
    XShmAttach(dpy_, &shmInfo_);
    const bool attached = trap.sync() == 0;
    shmctl(id, IPC_RMID, nullptr);  // freed once both sides have detached
    conn_.check();
    if (!attached) return false;     // e.g. a remote X server or another IPC namespace
    shm_ = std::move(buffer);
    shmAttached_ = true;
    return true;
  }

  bool grabShm(const Rect& r) {
    const size_t screenBytes = size_t(width_) * height_ * 4;
    if (!ensureShm(std::max(screenBytes, size_t(r.width) * r.height * 4))) {
      useShm_ = false;  // fall back to XGetSubImage for good
      return grabPlain(r);
    }
    if (!image_ || imageWidth_ != r.width || imageHeight_ != r.height) {
      dropImage();
      image_ = XShmCreateImage(dpy_, visual_, unsigned(depth_), ZPixmap, nullptr, &shmInfo_, r.width, r.height);
      if (!image_) throw CaptureError("screen capture: XShmCreateImage failed");
      image_->data = reinterpret_cast<char*>(shm_->data);
      imageWidth_ = r.width;
      imageHeight_ = r.height;
    }
    x11::ErrorTrap trap(dpy_);
    const Bool ok = XShmGetImage(dpy_, root_, image_, r.x, r.y, AllPlanes);
    return ok && trap.code() == 0;
  }

  // Without shared memory: XGetImage (the pixels come over the socket; XGetSubImage would be ~7x slower, it
  // converts pixel by pixel), then rows copied into the reused buffer.
  bool grabPlain(const Rect& r) {
    const size_t bytes = size_t(r.width) * r.height * 4;
    if (!heap_ || heap_->capacity < bytes) {
      auto buffer = std::make_shared<HeapBuffer>();
      const size_t capacity = std::max(bytes, size_t(width_) * height_ * 4);
      buffer->storage.reset(new uint8_t[capacity]);
      buffer->data = buffer->storage.get();
      buffer->capacity = capacity;
      heap_ = std::move(buffer);
    }
    x11::ErrorTrap trap(dpy_);
    XImage* image = XGetImage(dpy_, root_, r.x, r.y, r.width, r.height, AllPlanes, ZPixmap);
    if (!image || trap.code() != 0) {
      if (image) XDestroyImage(image);
      return false;
    }
    const bool fits = image->bits_per_pixel == 32 && image->width == int(r.width) && image->height == int(r.height) &&
                      image->bytes_per_line >= int(r.width * 4);
    if (fits) {
      for (uint32_t y = 0; y < r.height; ++y)
        std::memcpy(heap_->data + size_t(y) * r.width * 4, image->data + size_t(y) * image->bytes_per_line,
                    size_t(r.width) * 4);
    }
    XDestroyImage(image);
    if (!fits) throw CaptureError("screen capture: the X server returned an image in an unexpected format");
    plainStride_ = r.width * 4;
    return true;
  }

  x11::Connection conn_;
  Display* dpy_ = nullptr;
  Window root_ = 0;
  Visual* visual_ = nullptr;
  int depth_ = 0;
  bool useShm_ = false;
  const x11::XRandrApi* rr_ = x11::xrandr();
  bool hasRandr_ = false, hasMonitors_ = false, hasFixes_ = false;
  int rrEventBase_ = -1, fixesEventBase_ = -1;
  uint32_t width_ = 0, height_ = 0;
  uint64_t layout_ = 1;
  std::shared_ptr<ShmBuffer> shm_;
  XShmSegmentInfo shmInfo_{};
  bool shmAttached_ = false;
  std::shared_ptr<HeapBuffer> heap_;
  XImage* image_ = nullptr;
  uint32_t imageWidth_ = 0, imageHeight_ = 0;
  uint32_t plainStride_ = 0;
  bool cursorDirty_ = true, haveShape_ = false;
  unsigned long shapeSerial_ = 0;
  std::vector<Monitor> lastMonitors_;
  bool checkedMonitors_ = false;
  std::chrono::steady_clock::time_point lastMonitorCheck_{};
};

}  // namespace

std::unique_ptr<ScreenCapture> openScreenCapture(const std::string& display, bool allowShm) {
  return std::make_unique<X11Capture>(display, allowShm);
}

const char* backendName() { return "x11"; }

}  // namespace tessera::capture
#endif
