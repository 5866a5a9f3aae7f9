// X11 clipboard (the CLIPBOARD selection), text only, on a thread of its own with its own connection, because
// owning a selection means answering other programs' requests whenever they paste.
//   read:  ConvertSelection to UTF8_STRING (STRING as a fallback), including INCR transfers, up to maxBytes;
//   write: own the selection and answer TARGETS, UTF8_STRING, text/plain;charset=utf-8, STRING, TEXT, TIMESTAMP;
//   watch: XFixesSelectSelectionInput tells when another program takes the clipboard; its text is then read
//          and reported when it differs from the last text reported or set.
#if defined(TESSERA_CAPTURE_X11)
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xfixes.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "capture/capture.h"
#include "capture/keysyms.h"
#include "capture/x11Connection.h"

namespace tessera::capture {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTransferTimeout = std::chrono::milliseconds(2000);

std::string latin1ToUtf8(const unsigned char* data, size_t n) {
  std::u32string text(data, data + n);
  return encodeUtf8(text);
}

std::string utf8ToLatin1(const std::string& utf8) {
  std::string out;
  for (char32_t c : decodeUtf8(utf8)) out.push_back(c <= 0xff ? char(c) : '?');
  return out;
}

class X11Clipboard final : public Clipboard {
 public:
  X11Clipboard(const std::string& display, size_t maxBytes, bool watch, ClipboardCallback callback)
      : conn_(display, "clipboard"), maxBytes_(maxBytes), callback_(std::move(callback)) {
    dpy_ = conn_.get();
    XSetWindowAttributes attributes;
    attributes.event_mask = PropertyChangeMask;
    window_ = XCreateWindow(dpy_, conn_.root(), -10, -10, 1, 1, 0, CopyFromParent, InputOnly, CopyFromParent,
                            CWEventMask, &attributes);
    clipboard_ = XInternAtom(dpy_, "CLIPBOARD", False);
    utf8_ = XInternAtom(dpy_, "UTF8_STRING", False);
    targets_ = XInternAtom(dpy_, "TARGETS", False);
    text_ = XInternAtom(dpy_, "TEXT", False);
    textPlain_ = XInternAtom(dpy_, "text/plain", False);
    textPlainUtf8_ = XInternAtom(dpy_, "text/plain;charset=utf-8", False);
    timestamp_ = XInternAtom(dpy_, "TIMESTAMP", False);
    incr_ = XInternAtom(dpy_, "INCR", False);
    property_ = XInternAtom(dpy_, "TESSERA_CLIPBOARD", False);
    timeProperty_ = XInternAtom(dpy_, "TESSERA_TIME", False);
    const long units = XExtendedMaxRequestSize(dpy_) ? XExtendedMaxRequestSize(dpy_) : XMaxRequestSize(dpy_);
    maxReplyBytes_ = size_t(units) * 4 - 1024;
    if (watch) {
      int eventBase = 0, errorBase = 0;
      if (!XFixesQueryExtension(dpy_, &eventBase, &errorBase))
        throw CaptureError("clipboard: the X server has no XFIXES extension, so changes can't be watched");
      fixesEventBase_ = eventBase;
      XFixesSelectSelectionInput(dpy_, window_, clipboard_, XFixesSetSelectionOwnerNotifyMask);
    }
    XSync(dpy_, False);
    conn_.check();
    if (pipe(wake_) != 0) throw CaptureError("clipboard: pipe() failed");
    for (int fd : wake_) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    thread_ = std::thread([this] { run(); });
  }

  ~X11Clipboard() override {
    close();
    if (!conn_.lost()) {
      XDestroyWindow(dpy_, window_);
      XSync(dpy_, False);
    }
  }

  void requestText(uint64_t requestId) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) throw CaptureError("clipboard: closed");
    commands_.push_back(Command{Command::Get, requestId, {}});
    wake();
  }

  void setText(const std::string& utf8, uint64_t requestId) override {
    if (utf8.size() > maxBytes_) {
      throw CaptureError("clipboard: text of " + std::to_string(utf8.size()) + " bytes is over the " +
                         std::to_string(maxBytes_) + " byte limit");
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) throw CaptureError("clipboard: closed");
    commands_.push_back(Command{Command::Set, requestId, utf8});
    wake();
  }

  void close() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_) return;
      closed_ = true;
      closing_ = true;  // also cuts short a transfer in progress
      wake();
    }
    if (thread_.joinable()) thread_.join();
    for (int& fd : wake_)
      if (fd >= 0) {
        ::close(fd);
        fd = -1;
      }
  }

 private:
  struct Command {
    enum Kind { Get, Set } kind;
    uint64_t id;
    std::string text;
  };

  struct Fetched {
    enum Result { Ok, NoText, TooLarge, Failed } result = Failed;
    std::string text;
    std::string error;
  };

  void wake() {
    const char byte = 1;
    if (wake_[1] >= 0) (void)!write(wake_[1], &byte, 1);
  }

  void emit(ClipboardEvent&& event) {
    if (callback_) callback_(std::move(event));
  }

  void run() {
    const int xfd = ConnectionNumber(dpy_);
    for (;;) {
      std::deque<Command> commands;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) return;
        commands.swap(commands_);
      }
      char drain[64];
      while (read(wake_[0], drain, sizeof drain) > 0) {
      }
      for (auto& command : commands) {
        if (conn_.lost()) {
          emit(errorEvent(command.id, "clipboard: lost the X display"));
          continue;
        }
        if (command.kind == Command::Set) {
          if (take(std::move(command.text))) {
            ClipboardEvent done;
            done.kind = ClipboardEvent::Kind::Text;
            done.requestId = command.id;
            emit(std::move(done));
          } else {
            emit(errorEvent(command.id, conn_.lost() ? "clipboard: lost the X display"
                                                     : "clipboard: another program kept the clipboard"));
          }
        } else {
          answer(command.id);
        }
      }
      if (conn_.lost()) {
        pollfd wait{wake_[0], POLLIN, 0};
        poll(&wait, 1, 1000);
        continue;
      }
      while (XPending(dpy_)) {
        XEvent event;
        XNextEvent(dpy_, &event);
        dispatch(event);
      }
      if (conn_.lost()) continue;
      pollfd fds[2] = {{xfd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      poll(fds, 2, 1000);
    }
  }

  static ClipboardEvent errorEvent(uint64_t id, std::string reason) {
    ClipboardEvent event;
    event.kind = ClipboardEvent::Kind::Error;
    event.requestId = id;
    event.text = std::move(reason);
    return event;
  }

  void dispatch(XEvent& event) {
    if (event.type == SelectionRequest) {
      serve(event.xselectionrequest);
    } else if (event.type == SelectionClear && event.xselectionclear.selection == clipboard_) {
      owned_ = false;
      ownText_.clear();
    } else if (fixesEventBase_ >= 0 && event.type == fixesEventBase_ + XFixesSelectionNotify) {
      auto& notify = reinterpret_cast<XFixesSelectionNotifyEvent&>(event);
      if (notify.selection != clipboard_ || notify.owner == window_ || notify.owner == None) return;
      Fetched fetched = fetch();
      // One more try when the new owner did not answer: some owners (xclip) fork right after taking the
      // selection, and a request that reaches the parent just before it exits is lost.
      if (fetched.result == Fetched::Failed && !conn_.lost()) fetched = fetch();
      ClipboardEvent change;
      change.kind = ClipboardEvent::Kind::Change;
      if (fetched.result == Fetched::TooLarge) {
        change.tooLarge = true;
        lastReported_.clear();
        emit(std::move(change));
      } else if (fetched.result == Fetched::Ok && fetched.text != lastReported_) {
        lastReported_ = fetched.text;
        change.text = std::move(fetched.text);
        emit(std::move(change));
      }
    }
  }

  // A server timestamp for XSetSelectionOwner (ICCCM asks for a real one, not CurrentTime).
  Time serverTime() {
    XChangeProperty(dpy_, window_, timeProperty_, XA_STRING, 8, PropModeAppend, nullptr, 0);
    XFlush(dpy_);
    XEvent event;
    const auto deadline = Clock::now() + kTransferTimeout;
    const bool ok = waitFor(event, deadline, [this](const XEvent& e) {
      return e.type == PropertyNotify && e.xproperty.window == window_ && e.xproperty.atom == timeProperty_;
    });
    return ok ? event.xproperty.time : CurrentTime;
  }

  bool take(std::string text) {
    ownText_ = std::move(text);
    lastReported_ = ownText_;
    const Time time = serverTime();
    XSetSelectionOwner(dpy_, clipboard_, window_, time);
    owned_ = XGetSelectionOwner(dpy_, clipboard_) == window_;
    ownTime_ = time;
    return owned_ && !conn_.lost();
  }

  void answer(uint64_t id) {
    ClipboardEvent event;
    event.kind = ClipboardEvent::Kind::Text;
    event.requestId = id;
    if (owned_) {
      event.text = ownText_;
      emit(std::move(event));
      return;
    }
    Fetched fetched = fetch();
    if (conn_.lost()) {
      emit(errorEvent(id, "clipboard: lost the X display"));
      return;
    }
    switch (fetched.result) {
      case Fetched::Ok:
        event.text = std::move(fetched.text);
        emit(std::move(event));
        break;
      case Fetched::NoText:
        event.tooLarge = false;
        event.text.clear();
        event.noText = true;
        emit(std::move(event));
        break;
      case Fetched::TooLarge:
        emit(errorEvent(id, "clipboard: the clipboard text is over the " + std::to_string(maxBytes_) + " byte limit"));
        break;
      case Fetched::Failed:
        emit(errorEvent(id, "clipboard: " + fetched.error));
        break;
    }
  }

  // Waits for an event matching `match` (other events stay queued) until `deadline`.
  template <typename Match>
  bool waitFor(XEvent& out, Clock::time_point deadline, Match match) {
    struct Context {
      Match* match;
    } context{&match};
    auto predicate = [](Display*, XEvent* e, XPointer arg) -> Bool {
      return (*reinterpret_cast<Context*>(arg)->match)(*e) ? True : False;
    };
    for (;;) {
      if (XCheckIfEvent(dpy_, &out, predicate, reinterpret_cast<XPointer>(&context))) return true;
      if (conn_.lost() || closing_) return false;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd fd{ConnectionNumber(dpy_), POLLIN, 0};
      poll(&fd, 1, int(std::min<long long>(left, 50)));  // short slices: close() must not wait for a slow owner
      XEventsQueued(dpy_, QueuedAfterReading);
    }
  }

  Fetched fetch() {
    Fetched result = convert(utf8_);
    if (result.result == Fetched::NoText) result = convert(XA_STRING);
    return result;
  }

  Fetched convert(Atom target) {
    Fetched result;
    if (XGetSelectionOwner(dpy_, clipboard_) == None) {
      result.result = Fetched::NoText;
      return result;
    }
    XDeleteProperty(dpy_, window_, property_);
    XConvertSelection(dpy_, clipboard_, target, property_, window_, CurrentTime);
    XFlush(dpy_);
    XEvent event;
    auto deadline = Clock::now() + kTransferTimeout;
    if (!waitFor(event, deadline, [this](const XEvent& e) {
          return e.type == SelectionNotify && e.xselection.requestor == window_ && e.xselection.selection == clipboard_;
        })) {
      result.error = conn_.lost() ? "lost the X display" : "the clipboard owner did not answer";
      return result;
    }
    if (event.xselection.property == None) {
      result.result = Fetched::NoText;
      return result;
    }
    // Forget the PropertyNotify events of our property queued so far (the owner writing the answer, our own
    // delete): an INCR transfer must wait for values written after this point.
    XEvent stale;
    while (XCheckIfEvent(dpy_, &stale, &X11Clipboard::isOurPropertyEvent, reinterpret_cast<XPointer>(this))) {
    }
    Atom type = None;
    std::string bytes;
    bool tooLarge = false;
    if (!readProperty(type, bytes, tooLarge)) {
      result.error = "can't read the clipboard property";
      return result;
    }
    if (type == incr_) {
      // INCR: each deletion of the property asks the owner for the next chunk; a zero-length chunk ends it.
      bytes.clear();
      for (;;) {
        deadline = Clock::now() + kTransferTimeout;
        if (!waitFor(event, deadline, [this](const XEvent& e) {
              return e.type == PropertyNotify && e.xproperty.window == window_ && e.xproperty.atom == property_ &&
                     e.xproperty.state == PropertyNewValue;
            })) {
          result.error = "the clipboard owner stopped in the middle of a transfer";
          return result;
        }
        std::string chunk;
        bool chunkTooLarge = false;
        if (!readProperty(type, chunk, chunkTooLarge)) {
          result.error = "can't read the clipboard property";
          return result;
        }
        if (type == None) continue;  // not there (any more): not the end, which is a zero-length value
        if (chunk.empty()) break;
        if (chunkTooLarge || bytes.size() + chunk.size() > maxBytes_) {
          tooLarge = true;
          break;
        }
        bytes += chunk;
      }
    }
    if (tooLarge) {
      result.result = Fetched::TooLarge;
      return result;
    }
    if (type == XA_STRING || type == textPlain_) {
      result.text = latin1ToUtf8(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    } else if (type == utf8_ || type == textPlainUtf8_ || type == text_) {
      result.text = std::move(bytes);
    } else {
      result.result = Fetched::NoText;
      return result;
    }
    if (result.text.size() > maxBytes_) {
      result.result = Fetched::TooLarge;
      result.text.clear();
      return result;
    }
    result.result = Fetched::Ok;
    return result;
  }

  static Bool isOurPropertyEvent(Display*, XEvent* e, XPointer self) {
    auto* me = reinterpret_cast<X11Clipboard*>(self);
    return e->type == PropertyNotify && e->xproperty.window == me->window_ && e->xproperty.atom == me->property_;
  }

  // Reads and deletes our property (at most maxBytes_ + 1 bytes of it).
  bool readProperty(Atom& type, std::string& bytes, bool& tooLarge) {
    int format = 0;
    unsigned long items = 0, after = 0;
    unsigned char* data = nullptr;
    x11::ErrorTrap trap(dpy_);
    const long longs = long(maxBytes_ / 4 + 1);
    if (XGetWindowProperty(dpy_, window_, property_, 0, longs, True, AnyPropertyType, &type, &format, &items, &after,
                           &data) != Success) {
      return false;
    }
    if (type == incr_) {
      if (data) XFree(data);
      return true;
    }
    size_t bytesRead = format == 8 ? items : format == 16 ? items * 2 : items * 4;
    if (data && format == 8) bytes.assign(reinterpret_cast<char*>(data), bytesRead);
    if (data) XFree(data);
    if (after > 0) {
      tooLarge = true;
      XDeleteProperty(dpy_, window_, property_);
    }
    return true;
  }

  void serve(const XSelectionRequestEvent& request) {
    XSelectionEvent reply;
    std::memset(&reply, 0, sizeof reply);
    reply.type = SelectionNotify;
    reply.display = dpy_;
    reply.requestor = request.requestor;
    reply.selection = request.selection;
    reply.target = request.target;
    reply.time = request.time;
    reply.property = None;
    const Atom property = request.property == None ? request.target : request.property;  // obsolete clients
    x11::ErrorTrap trap(dpy_);  // the requestor may be gone already
    if (request.selection == clipboard_ && owned_) {
      if (request.target == targets_) {
        const Atom list[] = {targets_, utf8_, textPlainUtf8_, XA_STRING, text_, textPlain_, timestamp_};
        XChangeProperty(dpy_, request.requestor, property, XA_ATOM, 32, PropModeReplace,
                        reinterpret_cast<const unsigned char*>(list), int(sizeof list / sizeof list[0]));
        reply.property = property;
      } else if (request.target == timestamp_) {
        const long time = long(ownTime_);
        XChangeProperty(dpy_, request.requestor, property, XA_INTEGER, 32, PropModeReplace,
                        reinterpret_cast<const unsigned char*>(&time), 1);
        reply.property = property;
      } else if (request.target == utf8_ || request.target == textPlainUtf8_ || request.target == text_) {
        if (ownText_.size() <= maxReplyBytes_) {
          const Atom type = request.target == textPlainUtf8_ ? textPlainUtf8_ : utf8_;
          XChangeProperty(dpy_, request.requestor, property, type, 8, PropModeReplace,
                          reinterpret_cast<const unsigned char*>(ownText_.data()), int(ownText_.size()));
          reply.property = property;
        }
      } else if (request.target == XA_STRING || request.target == textPlain_) {
        const std::string latin1 = utf8ToLatin1(ownText_);
        if (latin1.size() <= maxReplyBytes_) {
          XChangeProperty(dpy_, request.requestor, property, XA_STRING, 8, PropModeReplace,
                          reinterpret_cast<const unsigned char*>(latin1.data()), int(latin1.size()));
          reply.property = property;
        }
      }
    }
    XSendEvent(dpy_, request.requestor, False, NoEventMask, reinterpret_cast<XEvent*>(&reply));
    XFlush(dpy_);
  }

  x11::Connection conn_;
  Display* dpy_ = nullptr;
  size_t maxBytes_;
  size_t maxReplyBytes_ = 0;
  ClipboardCallback callback_;
  Window window_ = 0;
  Atom clipboard_ = 0, utf8_ = 0, targets_ = 0, text_ = 0, textPlain_ = 0, textPlainUtf8_ = 0, timestamp_ = 0,
       incr_ = 0, property_ = 0, timeProperty_ = 0;
  int fixesEventBase_ = -1;
  // Worker thread state.
  bool owned_ = false;
  std::string ownText_;
  Time ownTime_ = CurrentTime;
  std::string lastReported_;
  // Shared with the caller's thread.
  std::mutex mutex_;
  std::deque<Command> commands_;
  bool closed_ = false;
  std::atomic<bool> closing_{false};
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Clipboard> openClipboard(const std::string& display, size_t maxBytes, bool watchChanges,
                                         ClipboardCallback callback) {
  if (maxBytes == 0) throw CaptureError("clipboard: maxBytes must be at least 1");
  return std::make_unique<X11Clipboard>(display, maxBytes, watchChanges, std::move(callback));
}

}  // namespace tessera::capture
#endif
