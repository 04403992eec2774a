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
//  - Errors as drgan::Error, a std::runtime_error that carries the drgan::Status and the
//    library's message (drgan_last_error() of the failing call).
//
// Threads: a Model is immutable after it is opened; its const member functions may be
// called from many threads at once. A Gallery's member functions may too (searches run at
// once, writes take turns). Do not destroy or move-assign a Model or Gallery while another
// thread is using it. Image and the value types are plain data.
//
// Build: add both include/ (for drgan.h) and bindings/cpp/ to the include path and link
// libdrgan (shared or static). Requires C++17.
//
//     drgan::Model model = drgan::Model::open("path/to/bundle");
//     drgan::Image photo = drgan::Image::load("face.jpg");
//     drgan::RgbImage crop = model.align(photo, {205.1f, 100.5f, /* ... 10 floats */});
//     drgan::Embedding e = model.embed(crop);
//     model.frontalize(crop, /*seed=*/1).save_png("front.png");

#ifndef DRGAN_HPP
#define DRGAN_HPP

#include "drgan.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "drgan.hpp requires C++17"
#endif

namespace drgan {

/// The result of a C call (DrganStatus); every value but Ok is thrown as an Error.
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
};

/// Where inference runs (DrganBackend).
enum class Backend : int32_t {
    Auto = DRGAN_BACKEND_AUTO,
    Cpu = DRGAN_BACKEND_CPU,
    Gpu = DRGAN_BACKEND_GPU,
};

/// The header's name of a status, e.g. "DRGAN_STATUS_IO". Never null; static.
inline const char *status_name(Status status) noexcept {
    return drgan_status_name(static_cast<int32_t>(status));
}

/// Bytes per pixel of a format (0 for a value that is no format).
inline constexpr std::size_t bytes_per_pixel(PixelFormat format) noexcept {
    switch (format) {
    case PixelFormat::Rgb8:
    case PixelFormat::Bgr8:
        return 3;
    case PixelFormat::Rgba8:
    case PixelFormat::Bgra8:
        return 4;
    case PixelFormat::Gray8:
        return 1;
    }
    return 0;
}

/// A failed drgan call: the status and the library's message for it.
class Error : public std::runtime_error {
  public:
    Error(Status status, const std::string &message)
        : std::runtime_error(std::string(status_name(status)) + ": " + message),
          status_(status), message_(message) {}

    /// The status the C call returned.
    Status status() const noexcept { return status_; }
    /// The library's message alone (what() is "STATUS_NAME: message").
    const std::string &message() const noexcept { return message_; }

  private:
    Status status_;
    std::string message_;
};

namespace detail {
/// A valid pointer for an empty input: drgan then reports the length (INVALID_ARGUMENT and
/// the like), not a NULL.
template <class T> const T *nonnull(const T *data) noexcept {
    static const T empty{};
    return data != nullptr ? data : &empty;
}

/// Throws an Error for a non-OK status, with this thread's last-error message.
inline void check(DrganStatus status) {
    if (status != DRGAN_STATUS_OK) {
        const char *message = drgan_last_error();
        throw Error(static_cast<Status>(status), message != nullptr ? message : "");
    }
}

/// The string in a fixed-size char field, up to its first NUL (or all of it).
inline std::string terminated(const char *chars, std::size_t capacity) {
    std::size_t n = 0;
    while (n < capacity && chars[n] != '\0') {
        ++n;
    }
    return std::string(chars, n);
}
} // namespace detail

/// The version of the loaded library, e.g. "0.1.0" (DRGAN_VERSION is the header's).
inline std::string version() { return drgan_version(); }

/// The ABI version of the loaded library; must equal DRGAN_ABI_VERSION.
inline uint32_t abi_version() noexcept { return drgan_abi_version(); }

/// Whether the loaded library has the ABI this header was written for.
inline bool abi_compatible() noexcept { return drgan_abi_version() == DRGAN_ABI_VERSION; }

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

    constexpr const T *data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr const T *begin() const noexcept { return data_; }
    constexpr const T *end() const noexcept { return data_ + size_; }
    constexpr const T &operator[](std::size_t i) const noexcept { return data_[i]; }

  private:
    const T *data_ = nullptr;
    std::size_t size_ = 0;
};

/// A non-owning description of pixels: `height` rows of `stride_bytes` bytes, each
/// starting with `width` pixels of `format`. The pixels must outlive every call the
/// view is passed to; drgan only reads them during the call.
struct ImageView {
    const uint8_t *data = nullptr;
    uint32_t width = 0;
    uint32_t height = 0;
    std::size_t stride_bytes = 0;
    PixelFormat format = PixelFormat::Rgb8;

    constexpr ImageView() noexcept = default;
    /// Rows `stride_bytes` apart.
    constexpr ImageView(const uint8_t *data_, uint32_t width_, uint32_t height_,
                        std::size_t stride_bytes_, PixelFormat format_) noexcept
        : data(data_), width(width_), height(height_), stride_bytes(stride_bytes_),
          format(format_) {}
    /// Tightly packed rows (stride = width × bytes per pixel).
    constexpr ImageView(const uint8_t *data_, uint32_t width_, uint32_t height_,
                        PixelFormat format_) noexcept
        : ImageView(data_, width_, height_, width_ * bytes_per_pixel(format_), format_) {}

    /// The C description of the same pixels.
    DrganImage raw() const noexcept {
        DrganImage image{};
        image.data = data;
        image.width = width;
        image.height = height;
        image.stride_bytes = stride_bytes;
        image.format = static_cast<int32_t>(format);
        return image;
    }

    /// Writes the pixels to `path` as an 8-bit PNG (RGB, or grey for Gray8).
    void save_png(const std::string &path) const {
        const DrganImage image = raw();
        detail::check(drgan_image_save_png(path.c_str(), &image));
    }
};

/// A tightly packed RGB8 image held in a std::vector: what align, frontalize, rotate
/// and synthesize return (square, the model's input size).
struct RgbImage {
    std::vector<uint8_t> pixels;
    uint32_t width = 0;
    uint32_t height = 0;

    /// A view over `pixels`; valid while this object lives and is not resized.
    ImageView view() const noexcept {
        return ImageView(pixels.data(), width, height, std::size_t{3} * width, PixelFormat::Rgb8);
    }
    operator ImageView() const noexcept { return view(); }
    /// Writes the image to `path` as a PNG.
    void save_png(const std::string &path) const { view().save_png(path); }
};

/// An image decoded by drgan (tightly packed RGB8), released when this owner goes.
/// Move-only.
class Image {
  public:
    /// Reads and decodes a PNG or JPEG file.
    static Image load(const std::string &path) {
        DrganImage *raw = nullptr;
        detail::check(drgan_image_load(path.c_str(), &raw));
        return Image(raw);
    }
    /// Decodes an in-memory PNG or JPEG.
    static Image decode(Span<uint8_t> bytes) {
        DrganImage *raw = nullptr;
        detail::check(drgan_image_decode(detail::nonnull(bytes.data()), bytes.size(), &raw));
        return Image(raw);
    }

    Image(Image &&) noexcept = default;
    Image &operator=(Image &&) noexcept = default;
    Image(const Image &) = delete;
    Image &operator=(const Image &) = delete;
    ~Image() = default;

    /// False only for a moved-from Image (whose accessors return zeros).
    explicit operator bool() const noexcept { return image_ != nullptr; }
    uint32_t width() const noexcept { return image_ ? image_->width : 0; }
    uint32_t height() const noexcept { return image_ ? image_->height : 0; }
    std::size_t stride_bytes() const noexcept { return image_ ? image_->stride_bytes : 0; }
    PixelFormat format() const noexcept {
        return image_ ? static_cast<PixelFormat>(image_->format) : PixelFormat::Rgb8;
    }
    /// The pixels, `height() * stride_bytes()` bytes.
    const uint8_t *data() const noexcept { return image_ ? image_->data : nullptr; }
    /// A view over the pixels; valid while this Image lives.
    ImageView view() const noexcept {
        return ImageView(data(), width(), height(), stride_bytes(), format());
    }
    operator ImageView() const noexcept { return view(); }
    void save_png(const std::string &path) const { view().save_png(path); }
    /// The C handle (still owned by this object).
    const DrganImage *get() const noexcept { return image_.get(); }

  private:
    struct Free {
        void operator()(DrganImage *image) const noexcept { drgan_image_free(image); }
    };
    explicit Image(DrganImage *raw) noexcept : image_(raw) {}
    std::unique_ptr<DrganImage, Free> image_;
};

/// Options for opening a model; defaults come from the library (drgan_options_default).
struct Options {
    Backend backend = Backend::Auto;
    /// Largest input or decoded image, in pixels.
    uint64_t max_image_pixels = 0;
    /// Largest model file, in bytes.
    uint64_t max_model_bytes = 0;

    /// The library's defaults.
    static Options defaults() {
        DrganOptions raw{};
        raw.struct_size = sizeof raw;
        detail::check(drgan_options_default(&raw));
        Options options;
        options.backend = static_cast<Backend>(raw.backend);
        options.max_image_pixels = raw.max_image_pixels;
        options.max_model_bytes = raw.max_model_bytes;
        return options;
    }

    /// The C struct, starting from the library's defaults for fields this type lacks.
    DrganOptions raw() const {
        DrganOptions out{};
        out.struct_size = sizeof out;
        detail::check(drgan_options_default(&out));
        out.backend = static_cast<int32_t>(backend);
        out.max_image_pixels = max_image_pixels;
        out.max_model_bytes = max_model_bytes;
        return out;
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
};

/// An identity feature and the encoder's confidence in it, in (0, 1).
struct Embedding {
    std::vector<float> feature;
    float confidence = 0.0f;
};

/// The cosine similarity of two features, in [-1, 1].
inline float similarity(Span<float> a, Span<float> b) {
    float out = 0.0f;
    detail::check(drgan_similarity(detail::nonnull(a.data()), a.size(), detail::nonnull(b.data()), b.size(),
                                   &out));
    return out;
}

/// The similarity of two embeddings' features.
inline float similarity(const Embedding &a, const Embedding &b) {
    return similarity(Span<float>(a.feature), Span<float>(b.feature));
}

/// The coarse yaw in degrees that five detector landmarks (as for Model::align) imply;
/// positive when the face is turned toward the image's right. Needs no model.
inline float landmark_yaw(Span<float> landmarks) {
    float yaw = 0.0f;
    detail::check(drgan_landmark_yaw(detail::nonnull(landmarks.data()), landmarks.size(), &yaw));
    return yaw;
}

/// A loaded DR-GAN bundle. Move-only; freed when destroyed. Const member functions are
/// safe to call from many threads at once.
class Model {
  public:
    /// Opens the bundle in directory `dir` with the library's default options.
    static Model open(const std::string &dir) { return open_raw(dir, nullptr); }
    /// Opens the bundle in directory `dir`.
    static Model open(const std::string &dir, const Options &options) {
        const DrganOptions raw = options.raw();
        return open_raw(dir, &raw);
    }
    /// Opens a bundle from ONNX bytes in memory; `pose` may be empty (no pose head).
    /// The bytes are only read during the call.
    static Model open_memory(Span<uint8_t> encoder, Span<uint8_t> decoder,
                             Span<uint8_t> pose = {}) {
        return open_memory_raw(encoder, decoder, pose, nullptr);
    }
    static Model open_memory(Span<uint8_t> encoder, Span<uint8_t> decoder, Span<uint8_t> pose,
                             const Options &options) {
        const DrganOptions raw = options.raw();
        return open_memory_raw(encoder, decoder, pose, &raw);
    }
    /// Opens the default model embedded in the library (models/default of the drgan
    /// sources; no file is read) with the library's default options. Each call builds a
    /// new model: open it once and share it. Throws Status::Unsupported when the library
    /// was built without it (cargo feature `default-model`).
    static Model open_default() { return open_default_raw(nullptr); }
    /// Opens the embedded default model with `options`.
    static Model open_default(const Options &options) {
        const DrganOptions raw = options.raw();
        return open_default_raw(&raw);
    }

    /// A moved-from Model is empty: every call on it throws Status::NullArgument.
    Model(Model &&) noexcept = default;
    Model &operator=(Model &&) noexcept = default;
    Model(const Model &) = delete;
    Model &operator=(const Model &) = delete;
    ~Model() = default;

    /// What the model is.
    ModelInfo info() const {
        DrganModelInfo raw{};
        raw.struct_size = sizeof raw;
        detail::check(drgan_model_info(model_.get(), &raw));
        ModelInfo info;
        info.format_version = raw.format_version;
        info.input_size = raw.input_size;
        info.feature_dim = raw.feature_dim;
        info.noise_dim = raw.noise_dim;
        info.pose_count = raw.pose_count;
        info.image_bytes = raw.image_bytes;
        info.min_yaw = raw.min_yaw;
        info.max_yaw = raw.max_yaw;
        for (std::size_t i = 0; i < info.landmarks.size(); ++i) {
            info.landmarks[i] = raw.landmarks[i];
        }
        info.has_pose_head = raw.has_pose_head != 0;
        info.encoder_backend = static_cast<Backend>(raw.encoder_backend);
        info.decoder_backend = static_cast<Backend>(raw.decoder_backend);
        info.config = detail::terminated(raw.config, sizeof raw.config);
        info.trained_on = detail::terminated(raw.trained_on, sizeof raw.trained_on);
        return info;
    }

    /// Side of the square images the model takes and returns.
    uint32_t input_size() const noexcept { return input_size_; }
    /// Length of an identity feature.
    std::size_t feature_dim() const noexcept { return feature_dim_; }

    /// The pose bins, yaws in degrees, ascending.
    std::vector<float> pose_yaws() const {
        std::vector<float> yaws(pose_count_);
        std::size_t needed = 0;
        detail::check(drgan_model_pose_yaws(model_.get(), yaws.data(), yaws.size(), &needed));
        yaws.resize(needed);
        return yaws;
    }

    /// The identity feature of one aligned face and the encoder's confidence.
    Embedding embed(const ImageView &face) const {
        const DrganImage raw = face.raw();
        Embedding out;
        out.feature.resize(feature_dim_);
        std::size_t needed = 0;
        detail::check(drgan_embed(model_.get(), &raw, out.feature.data(), out.feature.size(),
                                  &needed, &out.confidence));
        return out;
    }

    /// The features of several aligned faces in one batched run, in order.
    std::vector<Embedding> embed_batch(Span<ImageView> faces) const {
        const std::vector<DrganImage> raw = raws(faces);
        std::vector<float> features(raw.size() * feature_dim_);
        std::vector<float> confidences(raw.size());
        std::size_t needed = 0;
        detail::check(drgan_embed_batch(model_.get(), detail::nonnull(raw.data()), raw.size(), features.data(),
                                        features.size(), &needed, confidences.data()));
        std::vector<Embedding> out(raw.size());
        for (std::size_t i = 0; i < out.size(); ++i) {
            const auto first = features.begin() + static_cast<std::ptrdiff_t>(i * feature_dim_);
            out[i].feature.assign(first, first + static_cast<std::ptrdiff_t>(feature_dim_));
            out[i].confidence = confidences[i];
        }
        return out;
    }

    /// One feature for several images of one person (confidence-weighted mean); the
    /// confidence is the mean of theirs.
    Embedding embed_fused(Span<ImageView> faces) const {
        const std::vector<DrganImage> raw = raws(faces);
        Embedding out;
        out.feature.resize(feature_dim_);
        std::size_t needed = 0;
        detail::check(drgan_embed_fused(model_.get(), detail::nonnull(raw.data()), raw.size(), out.feature.data(),
                                        out.feature.size(), &needed, &out.confidence));
        return out;
    }

    /// The face turned to yaw 0; the same seed gives the same pixels.
    RgbImage frontalize(const ImageView &face, uint64_t seed = 0) const {
        const DrganImage raw = face.raw();
        RgbImage out = blank();
        std::size_t needed = 0;
        detail::check(drgan_frontalize(model_.get(), &raw, seed, out.pixels.data(),
                                       out.pixels.size(), &needed));
        return out;
    }

    /// The face turned to `yaw_degrees` (within the model's min_yaw..max_yaw).
    RgbImage rotate(const ImageView &face, float yaw_degrees, uint64_t seed = 0) const {
        const DrganImage raw = face.raw();
        RgbImage out = blank();
        std::size_t needed = 0;
        detail::check(drgan_rotate(model_.get(), &raw, yaw_degrees, seed, out.pixels.data(),
                                   out.pixels.size(), &needed));
        return out;
    }

    /// A face drawn from an identity feature (feature_dim floats) at `yaw_degrees`.
    RgbImage synthesize(Span<float> feature, float yaw_degrees, uint64_t seed = 0) const {
        RgbImage out = blank();
        std::size_t needed = 0;
        detail::check(drgan_synthesize(model_.get(), detail::nonnull(feature.data()), feature.size(), yaw_degrees,
                                       seed, out.pixels.data(), out.pixels.size(), &needed));
        return out;
    }

    /// The yaw of a face in degrees; needs a pose head (ModelInfo::has_pose_head),
    /// else Status::Unsupported.
    float estimate_yaw(const ImageView &face) const {
        const DrganImage raw = face.raw();
        float yaw = 0.0f;
        detail::check(drgan_estimate_yaw(model_.get(), &raw, &yaw));
        return yaw;
    }

    /// The aligned crop every other call expects, of the face whose five detector
    /// landmarks are given (x1, y1, ..., x5, y5 in image pixels: the eye on the image's
    /// left, the other eye, the nose tip, the left and right mouth corners), at any yaw
    /// (docs/alignment.md).
    RgbImage align(const ImageView &image, Span<float> landmarks) const {
        const DrganImage raw = image.raw();
        RgbImage out = blank();
        std::size_t needed = 0;
        detail::check(drgan_align(model_.get(), &raw, detail::nonnull(landmarks.data()), landmarks.size(),
                                  out.pixels.data(), out.pixels.size(), &needed));
        return out;
    }

    /// The aligned crop of the face in a detector's box {x1, y1, x2, y2} (image pixels),
    /// for detectors without landmarks; five points frame better.
    RgbImage align_box(const ImageView &image, Span<float> face_box) const {
        const DrganImage raw = image.raw();
        RgbImage out = blank();
        std::size_t needed = 0;
        detail::check(drgan_align_box(model_.get(), &raw, detail::nonnull(face_box.data()), face_box.size(),
                                      out.pixels.data(), out.pixels.size(), &needed));
        return out;
    }

    /// False only for a moved-from Model.
    explicit operator bool() const noexcept { return model_ != nullptr; }
    /// The C handle (still owned by this object), for calls this wrapper lacks.
    const DrganModel *get() const noexcept { return model_.get(); }

  private:
    struct Free {
        void operator()(DrganModel *model) const noexcept { drgan_model_free(model); }
    };

    explicit Model(DrganModel *raw) : model_(raw) {
        DrganModelInfo info{};
        info.struct_size = sizeof info;
        detail::check(drgan_model_info(raw, &info));
        input_size_ = info.input_size;
        feature_dim_ = info.feature_dim;
        pose_count_ = info.pose_count;
        image_bytes_ = info.image_bytes;
    }

    static void require_abi() {
        if (!abi_compatible()) {
            throw Error(Status::InvalidArgument,
                        "the loaded drgan library has ABI version " +
                            std::to_string(drgan_abi_version()) + ", this header expects " +
                            std::to_string(DRGAN_ABI_VERSION));
        }
    }

    static Model open_raw(const std::string &dir, const DrganOptions *options) {
        require_abi();
        DrganModel *raw = nullptr;
        detail::check(drgan_model_open(dir.c_str(), options, &raw));
        return Model(raw);
    }

    static Model open_default_raw(const DrganOptions *options) {
        require_abi();
        DrganModel *raw = nullptr;
        detail::check(drgan_model_open_default(options, &raw));
        return Model(raw);
    }

    static Model open_memory_raw(Span<uint8_t> encoder, Span<uint8_t> decoder, Span<uint8_t> pose,
                                 const DrganOptions *options) {
        require_abi();
        DrganModel *raw = nullptr;
        detail::check(drgan_model_open_memory(detail::nonnull(encoder.data()), encoder.size(),
                                              detail::nonnull(decoder.data()), decoder.size(),
                                              pose.empty() ? nullptr : pose.data(),
                                              pose.size(), options, &raw));
        return Model(raw);
    }

    static std::vector<DrganImage> raws(Span<ImageView> faces) {
        std::vector<DrganImage> raw;
        raw.reserve(faces.size());
        for (const ImageView &face : faces) {
            raw.push_back(face.raw());
        }
        return raw;
    }

    RgbImage blank() const {
        RgbImage out;
        out.pixels.resize(image_bytes_);
        out.width = input_size_;
        out.height = input_size_;
        return out;
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
/// with: the Model may be destroyed first.
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
class Gallery {
  public:
    /// Opens the gallery file at `path` for `model`, creating it when missing. Throws
    /// Status::Gallery (not a drgan gallery, corrupt, cannot be created) or
    /// Status::ModelMismatch (a gallery of another model).
    static Gallery open(const Model &model, const std::string &path) {
        DrganGallery *raw = nullptr;
        detail::check(drgan_gallery_open(model.get(), path.c_str(), &raw));
        return Gallery(raw, model.feature_dim());
    }
    /// A new, empty gallery for `model` kept in memory only.
    static Gallery open_memory(const Model &model) {
        DrganGallery *raw = nullptr;
        detail::check(drgan_gallery_open_memory(model.get(), &raw));
        return Gallery(raw, model.feature_dim());
    }

    /// A moved-from Gallery is empty: every call on it throws Status::NullArgument.
    Gallery(Gallery &&) noexcept = default;
    Gallery &operator=(Gallery &&) noexcept = default;
    Gallery(const Gallery &) = delete;
    Gallery &operator=(const Gallery &) = delete;
    ~Gallery() = default;

    /// Enrols pictures of person `id`: creates the person, or adds the pictures to their
    /// template. `features` holds the pictures' features one after the other;
    /// `confidences` one confidence a picture, or is empty to weigh them equally. One
    /// transaction: when this returns the person is in the file.
    void enrol(const std::string &id, Span<float> features, Span<float> confidences = {}) const {
        detail::check(drgan_gallery_enrol(gallery_.get(), c_id(id), detail::nonnull(features.data()),
                                          features.size(), nullable(confidences),
                                          picture_count(features, confidences)));
    }
    /// Enrols embeddings (from Model::embed, embed_batch or embed_fused) of person `id`,
    /// weighted by their confidences.
    void enrol(const std::string &id, Span<Embedding> pictures) const {
        const Flat flat = flatten(pictures);
        enrol(id, flat.features, flat.confidences);
    }

    /// Enrols many pictures in one transaction, picture i of person ids[i] (an id may
    /// repeat): much faster than one enrol a picture. All or nothing. `features` holds
    /// ids.size() features; `confidences` ids.size() values, or is empty.
    void enrol_batch(Span<std::string> ids, Span<float> features, Span<float> confidences = {}) const {
        if (!confidences.empty() && confidences.size() != ids.size()) {
            throw Error(Status::InvalidArgument,
                        "confidences has " + std::to_string(confidences.size()) + " values for " +
                            std::to_string(ids.size()) + " ids");
        }
        std::vector<const char *> raw;
        raw.reserve(ids.size());
        for (const std::string &id : ids) {
            raw.push_back(c_id(id));
        }
        const char *const empty = "";
        detail::check(drgan_gallery_enrol_batch(gallery_.get(), raw.empty() ? &empty : raw.data(),
                                                detail::nonnull(features.data()), features.size(),
                                                nullable(confidences), ids.size()));
    }

    /// Replaces person `id`'s template with one built from these pictures only (creates
    /// the person when new). Arguments as enrol.
    void replace(const std::string &id, Span<float> features, Span<float> confidences = {}) const {
        detail::check(drgan_gallery_replace(gallery_.get(), c_id(id), detail::nonnull(features.data()),
                                            features.size(), nullable(confidences),
                                            picture_count(features, confidences)));
    }
    /// Replaces person `id`'s template with one built from these embeddings only.
    void replace(const std::string &id, Span<Embedding> pictures) const {
        const Flat flat = flatten(pictures);
        replace(id, flat.features, flat.confidences);
    }

    /// Removes person `id`; false when nobody had that id.
    bool remove(const std::string &id) const {
        int32_t removed = 0;
        detail::check(drgan_gallery_remove(gallery_.get(), c_id(id), &removed));
        return removed != 0;
    }

    /// How many people are enrolled.
    std::size_t count() const {
        std::size_t n = 0;
        detail::check(drgan_gallery_count(gallery_.get(), &n));
        return n;
    }

    /// Whether person `id` is enrolled.
    bool contains(const std::string &id) const {
        int32_t found = 0;
        detail::check(drgan_gallery_contains(gallery_.get(), c_id(id), &found));
        return found != 0;
    }

    /// The `k` enrolled people most similar to `feature` (feature_dim floats), best
    /// first, at or above `min_similarity` (-1 keeps every match); fewer when fewer
    /// people are enrolled or pass the minimum. Exact (no approximate index).
    std::vector<Match> search(Span<float> feature, std::size_t k, float min_similarity = -1.0f) const {
        std::vector<DrganGalleryMatch> raw(k > 0 ? k : 1);
        std::size_t found = 0;
        detail::check(drgan_gallery_search(gallery_.get(), detail::nonnull(feature.data()), feature.size(), k,
                                           min_similarity, raw.data(), raw.size(), &found));
        return matches(raw.data(), found);
    }

    /// search for several features at once (one after the other in `features`), spread
    /// over every core; result i is feature i's, the same as its own search.
    std::vector<std::vector<Match>> search_batch(Span<float> features, std::size_t k,
                                                 float min_similarity = -1.0f) const {
        // A length that is no whole number of features is reported by the library.
        const std::size_t count = dim_ > 0 ? (features.size() + dim_ - 1) / dim_ : 0;
        std::vector<DrganGalleryMatch> raw(count * k > 0 ? count * k : 1);
        std::vector<std::size_t> found(count > 0 ? count : 1);
        detail::check(drgan_gallery_search_batch(gallery_.get(), detail::nonnull(features.data()),
                                                 features.size(), count, k, min_similarity,
                                                 raw.data(), raw.size(), found.data()));
        std::vector<std::vector<Match>> out(count);
        for (std::size_t i = 0; i < count; ++i) {
            out[i] = matches(raw.data() + i * k, found[i]);
        }
        return out;
    }

    /// Loads what other processes (or other Gallery objects on the same file) have
    /// written since this one last read or wrote; true when there was anything. A memory
    /// gallery never changes this way.
    bool refresh() const {
        int32_t changed = 0;
        detail::check(drgan_gallery_refresh(gallery_.get(), &changed));
        return changed != 0;
    }

    /// Length of the features it holds (the model's feature_dim).
    std::size_t feature_dim() const noexcept { return dim_; }
    /// False only for a moved-from Gallery.
    explicit operator bool() const noexcept { return gallery_ != nullptr; }
    /// The C handle (still owned by this object).
    const DrganGallery *get() const noexcept { return gallery_.get(); }

  private:
    struct Free {
        void operator()(DrganGallery *gallery) const noexcept { drgan_gallery_free(gallery); }
    };
    struct Flat {
        std::vector<float> features;
        std::vector<float> confidences;
    };

    Gallery(DrganGallery *raw, std::size_t dim) noexcept : gallery_(raw), dim_(dim) {}

    /// `id` for the C API; an id holding NUL would be cut short there, so it is refused.
    static const char *c_id(const std::string &id) {
        if (id.find('\0') != std::string::npos) {
            throw Error(Status::InvalidArgument, "id holds a NUL byte");
        }
        return id.c_str();
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

    static std::vector<Match> matches(const DrganGalleryMatch *raw, std::size_t found) {
        std::vector<Match> out(found);
        for (std::size_t i = 0; i < found; ++i) {
            out[i].id = detail::terminated(raw[i].id, sizeof raw[i].id);
            out[i].similarity = raw[i].similarity;
        }
        return out;
    }

    std::unique_ptr<DrganGallery, Free> gallery_;
    std::size_t dim_ = 0;
};

} // namespace drgan

#endif // DRGAN_HPP
