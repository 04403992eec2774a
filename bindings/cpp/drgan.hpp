// drgan.hpp: a header-only C++17 wrapper over the drgan C API (drgan.h).
// SPDX-License-Identifier: MIT OR Apache-2.0
//
// What it gives you over the C header:
//  - RAII, move-only owners: drgan::Model (a DrganModel), drgan::Image (an image
//    decoded by drgan) and drgan::Gallery (enrolled people, searchable by feature).
//    Nothing in user code calls a drgan_*_free.
//  - drgan::ImageView, a non-owning view over pixels the caller owns (a camera frame,
//    a texture's bytes); drgan reads them only during a call.
//  - std::vector returns sized from the model (no buffer arithmetic), drgan::Span
//    (a std::span-style pointer + length) for inputs.
//  - For per-frame loops, overloads that write into the caller's memory and allocate
//    nothing: embed into an Embedding that is reused or a drgan::OutSpan<float> (any
//    float buffer), align/frontalize/rotate/synthesize into an RgbImage that is reused
//    or an OutSpan<uint8_t>, Gallery::search into a std::vector<Match> that is reused.
//  - Errors as drgan::Error, a std::runtime_error that carries the drgan::Status and the
//    library's message (drgan_last_error() of the failing call).
//  - Without exceptions: every call also has a `try_` form that is noexcept and returns
//    a drgan::Status (Status::Ok on success) with its results in out-parameters, and
//    drgan::last_error() gives the failure's message. In a build without exceptions
//    (-fno-exceptions, or DRGAN_NO_EXCEPTIONS defined before the include) only the try_
//    forms exist: no drgan::Error and no throwing member is declared.
//  - [[nodiscard]] on everything that returns a result, a handle or a status.
//
// Options built as users build them carry the library's defaults:
//
//     drgan::Options options;  // backend Auto, 2^28 pixels, 1 GiB models, 1 thread
//     options.backend = drgan::Backend::Cpu;
//     drgan::Model model = drgan::Model::open("path/to/bundle", options);
//
// Threads: a Model is immutable after it is opened; its const member functions may be
// called from many threads at once. A Gallery's member functions may too (searches run at
// once, writes take turns). Do not destroy or move-assign a Model or Gallery while another
// thread is using it. Image and the value types are plain data. last_error() is per thread.
//
// Build: add both include/ (for drgan.h) and bindings/cpp/ to the include path and link
// libdrgan (shared or static). Requires C++17.
//
//     drgan::Model model = drgan::Model::open("path/to/bundle");
//     drgan::Image photo = drgan::Image::load("face.jpg");
//     drgan::RgbImage crop = model.align(photo, {205.1f, 100.5f, /* ... 10 floats */});
//     drgan::Embedding e = model.embed(crop);
//     model.frontalize(crop, /*seed=*/1).save_png("front.png");
//
// The same without exceptions, and without allocating once `crop` and `e` have grown:
//
//     drgan::Model model;
//     if (drgan::Model::try_open("path/to/bundle", model) != drgan::Status::Ok) {
//         std::fprintf(stderr, "%s\n", drgan::last_error());
//     }
//     drgan::RgbImage crop;
//     drgan::Embedding e;
//     for (const Frame &frame : camera) {   // the caller's pixels and detector
//         if (model.try_align(frame.view, frame.landmarks, crop) == drgan::Status::Ok &&
//             model.try_embed(crop, e) == drgan::Status::Ok) { /* use e */ }
//     }

#ifndef DRGAN_HPP
#define DRGAN_HPP

#include "drgan.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "drgan.hpp requires C++17"
#endif

// DRGAN_NO_EXCEPTIONS: defined by the user to leave out the throwing forms, or here when
// the compiler has exceptions turned off. Define it the same way in every translation
// unit of a program (or leave it to the compiler's flags).
#if !defined(DRGAN_NO_EXCEPTIONS) && !defined(__cpp_exceptions) && !defined(__EXCEPTIONS) &&   \
    !defined(_CPPUNWIND)
#define DRGAN_NO_EXCEPTIONS 1
#endif

#ifndef DRGAN_NO_EXCEPTIONS
#include <stdexcept>
#endif

namespace drgan {

/// The result of a C call (DrganStatus). The throwing forms throw every value but Ok as
/// an Error; the try_ forms return it.
enum class Status : int32_t {
    Ok = DRGAN_STATUS_OK,
    NullArgument = DRGAN_STATUS_NULL_ARGUMENT,
    InvalidArgument = DRGAN_STATUS_INVALID_ARGUMENT,
    BufferTooSmall = DRGAN_STATUS_BUFFER_TOO_SMALL,
    Io = DRGAN_STATUS_IO,
    InvalidModel = DRGAN_STATUS_INVALID_MODEL,
    ModelMismatch = DRGAN_STATUS_MODEL_MISMATCH,
    ImageDecode = DRGAN_STATUS_IMAGE_DECODE,
    OutOfRange = DRGAN_STATUS_OUT_OF_RANGE,
    Unsupported = DRGAN_STATUS_UNSUPPORTED,
    BackendUnavailable = DRGAN_STATUS_BACKEND_UNAVAILABLE,
    Inference = DRGAN_STATUS_INFERENCE,
    LimitExceeded = DRGAN_STATUS_LIMIT_EXCEEDED,
    Panic = DRGAN_STATUS_PANIC,
    Gallery = DRGAN_STATUS_GALLERY,
};

/// Layout of one pixel (DrganPixelFormat).
enum class PixelFormat : int32_t {
    Rgb8 = DRGAN_PIXEL_FORMAT_RGB8,
    Rgba8 = DRGAN_PIXEL_FORMAT_RGBA8,
    Bgr8 = DRGAN_PIXEL_FORMAT_BGR8,
    Bgra8 = DRGAN_PIXEL_FORMAT_BGRA8,
    Gray8 = DRGAN_PIXEL_FORMAT_GRAY8,
    /// YUV 4:2:0 (BT.601 full range): `height` rows of Y, then ⌈height/2⌉ rows of
    /// interleaved U, V pairs, all `stride_bytes` apart (iOS camera buffers, video
    /// decoders); the stride holds the width rounded up to even.
    Nv12 = DRGAN_PIXEL_FORMAT_NV12,
    /// As Nv12 with V before U: Android's camera preview format.
    Nv21 = DRGAN_PIXEL_FORMAT_NV21,
    /// YUV 4:2:0 in three planes: `height` rows of Y `stride_bytes` apart, then the U
    /// plane, then the V plane, each ⌈height/2⌉ rows ⌈stride_bytes/2⌉ bytes apart.
    I420 = DRGAN_PIXEL_FORMAT_I420,
};

/// A dense detector's landmark set, for landmarks_convert (DrganLandmarkScheme).
enum class LandmarkScheme : int32_t {
    /// dlib's 68-point shape predictor (iBUG 300-W layout, 0-based): 136 floats.
    Dlib68 = DRGAN_LANDMARK_SCHEME_DLIB68,
    /// MediaPipe Face Mesh: 468 points (936 floats), or 478 with irises (956 floats).
    FaceMesh = DRGAN_LANDMARK_SCHEME_FACE_MESH,
};

/// Where inference runs (DrganBackend).
enum class Backend : int32_t {
    Auto = DRGAN_BACKEND_AUTO,
    Cpu = DRGAN_BACKEND_CPU,
    Gpu = DRGAN_BACKEND_GPU,
};

/// The header's name of a status, e.g. "DRGAN_STATUS_IO". Never null; static.
[[nodiscard]] inline const char *status_name(Status status) noexcept {
    return drgan_status_name(static_cast<int32_t>(status));
}

/// Bytes per pixel of a format: of its Y plane for the YUV formats (whose U and V add
/// half as much again below it); 0 for a value that is no format.
[[nodiscard]] inline constexpr std::size_t bytes_per_pixel(PixelFormat format) noexcept {
    switch (format) {
    case PixelFormat::Rgb8:
    case PixelFormat::Bgr8:
        return 3;
    case PixelFormat::Rgba8:
    case PixelFormat::Bgra8:
        return 4;
    case PixelFormat::Gray8:
    case PixelFormat::Nv12:
    case PixelFormat::Nv21:
    case PixelFormat::I420:
        return 1;
    }
    return 0;
}

/// The stride of tightly packed rows of `width` pixels: width × bytes per pixel, and
/// for Nv12/Nv21 the width rounded up to even (their U, V rows need it).
[[nodiscard]] inline constexpr std::size_t packed_stride(PixelFormat format,
                                                         uint32_t width) noexcept {
    return format == PixelFormat::Nv12 || format == PixelFormat::Nv21
               ? (std::size_t{width} + 1) / 2 * 2
               : std::size_t{width} * bytes_per_pixel(format);
}

namespace detail {
/// This thread's message of a failure the wrapper itself found (`own`), else the
/// library's message (drgan_last_error) is the one to report.
struct ErrorSlot {
    bool own = false;
    char text[256] = {};
};

inline ErrorSlot &error_slot() noexcept {
    static thread_local ErrorSlot slot;
    return slot;
}

/// The Status of a C call; a failure's message is the library's.
inline Status from_c(DrganStatus status) noexcept {
    if (status != DRGAN_STATUS_OK) {
        error_slot().own = false;
    }
    return static_cast<Status>(status);
}

/// The slot, marked as holding the wrapper's message (which the caller writes).
inline ErrorSlot &own_error() noexcept {
    ErrorSlot &slot = error_slot();
    slot.own = true;
    return slot;
}

/// A failure found by the wrapper, with its message.
inline Status fail(Status status, const char *message) noexcept {
    ErrorSlot &slot = own_error();
    std::size_t n = 0;
    while (n + 1 < sizeof slot.text && message[n] != '\0') {
        slot.text[n] = message[n];
        ++n;
    }
    slot.text[n] = '\0';
    return status;
}

/// A valid pointer for an empty input: drgan then reports the length (INVALID_ARGUMENT and
/// the like), not a NULL.
template <class T> const T *nonnull(const T *data) noexcept {
    static const T empty{};
    return data != nullptr ? data : &empty;
}

/// A valid pointer for an empty output: drgan then reports BUFFER_TOO_SMALL, not a NULL.
template <class T> T *writable(T *data, T &scratch) noexcept {
    return data != nullptr ? data : &scratch;
}

/// Sets `out` to the string in a fixed-size char field, up to its first NUL (or all of
/// it); reuses `out`'s capacity.
inline void assign_terminated(std::string &out, const char *chars, std::size_t capacity) {
    std::size_t n = 0;
    while (n < capacity && chars[n] != '\0') {
        ++n;
    }
    out.assign(chars, n);
}
} // namespace detail

/// The message of the last failure on this thread: of a try_ form (read it right after
/// the call that returned something other than Status::Ok), or of a C call. Never null;
/// valid until the next failing drgan call on this thread.
[[nodiscard]] inline const char *last_error() noexcept {
    const detail::ErrorSlot &slot = detail::error_slot();
    return slot.own ? slot.text : drgan_last_error();
}

#ifndef DRGAN_NO_EXCEPTIONS
/// A failed drgan call: the status and the library's message for it.
class Error : public std::runtime_error {
  public:
    Error(Status status, const std::string &message)
        : std::runtime_error(std::string(status_name(status)) + ": " + message),
          status_(status), message_(message) {}

    /// The status the C call returned.
    [[nodiscard]] Status status() const noexcept { return status_; }
    /// The library's message alone (what() is "STATUS_NAME: message").
    [[nodiscard]] const std::string &message() const noexcept { return message_; }

  private:
    Status status_;
    std::string message_;
};

namespace detail {
/// Throws an Error for a non-OK status, with this thread's last-error message.
inline void check(Status status) {
    if (status != Status::Ok) {
        throw Error(status, last_error());
    }
}
} // namespace detail
#endif // DRGAN_NO_EXCEPTIONS

/// The version of the loaded library, e.g. "0.1.0" (DRGAN_VERSION is the header's).
[[nodiscard]] inline std::string version() { return drgan_version(); }

/// The ABI version this wrapper was written for; drgan.h's DRGAN_ABI_VERSION must equal
/// it (checked when compiling), and so must the loaded library's abi_version() (see
/// abi_compatible(); checked before a Model is opened or an Image loaded or decoded).
inline constexpr uint32_t wrapper_abi_version = 2;
static_assert(DRGAN_ABI_VERSION == wrapper_abi_version,
              "drgan.hpp is for ABI version 2 of drgan.h: use the drgan.h it came with");

/// The ABI version of the loaded library; must equal DRGAN_ABI_VERSION.
[[nodiscard]] inline uint32_t abi_version() noexcept { return drgan_abi_version(); }

/// Whether the loaded library has the ABI this header was written for.
[[nodiscard]] inline bool abi_compatible() noexcept {
    return drgan_abi_version() == wrapper_abi_version;
}

namespace detail {
// Status::InvalidArgument, with a message, when the loaded library's ABI is not this
// wrapper's: checked before the calls whose signatures changed between ABIs.
inline Status require_abi() noexcept {
    if (abi_compatible()) {
        return Status::Ok;
    }
    ErrorSlot &error = own_error();
    std::snprintf(error.text, sizeof error.text,
                  "the loaded drgan library has ABI version %lu, this header expects %lu",
                  static_cast<unsigned long>(drgan_abi_version()),
                  static_cast<unsigned long>(wrapper_abi_version));
    return Status::InvalidArgument;
}
} // namespace detail

/// A read-only pointer + length over contiguous elements, like std::span<const T>.
/// Converts from std::vector, std::array, C arrays and initializer lists (the last only
/// for the duration of the full expression, as with std::span).
template <class T> class Span {
  public:
    constexpr Span() noexcept = default;
    constexpr Span(const T *data, std::size_t size) noexcept : data_(data), size_(size) {}
    template <class A>
    Span(const std::vector<T, A> &v) noexcept : data_(v.data()), size_(v.size()) {}
    template <std::size_t N>
    constexpr Span(const std::array<T, N> &a) noexcept : data_(a.data()), size_(N) {}
    template <std::size_t N> constexpr Span(const T (&a)[N]) noexcept : data_(a), size_(N) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime" // intended: lives for the full expression
#endif
    constexpr Span(std::initializer_list<T> l) noexcept : data_(l.begin()), size_(l.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

    [[nodiscard]] constexpr const T *data() const noexcept { return data_; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] constexpr const T *begin() const noexcept { return data_; }
    [[nodiscard]] constexpr const T *end() const noexcept { return data_ + size_; }
    [[nodiscard]] constexpr const T &operator[](std::size_t i) const noexcept { return data_[i]; }

  private:
    const T *data_ = nullptr;
    std::size_t size_ = 0;
};

/// A writable pointer + length over the caller's memory, like std::span<T>: where the
/// overloads for per-frame loops write their results (nothing is allocated). Converts
/// from a std::vector (its size() is the buffer's length; it is never resized), a
/// std::array and a C array; a std::span or any other buffer passes as {data, size}.
/// A buffer too short for the result is Status::BufferTooSmall.
template <class T> class OutSpan {
  public:
    constexpr OutSpan() noexcept = default;
    constexpr OutSpan(T *data, std::size_t size) noexcept : data_(data), size_(size) {}
    template <class A> OutSpan(std::vector<T, A> &v) noexcept : data_(v.data()), size_(v.size()) {}
    template <std::size_t N>
    constexpr OutSpan(std::array<T, N> &a) noexcept : data_(a.data()), size_(N) {}
    template <std::size_t N> constexpr OutSpan(T (&a)[N]) noexcept : data_(a), size_(N) {}

    [[nodiscard]] constexpr T *data() const noexcept { return data_; }
    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] constexpr T *begin() const noexcept { return data_; }
    [[nodiscard]] constexpr T *end() const noexcept { return data_ + size_; }
    [[nodiscard]] constexpr T &operator[](std::size_t i) const noexcept { return data_[i]; }

  private:
    T *data_ = nullptr;
    std::size_t size_ = 0;
};

/// A non-owning description of pixels: `height` rows of `stride_bytes` bytes, each
/// starting with `width` pixels of `format` (the YUV formats: their planes, see
/// PixelFormat). The pixels must outlive every call the view is passed to; drgan only
/// reads them during the call.
struct ImageView {
    const uint8_t *data = nullptr;
    uint32_t width = 0;
    uint32_t height = 0;
    std::size_t stride_bytes = 0;
    PixelFormat format = PixelFormat::Rgb8;
    /// Rows stored bottom row first (Unity textures, OpenGL read-backs).
    bool bottom_up = false;

    constexpr ImageView() noexcept = default;
    /// Rows `stride_bytes` apart.
    constexpr ImageView(const uint8_t *data_, uint32_t width_, uint32_t height_,
                        std::size_t stride_bytes_, PixelFormat format_) noexcept
        : data(data_), width(width_), height(height_), stride_bytes(stride_bytes_),
          format(format_) {}
    /// Tightly packed rows (stride = packed_stride(format, width)).
    constexpr ImageView(const uint8_t *data_, uint32_t width_, uint32_t height_,
                        PixelFormat format_) noexcept
        : ImageView(data_, width_, height_, packed_stride(format_, width_), format_) {}

    /// The C description of the same pixels.
    [[nodiscard]] DrganImage raw() const noexcept {
        DrganImage image{};
        image.data = data;
        image.width = width;
        image.height = height;
        image.stride_bytes = stride_bytes;
        image.format = static_cast<int32_t>(format) | (bottom_up ? DRGAN_IMAGE_BOTTOM_UP : 0);
        return image;
    }

    /// Writes the pixels to `path` as an 8-bit PNG (RGB, or grey for Gray8).
    [[nodiscard]] Status try_save_png(const std::string &path) const noexcept {
        const DrganImage image = raw();
        return detail::from_c(drgan_image_save_png(path.c_str(), &image));
    }
#ifndef DRGAN_NO_EXCEPTIONS
    /// Writes the pixels to `path` as an 8-bit PNG (RGB, or grey for Gray8).
    void save_png(const std::string &path) const { detail::check(try_save_png(path)); }
#endif
};

/// A tightly packed RGB8 image held in a std::vector: what align, frontalize, rotate
/// and synthesize return (square, the model's input size). Passed to their overloads
/// that write into it, its pixels are resized to the model's image_bytes, which
/// allocates only the first time.
struct RgbImage {
    std::vector<uint8_t> pixels;
    uint32_t width = 0;
    uint32_t height = 0;

    /// A view over `pixels`; valid while this object lives and is not resized.
    [[nodiscard]] ImageView view() const noexcept {
        return ImageView(pixels.data(), width, height, std::size_t{3} * width, PixelFormat::Rgb8);
    }
    operator ImageView() const noexcept { return view(); }
    /// Writes the image to `path` as a PNG.
    [[nodiscard]] Status try_save_png(const std::string &path) const noexcept {
        return view().try_save_png(path);
    }
#ifndef DRGAN_NO_EXCEPTIONS
    /// Writes the image to `path` as a PNG.
    void save_png(const std::string &path) const { view().save_png(path); }
#endif
};

/// Options for opening a model, and for Image::load/decode (their max_image_pixels). A
/// default-constructed Options holds the library's defaults (those of
/// drgan_options_default: Backend::Auto, 2^28 pixels, 1 GiB model files, 1 thread);
/// change what you need:
///
///     drgan::Options options;
///     options.backend = drgan::Backend::Cpu;
///
/// It is an aggregate, so `drgan::Options{drgan::Backend::Cpu}` (and in C++20
/// `drgan::Options{.backend = drgan::Backend::Cpu}`) keep the other defaults too.
struct Options {
    Backend backend = Backend::Auto;
    /// Largest input or decoded image, in pixels (width × height); at least 1.
    uint64_t max_image_pixels = uint64_t{1} << 28;
    /// Largest model file, in bytes; at least 1.
    uint64_t max_model_bytes = uint64_t{1} << 30;
    /// Threads one call may use: 1 runs each call on the calling thread alone, n > 1
    /// gives the model its own pool of n threads, 0 means one per available core; at
    /// most 256. Results are the same for every value. Default 1 (apps usually call from
    /// their own worker threads).
    uint32_t threads = 1;

    /// The loaded library's defaults (drgan_options_default); the same as Options{} for
    /// the library this header belongs to.
    [[nodiscard]] static Options defaults() noexcept {
        DrganOptions raw{};
        raw.struct_size = sizeof raw;
        Options options;
        if (drgan_options_default(&raw) == DRGAN_STATUS_OK) {
            options.backend = static_cast<Backend>(raw.backend);
            options.max_image_pixels = raw.max_image_pixels;
            options.max_model_bytes = raw.max_model_bytes;
            options.threads = raw.threads;
        }
        return options;
    }

    /// The C struct, starting from the library's defaults for fields this type lacks.
    [[nodiscard]] DrganOptions raw() const noexcept {
        DrganOptions out{};
        out.struct_size = sizeof out;
        if (drgan_options_default(&out) != DRGAN_STATUS_OK) {
            out.reserved = 0; // cannot happen (struct_size is right): nothing else to keep
        }
        out.backend = static_cast<int32_t>(backend);
        out.max_image_pixels = max_image_pixels;
        out.max_model_bytes = max_model_bytes;
        out.threads = threads;
        return out;
    }
};

/// An image decoded by drgan (tightly packed RGB8; a DrganDecodedImage), released when
/// this owner goes. Move-only.
///
/// load and decode take Options whose max_image_pixels bounds the image (checked from
/// the header, before decoding: Status::LimitExceeded); without them, the library's
/// defaults (2^28 pixels).
class Image {
  public:
#ifndef DRGAN_NO_EXCEPTIONS
    /// Reads and decodes a PNG or JPEG file, turned upright by its EXIF orientation.
    [[nodiscard]] static Image load(const std::string &path, const Options &options = Options{}) {
        Image out;
        detail::check(try_load(path, options, out));
        return out;
    }
    /// Decodes an in-memory PNG or JPEG, turned upright by its EXIF orientation.
    [[nodiscard]] static Image decode(Span<uint8_t> bytes, const Options &options = Options{}) {
        Image out;
        detail::check(try_decode(bytes, options, out));
        return out;
    }
#endif
    /// load without exceptions, with the library's default options: on success `out`
    /// holds the image; on failure it is left as it was.
    [[nodiscard]] static Status try_load(const std::string &path, Image &out) noexcept {
        return load_raw(path, nullptr, out);
    }
    /// load without exceptions, `options` bounding the image; `out` as above.
    [[nodiscard]] static Status try_load(const std::string &path, const Options &options,
                                         Image &out) noexcept {
        const DrganOptions raw = options.raw();
        return load_raw(path, &raw, out);
    }
    /// decode without exceptions, with the library's default options; `out` as try_load's.
    [[nodiscard]] static Status try_decode(Span<uint8_t> bytes, Image &out) noexcept {
        return decode_raw(bytes, nullptr, out);
    }
    /// decode without exceptions, `options` bounding the image; `out` as try_load's.
    [[nodiscard]] static Status try_decode(Span<uint8_t> bytes, const Options &options,
                                           Image &out) noexcept {
        const DrganOptions raw = options.raw();
        return decode_raw(bytes, &raw, out);
    }

    /// An empty Image (as a moved-from one), for try_load and try_decode to fill.
    Image() noexcept = default;
    Image(Image &&) noexcept = default;
    Image &operator=(Image &&) noexcept = default;
    Image(const Image &) = delete;
    Image &operator=(const Image &) = delete;
    ~Image() = default;

    /// False only for an empty or moved-from Image (whose accessors return zeros).
    explicit operator bool() const noexcept { return image_ != nullptr; }
    [[nodiscard]] uint32_t width() const noexcept { return image_ ? image_->image.width : 0; }
    [[nodiscard]] uint32_t height() const noexcept { return image_ ? image_->image.height : 0; }
    [[nodiscard]] std::size_t stride_bytes() const noexcept {
        return image_ ? image_->image.stride_bytes : 0;
    }
    [[nodiscard]] PixelFormat format() const noexcept {
        return image_ ? static_cast<PixelFormat>(image_->image.format) : PixelFormat::Rgb8;
    }
    /// The pixels, `height() * stride_bytes()` bytes.
    [[nodiscard]] const uint8_t *data() const noexcept {
        return image_ ? image_->image.data : nullptr;
    }
    /// A view over the pixels; valid while this Image lives.
    [[nodiscard]] ImageView view() const noexcept {
        return ImageView(data(), width(), height(), stride_bytes(), format());
    }
    operator ImageView() const noexcept { return view(); }
    [[nodiscard]] Status try_save_png(const std::string &path) const noexcept {
        return view().try_save_png(path);
    }
#ifndef DRGAN_NO_EXCEPTIONS
    void save_png(const std::string &path) const { view().save_png(path); }
#endif
    /// The C handle (still owned by this object; NULL when empty). Its `image` member
    /// is what the C calls that take a `const DrganImage*` want.
    [[nodiscard]] const DrganDecodedImage *get() const noexcept { return image_.get(); }

  private:
    struct Free {
        void operator()(DrganDecodedImage *image) const noexcept { drgan_image_free(image); }
    };
    std::unique_ptr<DrganDecodedImage, Free> image_;

    static Status load_raw(const std::string &path, const DrganOptions *options,
                           Image &out) noexcept {
        const Status abi = detail::require_abi();
        if (abi != Status::Ok) {
            return abi;
        }
        DrganDecodedImage *raw = nullptr;
        const Status status = detail::from_c(drgan_image_load(path.c_str(), options, &raw));
        if (status == Status::Ok) {
            out.image_.reset(raw);
        }
        return status;
    }
    static Status decode_raw(Span<uint8_t> bytes, const DrganOptions *options,
                             Image &out) noexcept {
        const Status abi = detail::require_abi();
        if (abi != Status::Ok) {
            return abi;
        }
        DrganDecodedImage *raw = nullptr;
        const Status status = detail::from_c(
            drgan_image_decode(detail::nonnull(bytes.data()), bytes.size(), options, &raw));
        if (status == Status::Ok) {
            out.image_.reset(raw);
        }
        return status;
    }
};

/// What a model is (drgan_model_info).
struct ModelInfo {
    uint32_t format_version = 0;
    /// Side of the square input and output images.
    uint32_t input_size = 0;
    /// Length of an identity feature.
    std::size_t feature_dim = 0;
    std::size_t noise_dim = 0;
    std::size_t pose_count = 0;
    /// Bytes of an RgbImage the model returns (input_size² × 3).
    std::size_t image_bytes = 0;
    float min_yaw = 0.0f;
    float max_yaw = 0.0f;
    /// The canonical five points (x1, y1, ..., x5, y5) in input pixels.
    std::array<float, 10> landmarks{};
    bool has_pose_head = false;
    Backend encoder_backend = Backend::Cpu;
    Backend decoder_backend = Backend::Cpu;
    /// The bundle's network configuration name.
    std::string config;
    /// What the bundle was trained on.
    std::string trained_on;
    /// Threads a call may use (Options::threads, with 0 resolved to the number of cores).
    std::size_t threads = 0;
};

/// An identity feature and the encoder's confidence in it, in (0, 1). Passed to the
/// overloads that write into it, its feature is resized to the model's feature_dim,
/// which allocates only the first time.
struct Embedding {
    std::vector<float> feature;
    float confidence = 0.0f;
};

/// The cosine similarity of two features, in [-1, 1], into `out`.
[[nodiscard]] inline Status try_similarity(Span<float> a, Span<float> b, float &out) noexcept {
    return detail::from_c(drgan_similarity(detail::nonnull(a.data()), a.size(),
                                           detail::nonnull(b.data()), b.size(), &out));
}

/// The coarse yaw in degrees that five detector landmarks (as for Model::align) imply,
/// into `out`; positive when the face is turned toward the image's right. Needs no model.
[[nodiscard]] inline Status try_landmark_yaw(Span<float> landmarks, float &out) noexcept {
    return detail::from_c(
        drgan_landmark_yaw(detail::nonnull(landmarks.data()), landmarks.size(), &out));
}

/// The five points Model::align takes (x1, y1, ..., x5, y5), from a dense detector's
/// landmarks (`points`: x, y a point, in image pixels) of `scheme`, into `out` (at least
/// 10 floats): dlib 68 (each eye the mean of its contour, nose tip 30, mouth corners 48
/// and 54) or MediaPipe Face Mesh (each eye the midpoint of its corners, nose tip 1,
/// mouth corners 61 and 291). Eyes and mouth corners come out in image order.
[[nodiscard]] inline Status try_landmarks_convert(LandmarkScheme scheme, Span<float> points,
                                                  OutSpan<float> out) noexcept {
    float scratch = 0.0f;
    return detail::from_c(drgan_landmarks_convert(static_cast<int32_t>(scheme),
                                                  detail::nonnull(points.data()), points.size(),
                                                  detail::writable(out.data(), scratch),
                                                  out.size()));
}

#ifndef DRGAN_NO_EXCEPTIONS
/// The five points Model::align takes, from a dense detector's landmarks (see
/// try_landmarks_convert):
///
///     model.align(frame, drgan::landmarks_convert(drgan::LandmarkScheme::Dlib68, shape));
[[nodiscard]] inline std::array<float, 10> landmarks_convert(LandmarkScheme scheme,
                                                             Span<float> points) {
    std::array<float, 10> out{};
    detail::check(try_landmarks_convert(scheme, points, out));
    return out;
}

/// The cosine similarity of two features, in [-1, 1].
[[nodiscard]] inline float similarity(Span<float> a, Span<float> b) {
    float out = 0.0f;
    detail::check(try_similarity(a, b, out));
    return out;
}

/// The similarity of two embeddings' features.
[[nodiscard]] inline float similarity(const Embedding &a, const Embedding &b) {
    return similarity(Span<float>(a.feature), Span<float>(b.feature));
}

/// The coarse yaw in degrees that five detector landmarks (as for Model::align) imply;
/// positive when the face is turned toward the image's right. Needs no model.
[[nodiscard]] inline float landmark_yaw(Span<float> landmarks) {
    float yaw = 0.0f;
    detail::check(try_landmark_yaw(landmarks, yaw));
    return yaw;
}
#endif

/// A loaded DR-GAN bundle. Move-only; freed when destroyed. Const member functions are
/// safe to call from many threads at once.
///
/// Each operation comes in two forms: the throwing one (left out without exceptions),
/// which returns its result or throws drgan::Error, and the try_ one, noexcept, which
/// returns the Status and writes its result into an out-parameter (on failure a handle
/// out-parameter is left as it was, a buffer's contents are unspecified, and an empty
/// Model touches none; last_error() gives the message). Running out of memory while a
/// std::vector or std::string grows ends the program in a try_ form, as it does anyway
/// in a build without exceptions.
///
/// The overloads taking an Embedding, RgbImage or OutSpan write into the caller's memory
/// and allocate nothing once it has grown: what a per-frame loop should call.
class Model {
  public:
#ifndef DRGAN_NO_EXCEPTIONS
    /// Opens the bundle in directory `dir` with the library's default options.
    [[nodiscard]] static Model open(const std::string &dir) {
        Model out;
        detail::check(try_open(dir, out));
        return out;
    }
    /// Opens the bundle in directory `dir`.
    [[nodiscard]] static Model open(const std::string &dir, const Options &options) {
        Model out;
        detail::check(try_open(dir, options, out));
        return out;
    }
    /// Opens a bundle from ONNX bytes in memory; `pose` may be empty (no pose head).
    /// The bytes are only read during the call.
    [[nodiscard]] static Model open_memory(Span<uint8_t> encoder, Span<uint8_t> decoder,
                                           Span<uint8_t> pose = {}) {
        Model out;
        detail::check(try_open_memory(encoder, decoder, pose, out));
        return out;
    }
    [[nodiscard]] static Model open_memory(Span<uint8_t> encoder, Span<uint8_t> decoder,
                                           Span<uint8_t> pose, const Options &options) {
        Model out;
        detail::check(try_open_memory(encoder, decoder, pose, options, out));
        return out;
    }
    /// Opens the default model embedded in the library (models/default of the drgan
    /// sources; no file is read) with the library's default options. Each call builds a
    /// new model: open it once and share it. Throws Status::Unsupported when the library
    /// was built without it (cargo feature `default-model`).
    [[nodiscard]] static Model open_default() {
        Model out;
        detail::check(try_open_default(out));
        return out;
    }
    /// Opens the embedded default model with `options`.
    [[nodiscard]] static Model open_default(const Options &options) {
        Model out;
        detail::check(try_open_default(options, out));
        return out;
    }
#endif

    /// open without exceptions: on success `out` holds the model (a model it held is
    /// freed); on failure it is left as it was.
    [[nodiscard]] static Status try_open(const std::string &dir, Model &out) noexcept {
        return open_raw(dir, nullptr, out);
    }
    [[nodiscard]] static Status try_open(const std::string &dir, const Options &options,
                                         Model &out) noexcept {
        const DrganOptions raw = options.raw();
        return open_raw(dir, &raw, out);
    }
    /// open_memory without exceptions; `out` as try_open's.
    [[nodiscard]] static Status try_open_memory(Span<uint8_t> encoder, Span<uint8_t> decoder,
                                                Span<uint8_t> pose, Model &out) noexcept {
        return open_memory_raw(encoder, decoder, pose, nullptr, out);
    }
    [[nodiscard]] static Status try_open_memory(Span<uint8_t> encoder, Span<uint8_t> decoder,
                                                Span<uint8_t> pose, const Options &options,
                                                Model &out) noexcept {
        const DrganOptions raw = options.raw();
        return open_memory_raw(encoder, decoder, pose, &raw, out);
    }
    /// open_default without exceptions (Status::Unsupported in a library built without
    /// the default model); `out` as try_open's.
    [[nodiscard]] static Status try_open_default(Model &out) noexcept {
        return open_default_raw(nullptr, out);
    }
    [[nodiscard]] static Status try_open_default(const Options &options, Model &out) noexcept {
        const DrganOptions raw = options.raw();
        return open_default_raw(&raw, out);
    }

    /// An empty Model (as a moved-from one), for the try_open forms to fill: every call
    /// on it fails with Status::NullArgument.
    Model() noexcept = default;
    Model(Model &&) noexcept = default;
    Model &operator=(Model &&) noexcept = default;
    Model(const Model &) = delete;
    Model &operator=(const Model &) = delete;
    ~Model() = default;

    /// Side of the square images the model takes and returns.
    [[nodiscard]] uint32_t input_size() const noexcept { return input_size_; }
    /// Length of an identity feature.
    [[nodiscard]] std::size_t feature_dim() const noexcept { return feature_dim_; }
    /// Bytes of the RGB8 images the model returns (input_size² × 3).
    [[nodiscard]] std::size_t image_bytes() const noexcept { return image_bytes_; }

#ifndef DRGAN_NO_EXCEPTIONS
    /// What the model is.
    [[nodiscard]] ModelInfo info() const {
        ModelInfo out;
        detail::check(try_info(out));
        return out;
    }

    /// The pose bins, yaws in degrees, ascending.
    [[nodiscard]] std::vector<float> pose_yaws() const {
        std::vector<float> out;
        detail::check(try_pose_yaws(out));
        return out;
    }

    /// The identity feature of one aligned face and the encoder's confidence.
    [[nodiscard]] Embedding embed(const ImageView &face) const {
        Embedding out;
        detail::check(try_embed(face, out));
        return out;
    }
    /// embed into `out`, reused: no allocation once its feature has grown.
    void embed(const ImageView &face, Embedding &out) const { detail::check(try_embed(face, out)); }
    /// embed into the caller's buffer (at least feature_dim floats; the first
    /// feature_dim are written); returns the confidence, which may be ignored.
    float embed(const ImageView &face, OutSpan<float> feature) const {
        float confidence = 0.0f;
        detail::check(try_embed(face, feature, confidence));
        return confidence;
    }

    /// The features of several aligned faces in one batched run, in order.
    [[nodiscard]] std::vector<Embedding> embed_batch(Span<ImageView> faces) const {
        std::vector<Embedding> out;
        detail::check(try_embed_batch(faces, out));
        return out;
    }
    /// embed_batch into the caller's buffers: face i's feature at features[i *
    /// feature_dim], its confidence at confidences[i] (features holds at least
    /// faces.size() × feature_dim floats, confidences faces.size()). Allocates nothing
    /// for up to 16 faces.
    void embed_batch(Span<ImageView> faces, OutSpan<float> features,
                     OutSpan<float> confidences) const {
        detail::check(try_embed_batch(faces, features, confidences));
    }

    /// One feature for several images of one person (confidence-weighted mean); the
    /// confidence is the mean of theirs.
    [[nodiscard]] Embedding embed_fused(Span<ImageView> faces) const {
        Embedding out;
        detail::check(try_embed_fused(faces, out));
        return out;
    }
    /// embed_fused into `out`, reused. Allocates nothing for up to 16 faces once `out`
    /// has grown.
    void embed_fused(Span<ImageView> faces, Embedding &out) const {
        detail::check(try_embed_fused(faces, out));
    }
    /// embed_fused into the caller's buffer (at least feature_dim floats); returns the
    /// confidence, which may be ignored.
    float embed_fused(Span<ImageView> faces, OutSpan<float> feature) const {
        float confidence = 0.0f;
        detail::check(try_embed_fused(faces, feature, confidence));
        return confidence;
    }

    /// The face turned to yaw 0; the same seed gives the same pixels.
    [[nodiscard]] RgbImage frontalize(const ImageView &face, uint64_t seed = 0) const {
        RgbImage out;
        detail::check(try_frontalize(face, seed, out));
        return out;
    }
    /// frontalize into `out`, reused.
    void frontalize(const ImageView &face, uint64_t seed, RgbImage &out) const {
        detail::check(try_frontalize(face, seed, out));
    }
    /// frontalize into the caller's buffer (at least image_bytes() bytes; tightly packed
    /// RGB8, input_size() square).
    void frontalize(const ImageView &face, uint64_t seed, OutSpan<uint8_t> rgb) const {
        detail::check(try_frontalize(face, seed, rgb));
    }

    /// The face turned to `yaw_degrees` (within the model's min_yaw..max_yaw).
    [[nodiscard]] RgbImage rotate(const ImageView &face, float yaw_degrees,
                                  uint64_t seed = 0) const {
        RgbImage out;
        detail::check(try_rotate(face, yaw_degrees, seed, out));
        return out;
    }
    /// rotate into `out`, reused.
    void rotate(const ImageView &face, float yaw_degrees, uint64_t seed, RgbImage &out) const {
        detail::check(try_rotate(face, yaw_degrees, seed, out));
    }
    /// rotate into the caller's buffer (at least image_bytes() bytes).
    void rotate(const ImageView &face, float yaw_degrees, uint64_t seed,
                OutSpan<uint8_t> rgb) const {
        detail::check(try_rotate(face, yaw_degrees, seed, rgb));
    }

    /// A face drawn from an identity feature (feature_dim floats) at `yaw_degrees`.
    [[nodiscard]] RgbImage synthesize(Span<float> feature, float yaw_degrees,
                                      uint64_t seed = 0) const {
        RgbImage out;
        detail::check(try_synthesize(feature, yaw_degrees, seed, out));
        return out;
    }
    /// synthesize into `out`, reused.
    void synthesize(Span<float> feature, float yaw_degrees, uint64_t seed, RgbImage &out) const {
        detail::check(try_synthesize(feature, yaw_degrees, seed, out));
    }
    /// synthesize into the caller's buffer (at least image_bytes() bytes).
    void synthesize(Span<float> feature, float yaw_degrees, uint64_t seed,
                    OutSpan<uint8_t> rgb) const {
        detail::check(try_synthesize(feature, yaw_degrees, seed, rgb));
    }

    /// The yaw of a face in degrees; needs a pose head (ModelInfo::has_pose_head),
    /// else Status::Unsupported.
    [[nodiscard]] float estimate_yaw(const ImageView &face) const {
        float yaw = 0.0f;
        detail::check(try_estimate_yaw(face, yaw));
        return yaw;
    }

    /// The aligned crop every other call expects, of the face whose five detector
    /// landmarks are given (x1, y1, ..., x5, y5 in image pixels: the eye on the image's
    /// left, the other eye, the nose tip, the left and right mouth corners), at any yaw
    /// (docs/alignment.md).
    [[nodiscard]] RgbImage align(const ImageView &image, Span<float> landmarks) const {
        RgbImage out;
        detail::check(try_align(image, landmarks, out));
        return out;
    }
    /// align into `out`, reused.
    void align(const ImageView &image, Span<float> landmarks, RgbImage &out) const {
        detail::check(try_align(image, landmarks, out));
    }
    /// align into the caller's buffer (at least image_bytes() bytes).
    void align(const ImageView &image, Span<float> landmarks, OutSpan<uint8_t> rgb) const {
        detail::check(try_align(image, landmarks, rgb));
    }

    /// The aligned crop of the face in a detector's box {x1, y1, x2, y2} (image pixels),
    /// for detectors without landmarks; five points frame better.
    [[nodiscard]] RgbImage align_box(const ImageView &image, Span<float> face_box) const {
        RgbImage out;
        detail::check(try_align_box(image, face_box, out));
        return out;
    }
    /// align_box into `out`, reused.
    void align_box(const ImageView &image, Span<float> face_box, RgbImage &out) const {
        detail::check(try_align_box(image, face_box, out));
    }
    /// align_box into the caller's buffer (at least image_bytes() bytes).
    void align_box(const ImageView &image, Span<float> face_box, OutSpan<uint8_t> rgb) const {
        detail::check(try_align_box(image, face_box, rgb));
    }
#endif // DRGAN_NO_EXCEPTIONS

    // The same operations without exceptions (see the class comment).

    [[nodiscard]] Status try_info(ModelInfo &out) const noexcept {
        DrganModelInfo raw{};
        raw.struct_size = sizeof raw;
        const Status status = detail::from_c(drgan_model_info(model_.get(), &raw));
        if (status != Status::Ok) {
            return status;
        }
        out.format_version = raw.format_version;
        out.input_size = raw.input_size;
        out.feature_dim = raw.feature_dim;
        out.noise_dim = raw.noise_dim;
        out.pose_count = raw.pose_count;
        out.image_bytes = raw.image_bytes;
        out.min_yaw = raw.min_yaw;
        out.max_yaw = raw.max_yaw;
        for (std::size_t i = 0; i < out.landmarks.size(); ++i) {
            out.landmarks[i] = raw.landmarks[i];
        }
        out.has_pose_head = raw.has_pose_head != 0;
        out.encoder_backend = static_cast<Backend>(raw.encoder_backend);
        out.decoder_backend = static_cast<Backend>(raw.decoder_backend);
        detail::assign_terminated(out.config, raw.config, sizeof raw.config);
        detail::assign_terminated(out.trained_on, raw.trained_on, sizeof raw.trained_on);
        out.threads = raw.threads;
        return Status::Ok;
    }

    /// The pose bins into `out`, resized to their number.
    [[nodiscard]] Status try_pose_yaws(std::vector<float> &out) const noexcept {
        out.resize(pose_count_);
        float scratch = 0.0f;
        std::size_t needed = 0;
        const Status status = detail::from_c(drgan_model_pose_yaws(
            model_.get(), detail::writable(out.data(), scratch), out.size(), &needed));
        if (status == Status::Ok) {
            out.resize(needed);
        }
        return status;
    }

    [[nodiscard]] Status try_embed(const ImageView &face, Embedding &out) const noexcept {
        sized(out);
        return try_embed(face, out.feature, out.confidence);
    }
    [[nodiscard]] Status try_embed(const ImageView &face, OutSpan<float> feature,
                                   float &confidence) const noexcept {
        const DrganImage raw = face.raw();
        float scratch = 0.0f;
        std::size_t needed = 0;
        return detail::from_c(drgan_embed(model_.get(), &raw,
                                          detail::writable(feature.data(), scratch),
                                          feature.size(), &needed, &confidence));
    }

    /// embed_batch into `out`, resized to the number of faces.
    [[nodiscard]] Status try_embed_batch(Span<ImageView> faces,
                                         std::vector<Embedding> &out) const noexcept {
        std::vector<float> features(faces.size() * feature_dim_);
        std::vector<float> confidences(faces.size());
        const Status status = try_embed_batch(faces, features, confidences);
        if (status != Status::Ok) {
            return status;
        }
        out.resize(faces.size());
        for (std::size_t i = 0; i < out.size(); ++i) {
            const float *first = features.data() + i * feature_dim_;
            out[i].feature.assign(first, first + feature_dim_);
            out[i].confidence = confidences[i];
        }
        return Status::Ok;
    }
    [[nodiscard]] Status try_embed_batch(Span<ImageView> faces, OutSpan<float> features,
                                         OutSpan<float> confidences) const noexcept {
        if (confidences.size() < faces.size()) {
            detail::ErrorSlot &error = detail::own_error();
            std::snprintf(error.text, sizeof error.text,
                          "embed_batch: confidences too small: %zu elements needed, %zu given",
                          faces.size(), confidences.size());
            return Status::BufferTooSmall;
        }
        return with_raws(faces, [&](const DrganImage *raw, std::size_t count) noexcept {
            float scratch = 0.0f, scratch_confidence = 0.0f;
            std::size_t needed = 0;
            return detail::from_c(drgan_embed_batch(
                model_.get(), raw, count, detail::writable(features.data(), scratch),
                features.size(), &needed,
                detail::writable(confidences.data(), scratch_confidence)));
        });
    }

    [[nodiscard]] Status try_embed_fused(Span<ImageView> faces, Embedding &out) const noexcept {
        sized(out);
        return try_embed_fused(faces, out.feature, out.confidence);
    }
    [[nodiscard]] Status try_embed_fused(Span<ImageView> faces, OutSpan<float> feature,
                                         float &confidence) const noexcept {
        return with_raws(faces, [&](const DrganImage *raw, std::size_t count) noexcept {
            float scratch = 0.0f;
            std::size_t needed = 0;
            return detail::from_c(drgan_embed_fused(model_.get(), raw, count,
                                                    detail::writable(feature.data(), scratch),
                                                    feature.size(), &needed, &confidence));
        });
    }

    [[nodiscard]] Status try_frontalize(const ImageView &face, uint64_t seed,
                                        RgbImage &out) const noexcept {
        return try_frontalize(face, seed, blank(out));
    }
    [[nodiscard]] Status try_frontalize(const ImageView &face, uint64_t seed,
                                        OutSpan<uint8_t> rgb) const noexcept {
        const DrganImage raw = face.raw();
        uint8_t scratch = 0;
        std::size_t needed = 0;
        return detail::from_c(drgan_frontalize(model_.get(), &raw, seed,
                                               detail::writable(rgb.data(), scratch), rgb.size(),
                                               &needed));
    }

    [[nodiscard]] Status try_rotate(const ImageView &face, float yaw_degrees, uint64_t seed,
                                    RgbImage &out) const noexcept {
        return try_rotate(face, yaw_degrees, seed, blank(out));
    }
    [[nodiscard]] Status try_rotate(const ImageView &face, float yaw_degrees, uint64_t seed,
                                    OutSpan<uint8_t> rgb) const noexcept {
        const DrganImage raw = face.raw();
        uint8_t scratch = 0;
        std::size_t needed = 0;
        return detail::from_c(drgan_rotate(model_.get(), &raw, yaw_degrees, seed,
                                           detail::writable(rgb.data(), scratch), rgb.size(),
                                           &needed));
    }

    [[nodiscard]] Status try_synthesize(Span<float> feature, float yaw_degrees, uint64_t seed,
                                        RgbImage &out) const noexcept {
        return try_synthesize(feature, yaw_degrees, seed, blank(out));
    }
    [[nodiscard]] Status try_synthesize(Span<float> feature, float yaw_degrees, uint64_t seed,
                                        OutSpan<uint8_t> rgb) const noexcept {
        uint8_t scratch = 0;
        std::size_t needed = 0;
        return detail::from_c(drgan_synthesize(model_.get(), detail::nonnull(feature.data()),
                                               feature.size(), yaw_degrees, seed,
                                               detail::writable(rgb.data(), scratch), rgb.size(),
                                               &needed));
    }

    [[nodiscard]] Status try_estimate_yaw(const ImageView &face, float &yaw) const noexcept {
        const DrganImage raw = face.raw();
        return detail::from_c(drgan_estimate_yaw(model_.get(), &raw, &yaw));
    }

    [[nodiscard]] Status try_align(const ImageView &image, Span<float> landmarks,
                                   RgbImage &out) const noexcept {
        return try_align(image, landmarks, blank(out));
    }
    [[nodiscard]] Status try_align(const ImageView &image, Span<float> landmarks,
                                   OutSpan<uint8_t> rgb) const noexcept {
        const DrganImage raw = image.raw();
        uint8_t scratch = 0;
        std::size_t needed = 0;
        return detail::from_c(drgan_align(model_.get(), &raw, detail::nonnull(landmarks.data()),
                                          landmarks.size(), detail::writable(rgb.data(), scratch),
                                          rgb.size(), &needed));
    }

    [[nodiscard]] Status try_align_box(const ImageView &image, Span<float> face_box,
                                       RgbImage &out) const noexcept {
        return try_align_box(image, face_box, blank(out));
    }
    [[nodiscard]] Status try_align_box(const ImageView &image, Span<float> face_box,
                                       OutSpan<uint8_t> rgb) const noexcept {
        const DrganImage raw = image.raw();
        uint8_t scratch = 0;
        std::size_t needed = 0;
        return detail::from_c(drgan_align_box(model_.get(), &raw, detail::nonnull(face_box.data()),
                                              face_box.size(),
                                              detail::writable(rgb.data(), scratch), rgb.size(),
                                              &needed));
    }

    /// False only for an empty or moved-from Model.
    explicit operator bool() const noexcept { return model_ != nullptr; }
    /// The C handle (still owned by this object), for calls this wrapper lacks.
    [[nodiscard]] const DrganModel *get() const noexcept { return model_.get(); }

  private:
    struct Free {
        void operator()(DrganModel *model) const noexcept { drgan_model_free(model); }
    };

    /// Makes `out` the owner of `raw` (freed on failure), with its sizes.
    static Status adopt(DrganModel *raw, Model &out) noexcept {
        Model fresh;
        fresh.model_.reset(raw);
        DrganModelInfo info{};
        info.struct_size = sizeof info;
        const Status status = detail::from_c(drgan_model_info(raw, &info));
        if (status != Status::Ok) {
            return status;
        }
        fresh.input_size_ = info.input_size;
        fresh.feature_dim_ = info.feature_dim;
        fresh.pose_count_ = info.pose_count;
        fresh.image_bytes_ = info.image_bytes;
        out = std::move(fresh);
        return Status::Ok;
    }

    static Status open_raw(const std::string &dir, const DrganOptions *options,
                           Model &out) noexcept {
        const Status abi = detail::require_abi();
        if (abi != Status::Ok) {
            return abi;
        }
        DrganModel *raw = nullptr;
        const Status status = detail::from_c(drgan_model_open(dir.c_str(), options, &raw));
        return status == Status::Ok ? adopt(raw, out) : status;
    }

    static Status open_default_raw(const DrganOptions *options, Model &out) noexcept {
        const Status abi = detail::require_abi();
        if (abi != Status::Ok) {
            return abi;
        }
        DrganModel *raw = nullptr;
        const Status status = detail::from_c(drgan_model_open_default(options, &raw));
        return status == Status::Ok ? adopt(raw, out) : status;
    }

    static Status open_memory_raw(Span<uint8_t> encoder, Span<uint8_t> decoder,
                                  Span<uint8_t> pose, const DrganOptions *options,
                                  Model &out) noexcept {
        const Status abi = detail::require_abi();
        if (abi != Status::Ok) {
            return abi;
        }
        DrganModel *raw = nullptr;
        const Status status = detail::from_c(drgan_model_open_memory(
            detail::nonnull(encoder.data()), encoder.size(), detail::nonnull(decoder.data()),
            decoder.size(), pose.empty() ? nullptr : pose.data(), pose.size(), options, &raw));
        return status == Status::Ok ? adopt(raw, out) : status;
    }

    /// Calls `f(images, count)` with the C descriptions of `faces`: on the stack for up
    /// to 16 faces, else in a std::vector.
    template <class F> static Status with_raws(Span<ImageView> faces, F f) noexcept {
        constexpr std::size_t on_stack = 16;
        if (faces.size() <= on_stack) {
            DrganImage raw[on_stack] = {};
            for (std::size_t i = 0; i < faces.size(); ++i) {
                raw[i] = faces[i].raw();
            }
            return f(static_cast<const DrganImage *>(raw), faces.size());
        }
        std::vector<DrganImage> raw;
        raw.reserve(faces.size());
        for (const ImageView &face : faces) {
            raw.push_back(face.raw());
        }
        return f(static_cast<const DrganImage *>(raw.data()), raw.size());
    }

    /// `out` sized for an image of this model; the span its pixels. An empty Model
    /// leaves it alone (the call then fails with NullArgument).
    OutSpan<uint8_t> blank(RgbImage &out) const noexcept {
        if (model_) {
            out.pixels.resize(image_bytes_);
            out.width = input_size_;
            out.height = input_size_;
        }
        return OutSpan<uint8_t>(out.pixels);
    }

    /// `out`'s feature sized for this model (an empty Model leaves it alone).
    void sized(Embedding &out) const noexcept {
        if (model_) {
            out.feature.resize(feature_dim_);
        }
    }

    std::unique_ptr<DrganModel, Free> model_;
    uint32_t input_size_ = 0;
    std::size_t feature_dim_ = 0;
    std::size_t pose_count_ = 0;
    std::size_t image_bytes_ = 0;
};

/// One search result: an enrolled person's id and the cosine similarity of the query and
/// the person's template, in [-1, 1] (higher is more alike).
struct Match {
    std::string id;
    float similarity = 0.0f;
};

/// Enrolled people of one model, searchable by identity feature (DrganGallery): kept in
/// an SQLite file (Gallery::open) or in memory (Gallery::open_memory). Move-only; freed
/// when destroyed. Every member function is safe to call from many threads at once
/// (searches run at once, writes take turns). It does not borrow the Model it was opened
/// with: the Model may be destroyed first. Each operation has a throwing and a try_ form,
/// as Model's.
///
/// A person's template is the confidence-weighted mean of their pictures' features
/// (Σωᵢfᵢ / Σωᵢ). Ids are UTF-8, 1 to 255 bytes, without NUL. Features are the model's
/// feature_dim() floats; several pictures are passed one after the other (as
/// Model::embed_batch gives them), with their confidences (empty: equal weights).
///
///     drgan::Gallery people = drgan::Gallery::open(model, "people.db");
///     people.enrol("alice", {model.embed(alice_crop)});
///     for (const drgan::Match &m : people.search(model.embed(probe).feature, 5, 0.5f)) {
///         std::printf("%s %.3f\n", m.id.c_str(), m.similarity);
///     }
///
/// In a per-frame loop, search into a std::vector<Match> that is reused: it allocates
/// nothing once the vector (and its ids) have grown, for k up to 16.
class Gallery {
  public:
#ifndef DRGAN_NO_EXCEPTIONS
    /// Opens the gallery file at `path` for `model`, creating it when missing. Throws
    /// Status::Gallery (not a drgan gallery, corrupt, cannot be created) or
    /// Status::ModelMismatch (a gallery of another model).
    [[nodiscard]] static Gallery open(const Model &model, const std::string &path) {
        Gallery out;
        detail::check(try_open(model, path, out));
        return out;
    }
    /// A new, empty gallery for `model` kept in memory only.
    [[nodiscard]] static Gallery open_memory(const Model &model) {
        Gallery out;
        detail::check(try_open_memory(model, out));
        return out;
    }
#endif
    /// open without exceptions: on success `out` holds the gallery (one it held is
    /// freed); on failure it is left as it was.
    [[nodiscard]] static Status try_open(const Model &model, const std::string &path,
                                         Gallery &out) noexcept {
        DrganGallery *raw = nullptr;
        const Status status = detail::from_c(drgan_gallery_open(model.get(), path.c_str(), &raw));
        if (status == Status::Ok) {
            out = Gallery(raw, model.feature_dim());
        }
        return status;
    }
    /// open_memory without exceptions; `out` as try_open's.
    [[nodiscard]] static Status try_open_memory(const Model &model, Gallery &out) noexcept {
        DrganGallery *raw = nullptr;
        const Status status = detail::from_c(drgan_gallery_open_memory(model.get(), &raw));
        if (status == Status::Ok) {
            out = Gallery(raw, model.feature_dim());
        }
        return status;
    }

    /// An empty Gallery (as a moved-from one), for try_open to fill: every call on it
    /// fails with Status::NullArgument.
    Gallery() noexcept = default;
    Gallery(Gallery &&) noexcept = default;
    Gallery &operator=(Gallery &&) noexcept = default;
    Gallery(const Gallery &) = delete;
    Gallery &operator=(const Gallery &) = delete;
    ~Gallery() = default;

#ifndef DRGAN_NO_EXCEPTIONS
    /// Enrols pictures of person `id`: creates the person, or adds the pictures to their
    /// template. `features` holds the pictures' features one after the other;
    /// `confidences` one confidence a picture, or is empty to weigh them equally. One
    /// transaction: when this returns the person is in the file.
    void enrol(const std::string &id, Span<float> features, Span<float> confidences = {}) const {
        detail::check(try_enrol(id, features, confidences));
    }
    /// Enrols embeddings (from Model::embed, embed_batch or embed_fused) of person `id`,
    /// weighted by their confidences.
    void enrol(const std::string &id, Span<Embedding> pictures) const {
        detail::check(try_enrol(id, pictures));
    }

    /// Enrols many pictures in one transaction, picture i of person ids[i] (an id may
    /// repeat): much faster than one enrol a picture. All or nothing. `features` holds
    /// ids.size() features; `confidences` ids.size() values, or is empty.
    void enrol_batch(Span<std::string> ids, Span<float> features,
                     Span<float> confidences = {}) const {
        detail::check(try_enrol_batch(ids, features, confidences));
    }

    /// Replaces person `id`'s template with one built from these pictures only (creates
    /// the person when new). Arguments as enrol.
    void replace(const std::string &id, Span<float> features, Span<float> confidences = {}) const {
        detail::check(try_replace(id, features, confidences));
    }
    /// Replaces person `id`'s template with one built from these embeddings only.
    void replace(const std::string &id, Span<Embedding> pictures) const {
        detail::check(try_replace(id, pictures));
    }

    /// Removes person `id`; false when nobody had that id.
    bool remove(const std::string &id) const {
        bool removed = false;
        detail::check(try_remove(id, removed));
        return removed;
    }

    /// How many people are enrolled.
    [[nodiscard]] std::size_t count() const {
        std::size_t n = 0;
        detail::check(try_count(n));
        return n;
    }

    /// Whether person `id` is enrolled.
    [[nodiscard]] bool contains(const std::string &id) const {
        bool found = false;
        detail::check(try_contains(id, found));
        return found;
    }

    /// The `k` enrolled people most similar to `feature` (feature_dim floats), best
    /// first, at or above `min_similarity` (-1 keeps every match); fewer when fewer
    /// people are enrolled or pass the minimum. Exact (no approximate index).
    [[nodiscard]] std::vector<Match> search(Span<float> feature, std::size_t k,
                                            float min_similarity = -1.0f) const {
        std::vector<Match> out;
        detail::check(try_search(feature, k, min_similarity, out));
        return out;
    }
    /// search into `out`, reused: it is resized to the matches found and keeps its
    /// capacity (and its ids theirs), so a loop allocates nothing once it has grown
    /// (for k up to 16).
    void search(Span<float> feature, std::size_t k, float min_similarity,
                std::vector<Match> &out) const {
        detail::check(try_search(feature, k, min_similarity, out));
    }

    /// search for several features at once (one after the other in `features`), spread
    /// over every core; result i is feature i's, the same as its own search.
    [[nodiscard]] std::vector<std::vector<Match>> search_batch(Span<float> features, std::size_t k,
                                                               float min_similarity = -1.0f) const {
        std::vector<std::vector<Match>> out;
        detail::check(try_search_batch(features, k, min_similarity, out));
        return out;
    }

    /// Loads what other processes (or other Gallery objects on the same file) have
    /// written since this one last read or wrote; true when there was anything. A memory
    /// gallery never changes this way.
    bool refresh() const {
        bool changed = false;
        detail::check(try_refresh(changed));
        return changed;
    }
#endif // DRGAN_NO_EXCEPTIONS

    // The same operations without exceptions.

    [[nodiscard]] Status try_enrol(const std::string &id, Span<float> features,
                                   Span<float> confidences = {}) const noexcept {
        const Status valid = check_id(id);
        if (valid != Status::Ok) {
            return valid;
        }
        return detail::from_c(drgan_gallery_enrol(gallery_.get(), id.c_str(),
                                                  detail::nonnull(features.data()), features.size(),
                                                  nullable(confidences),
                                                  picture_count(features, confidences)));
    }
    [[nodiscard]] Status try_enrol(const std::string &id, Span<Embedding> pictures) const noexcept {
        const Flat flat = flatten(pictures);
        return try_enrol(id, flat.features, flat.confidences);
    }

    [[nodiscard]] Status try_enrol_batch(Span<std::string> ids, Span<float> features,
                                         Span<float> confidences = {}) const noexcept {
        if (!confidences.empty() && confidences.size() != ids.size()) {
            detail::ErrorSlot &error = detail::own_error();
            std::snprintf(error.text, sizeof error.text, "confidences has %zu values for %zu ids",
                          confidences.size(), ids.size());
            return Status::InvalidArgument;
        }
        std::vector<const char *> raw;
        raw.reserve(ids.size());
        for (const std::string &id : ids) {
            const Status valid = check_id(id);
            if (valid != Status::Ok) {
                return valid;
            }
            raw.push_back(id.c_str());
        }
        const char *const empty = "";
        return detail::from_c(drgan_gallery_enrol_batch(
            gallery_.get(), raw.empty() ? &empty : raw.data(), detail::nonnull(features.data()),
            features.size(), nullable(confidences), ids.size()));
    }

    [[nodiscard]] Status try_replace(const std::string &id, Span<float> features,
                                     Span<float> confidences = {}) const noexcept {
        const Status valid = check_id(id);
        if (valid != Status::Ok) {
            return valid;
        }
        return detail::from_c(drgan_gallery_replace(gallery_.get(), id.c_str(),
                                                    detail::nonnull(features.data()),
                                                    features.size(), nullable(confidences),
                                                    picture_count(features, confidences)));
    }
    [[nodiscard]] Status try_replace(const std::string &id,
                                     Span<Embedding> pictures) const noexcept {
        const Flat flat = flatten(pictures);
        return try_replace(id, flat.features, flat.confidences);
    }

    /// `removed` is false when nobody had that id (not a failure).
    [[nodiscard]] Status try_remove(const std::string &id, bool &removed) const noexcept {
        const Status valid = check_id(id);
        if (valid != Status::Ok) {
            return valid;
        }
        int32_t raw = 0;
        const Status status =
            detail::from_c(drgan_gallery_remove(gallery_.get(), id.c_str(), &raw));
        if (status == Status::Ok) {
            removed = raw != 0;
        }
        return status;
    }

    [[nodiscard]] Status try_count(std::size_t &count) const noexcept {
        return detail::from_c(drgan_gallery_count(gallery_.get(), &count));
    }

    [[nodiscard]] Status try_contains(const std::string &id, bool &found) const noexcept {
        const Status valid = check_id(id);
        if (valid != Status::Ok) {
            return valid;
        }
        int32_t raw = 0;
        const Status status =
            detail::from_c(drgan_gallery_contains(gallery_.get(), id.c_str(), &raw));
        if (status == Status::Ok) {
            found = raw != 0;
        }
        return status;
    }

    /// search into `out`, reused (see search).
    [[nodiscard]] Status try_search(Span<float> feature, std::size_t k, float min_similarity,
                                    std::vector<Match> &out) const noexcept {
        constexpr std::size_t on_stack = 16;
        std::size_t found = 0;
        if (k <= on_stack) {
            DrganGalleryMatch raw[on_stack];
            const Status status = search_raw(feature, k, min_similarity, raw, on_stack, found);
            if (status == Status::Ok) {
                matches_into(raw, found, out);
            }
            return status;
        }
        std::vector<DrganGalleryMatch> raw(k);
        const Status status = search_raw(feature, k, min_similarity, raw.data(), raw.size(), found);
        if (status == Status::Ok) {
            matches_into(raw.data(), found, out);
        }
        return status;
    }

    /// search_batch into `out`, resized to the number of features.
    [[nodiscard]] Status try_search_batch(Span<float> features, std::size_t k, float min_similarity,
                                          std::vector<std::vector<Match>> &out) const noexcept {
        // A length that is no whole number of features is reported by the library.
        const std::size_t count = dim_ > 0 ? (features.size() + dim_ - 1) / dim_ : 0;
        std::vector<DrganGalleryMatch> raw(count * k > 0 ? count * k : 1);
        std::vector<std::size_t> found(count > 0 ? count : 1);
        const Status status = detail::from_c(drgan_gallery_search_batch(
            gallery_.get(), detail::nonnull(features.data()), features.size(), count, k,
            min_similarity, raw.data(), raw.size(), found.data()));
        if (status != Status::Ok) {
            return status;
        }
        out.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            matches_into(raw.data() + i * k, found[i], out[i]);
        }
        return Status::Ok;
    }

    /// `changed` is true when other handles had written anything.
    [[nodiscard]] Status try_refresh(bool &changed) const noexcept {
        int32_t raw = 0;
        const Status status = detail::from_c(drgan_gallery_refresh(gallery_.get(), &raw));
        if (status == Status::Ok) {
            changed = raw != 0;
        }
        return status;
    }

    /// Length of the features it holds (the model's feature_dim).
    [[nodiscard]] std::size_t feature_dim() const noexcept { return dim_; }
    /// False only for an empty or moved-from Gallery.
    explicit operator bool() const noexcept { return gallery_ != nullptr; }
    /// The C handle (still owned by this object).
    [[nodiscard]] const DrganGallery *get() const noexcept { return gallery_.get(); }

  private:
    struct Free {
        void operator()(DrganGallery *gallery) const noexcept { drgan_gallery_free(gallery); }
    };
    struct Flat {
        std::vector<float> features;
        std::vector<float> confidences;
    };

    Gallery(DrganGallery *raw, std::size_t dim) noexcept : gallery_(raw), dim_(dim) {}

    /// An id holding NUL would be cut short in the C API, so it is refused.
    static Status check_id(const std::string &id) noexcept {
        if (id.find('\0') != std::string::npos) {
            return detail::fail(Status::InvalidArgument, "id holds a NUL byte");
        }
        return Status::Ok;
    }

    static const float *nullable(Span<float> values) noexcept {
        return values.empty() ? nullptr : values.data();
    }

    /// The number of pictures: the confidences' when given (the library then checks the
    /// features' length against it), else the features' rounded up (likewise).
    std::size_t picture_count(Span<float> features, Span<float> confidences) const noexcept {
        if (!confidences.empty()) {
            return confidences.size();
        }
        return dim_ > 0 ? (features.size() + dim_ - 1) / dim_ : 0;
    }

    static Flat flatten(Span<Embedding> pictures) {
        Flat flat;
        for (const Embedding &e : pictures) {
            flat.features.insert(flat.features.end(), e.feature.begin(), e.feature.end());
            flat.confidences.push_back(e.confidence);
        }
        return flat;
    }

    Status search_raw(Span<float> feature, std::size_t k, float min_similarity,
                      DrganGalleryMatch *raw, std::size_t capacity,
                      std::size_t &found) const noexcept {
        return detail::from_c(drgan_gallery_search(gallery_.get(), detail::nonnull(feature.data()),
                                                   feature.size(), k, min_similarity, raw,
                                                   capacity, &found));
    }

    /// `out` resized to `found` matches, reusing its capacity and its strings'.
    static void matches_into(const DrganGalleryMatch *raw, std::size_t found,
                             std::vector<Match> &out) {
        out.resize(found);
        for (std::size_t i = 0; i < found; ++i) {
            detail::assign_terminated(out[i].id, raw[i].id, sizeof raw[i].id);
            out[i].similarity = raw[i].similarity;
        }
    }

    std::unique_ptr<DrganGallery, Free> gallery_;
    std::size_t dim_ = 0;
};

} // namespace drgan

#endif // DRGAN_HPP
