// drgan.hpp in a build without exceptions (-fno-exceptions, as many game engines build):
// the header must compile there with only its try_ forms (no throwing member is
// declared), and those forms must do the whole job against the real library: open
// (directory, memory, the embedded default model), info, embed / embed_batch /
// embed_fused, align, landmarks_convert, frontalize / rotate / synthesize, estimate_yaw,
// images, the gallery, with every failure a drgan::Status and drgan::last_error() its
// message. A per-frame loop over the overloads that write into the caller's memory must
// not allocate once warm (operator new is counted).
//
// Build (-fno-exceptions is the point; the strict warnings of double_include.cpp apply),
// from the repository root after `cargo test` has built the library:
//   g++ -std=c++17 -fno-exceptions -Wall -Wextra -Werror -pedantic
//       -I include -I bindings/cpp bindings/cpp/tests/no_exceptions.cpp -o no_exceptions
//       -L target/debug/deps -ldrgan -Wl,-rpath,target/debug/deps -pthread
// usage: no_exceptions BUNDLE_DIR OTHER_BUNDLE_DIR DATA_DIR SCRATCH_DIR
//   (the arguments and environment of test_drgan_hpp.cpp: DRGAN_TEST_DEFAULT_MODEL,
//   DRGAN_TEST_DEFAULT_OPTIONS); prints "N checks, M failures", writes SCRATCH/front.png.
#include "drgan.hpp"
#include "drgan.hpp" // twice on purpose

#ifndef DRGAN_NO_EXCEPTIONS
#error "drgan.hpp must define DRGAN_NO_EXCEPTIONS in a build without exceptions"
#endif
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#error "build this test with -fno-exceptions"
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// Every allocation through operator new, to show that the per-frame loop makes none.
namespace {
std::atomic<unsigned long> allocations{0};
} // namespace

void *operator new(std::size_t size) {
    ++allocations;
    void *p = std::malloc(size == 0 ? 1 : size);
    if (p == nullptr) {
        std::abort();
    }
    return p;
}
void *operator new[](std::size_t size) { return operator new(size); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }

namespace {

// The throwing forms are not declared (a trait that finds the try_ form checks the
// traits themselves).
template <class T, class = void> struct has_open : std::false_type {};
template <class T>
struct has_open<T, std::void_t<decltype(T::open(std::declval<const std::string &>()))>>
    : std::true_type {};
template <class T, class = void> struct has_embed : std::false_type {};
template <class T>
struct has_embed<T, std::void_t<decltype(std::declval<const T &>().embed(
                        std::declval<const drgan::ImageView &>()))>> : std::true_type {};
template <class T, class = void> struct has_try_embed : std::false_type {};
template <class T>
struct has_try_embed<T, std::void_t<decltype(std::declval<const T &>().try_embed(
                            std::declval<const drgan::ImageView &>(),
                            std::declval<drgan::Embedding &>()))>> : std::true_type {};
template <class T, class = void> struct has_search : std::false_type {};
template <class T>
struct has_search<T, std::void_t<decltype(std::declval<const T &>().search(
                         drgan::Span<float>(), std::size_t{1}))>> : std::true_type {};
template <class T, class = void> struct has_load : std::false_type {};
template <class T>
struct has_load<T, std::void_t<decltype(T::load(std::declval<const std::string &>()))>>
    : std::true_type {};
template <class T, class = void> struct has_save_png : std::false_type {};
template <class T>
struct has_save_png<T, std::void_t<decltype(std::declval<const T &>().save_png(
                           std::declval<const std::string &>()))>> : std::true_type {};

static_assert(has_try_embed<drgan::Model>::value, "the trait finds what is there");
static_assert(!has_open<drgan::Model>::value, "no throwing Model::open");
static_assert(!has_embed<drgan::Model>::value, "no throwing Model::embed");
static_assert(!has_open<drgan::Gallery>::value, "no throwing Gallery::open");
static_assert(!has_search<drgan::Gallery>::value, "no throwing Gallery::search");
static_assert(!has_load<drgan::Image>::value, "no throwing Image::load");
static_assert(!std::is_invocable_v<decltype(&drgan_image_free), DrganImage *>,
              "drgan_image_free takes only a DrganDecodedImage");
static_assert(!has_save_png<drgan::RgbImage>::value, "no throwing save_png");
static_assert(drgan::Options{}.max_image_pixels == (uint64_t{1} << 28), "default options");

int checks = 0;
int failures = 0;

void check(bool ok, const char *what, int line) {
    ++checks;
    if (ok) {
        std::printf("ok   %s\n", what);
    } else {
        ++failures;
        std::printf("FAIL line %d: %s (last error: %s)\n", line, what, drgan::last_error());
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

// A call that must fail with `want`, and last_error() mention `word`.
void expect(drgan::Status got, drgan::Status want, const char *word, const char *what, int line) {
    ++checks;
    const std::string message = drgan::last_error();
    if (got != want) {
        ++failures;
        std::printf("FAIL line %d: %s: got %s, want %s (%s)\n", line, what,
                    drgan::status_name(got), drgan::status_name(want), message.c_str());
    } else if (message.empty() || message.find(word) == std::string::npos) {
        ++failures;
        std::printf("FAIL line %d: %s: message \"%s\" lacks \"%s\"\n", line, what,
                    message.c_str(), word);
    } else {
        std::printf("ok   %s -> %s: %s\n", what, drgan::status_name(got), message.c_str());
    }
}
#define EXPECT(want, word, call) expect((call), drgan::Status::want, (word), #call, __LINE__)

constexpr drgan::Status Ok = drgan::Status::Ok;

std::vector<uint8_t> read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>());
}

const float astronaut_points[10] = {205.1f, 100.5f, 245.5f, 102.5f, 224.7f,
                                    127.4f, 205.6f, 140.9f, 243.3f, 142.6f};
const float obama_points[10] = {443.0f, 211.8f, 544.7f, 209.3f, 497.7f,
                                277.8f, 443.6f, 323.1f, 548.9f, 317.9f};

// The embedded default model (DRGAN_TEST_DEFAULT_MODEL as in test_drgan_hpp.cpp).
void test_default_model(const drgan::Options &cpu, const drgan::RgbImage &crop) {
    const char *env = std::getenv("DRGAN_TEST_DEFAULT_MODEL");
    if (env == nullptr) {
        std::printf("skip default model (DRGAN_TEST_DEFAULT_MODEL unset)\n");
        return;
    }
    const std::string dir = env;
    drgan::Model embedded;
    if (dir == "none") {
        EXPECT(Unsupported, "default-model", drgan::Model::try_open_default(cpu, embedded));
        CHECK(!embedded);
        return;
    }
    drgan::Model on_disk;
    CHECK(drgan::Model::try_open_default(cpu, embedded) == Ok && embedded);
    CHECK(drgan::Model::try_open(dir, cpu, on_disk) == Ok && on_disk);
    drgan::Embedding x, y;
    CHECK(embedded.try_embed(crop, x) == Ok && on_disk.try_embed(crop, y) == Ok);
    CHECK(!x.feature.empty() && x.feature == y.feature);
    if (std::getenv("DRGAN_TEST_DEFAULT_OPTIONS") != nullptr) {
        drgan::Model plain;
        CHECK(drgan::Model::try_open_default(plain) == Ok && plain);
    }
    drgan::Options small = cpu;
    small.max_model_bytes = 16;
    drgan::Model refused;
    EXPECT(LimitExceeded, "", drgan::Model::try_open_default(small, refused));
}

void test_gallery(const drgan::Model &model, const drgan::Model &other_model,
                  const std::string &scratch, const drgan::Embedding &a,
                  const drgan::Embedding &b) {
    drgan::Gallery people;
    CHECK(!people);
    std::size_t count = 99;
    EXPECT(NullArgument, "gallery", people.try_count(count));
    CHECK(count == 99);
    CHECK(drgan::Gallery::try_open_memory(model, people) == Ok && people);
    CHECK(people.feature_dim() == 16);
    CHECK(people.try_enrol("alice", a.feature) == Ok);
    CHECK(people.try_enrol("bob", b.feature, {b.confidence}) == Ok);
    CHECK(people.try_enrol("carol", {a, b}) == Ok);
    std::vector<float> both = a.feature;
    both.insert(both.end(), b.feature.begin(), b.feature.end());
    CHECK(people.try_enrol_batch({"dave", "erin"}, both) == Ok);
    CHECK(people.try_replace("dave", b.feature) == Ok);
    CHECK(people.try_replace("erin", {b}) == Ok);
    CHECK(people.try_count(count) == Ok && count == 5);
    bool found = false, removed = false, changed = true;
    CHECK(people.try_contains("carol", found) == Ok && found);
    CHECK(people.try_remove("erin", removed) == Ok && removed);
    CHECK(people.try_remove("erin", removed) == Ok && !removed);
    CHECK(people.try_contains("erin", found) == Ok && !found);
    CHECK(people.try_refresh(changed) == Ok && !changed);

    std::vector<drgan::Match> matches;
    CHECK(people.try_search(a.feature, 2, -1.0f, matches) == Ok);
    CHECK(matches.size() == 2 && matches[0].id == "alice" &&
          std::fabs(matches[0].similarity - 1.0f) < 1e-4f);
    CHECK(people.try_search(b.feature, 40, -1.0f, matches) == Ok && matches.size() == 4);
    std::vector<std::vector<drgan::Match>> batch;
    CHECK(people.try_search_batch(both, 1, -1.0f, batch) == Ok && batch.size() == 2 &&
          batch[0].size() == 1 && batch[0][0].id == "alice");

    EXPECT(InvalidArgument, "k is 0", people.try_search(a.feature, 0, -1.0f, matches));
    EXPECT(InvalidArgument, "NUL", people.try_enrol(std::string("a\0b", 3), a.feature));
    EXPECT(InvalidArgument, "empty", people.try_enrol("", a.feature));
    EXPECT(InvalidArgument, "confidences",
           people.try_enrol_batch({"x", "y"}, both, {0.5f}));
    EXPECT(InvalidArgument, "features_len",
           people.try_enrol("x", drgan::Span<float>(a.feature.data(), 15)));
    CHECK(people.try_count(count) == Ok && count == 4);

    // A file, shared by two handles; another model's gallery is refused.
    const std::string path = scratch + "/no-exceptions.drgan";
    drgan::Gallery file, second;
    CHECK(drgan::Gallery::try_open(model, path, file) == Ok && file);
    CHECK(drgan::Gallery::try_open(model, path, second) == Ok && second);
    CHECK(file.try_enrol("alice", a.feature) == Ok);
    CHECK(second.try_refresh(changed) == Ok && changed);
    CHECK(second.try_contains("alice", found) == Ok && found);
    drgan::Gallery mismatch;
    EXPECT(ModelMismatch, "", drgan::Gallery::try_open(other_model, path, mismatch));
    CHECK(!mismatch);
    EXPECT(Gallery, "", drgan::Gallery::try_open(model, scratch + "/no/such/dir/g", file));
    CHECK(static_cast<bool>(file)); // left as it was
}

// A camera loop: align, embed, fuse, frontalize, estimate yaw, compare and search, every
// frame, into memory the caller owns. Once warm it makes no allocation.
void test_frame_loop(const drgan::Model &model, const drgan::Image &photo,
                     const drgan::RgbImage &other_crop, const drgan::Embedding &a) {
    drgan::Gallery people;
    CHECK(drgan::Gallery::try_open_memory(model, people) == Ok);
    CHECK(people.try_enrol("alice", a.feature) == Ok);

    drgan::RgbImage crop;
    drgan::Embedding e, fused;
    std::vector<float> feature(model.feature_dim());
    std::vector<float> features(2 * model.feature_dim());
    std::vector<float> confidences(2);
    std::vector<uint8_t> rgb(model.image_bytes());
    std::vector<drgan::Match> matches;
    matches.reserve(5);
    int frames_ok = 0;
    const unsigned long before_warm = allocations.load();
    unsigned long before = before_warm;
    for (int frame = 0; frame <= 30; ++frame) {
        if (frame == 1) {
            before = allocations.load(); // frame 0 grows the buffers
        }
        bool ok = model.try_align(photo, astronaut_points, crop) == Ok;
        ok = ok && model.try_embed(crop, e) == Ok;
        float confidence = 0.0f;
        ok = ok && model.try_embed(crop, feature, confidence) == Ok;
        const std::array<drgan::ImageView, 2> faces = {crop.view(), other_crop.view()};
        ok = ok && model.try_embed_batch(faces, features, confidences) == Ok;
        ok = ok && model.try_embed_fused(faces, fused) == Ok;
        ok = ok && model.try_frontalize(crop, static_cast<uint64_t>(frame), rgb) == Ok;
        float yaw = 0.0f, similarity = 0.0f;
        ok = ok && model.try_estimate_yaw(crop, yaw) == Ok;
        ok = ok && drgan::try_similarity(e.feature, a.feature, similarity) == Ok;
        ok = ok && people.try_search(e.feature, 5, -1.0f, matches) == Ok;
        ok = ok && matches.size() == 1 && matches[0].id == "alice" && e.feature == a.feature &&
             feature == a.feature && std::fabs(similarity - 1.0f) < 1e-4f;
        frames_ok += ok ? 1 : 0;
    }
    const unsigned long warm = allocations.load() - before;
    std::printf("     allocations: %lu in frame 0, %lu in frames 1..30\n", before - before_warm,
                warm);
    CHECK(frames_ok == 31);
    CHECK(warm == 0);
}

void run(const std::string &bundle, const std::string &other, const std::string &data,
         const std::string &scratch) {
    CHECK(drgan::abi_compatible());

    // Options as users build them: the library's defaults.
    drgan::Options cpu;
    cpu.backend = drgan::Backend::Cpu;
    DrganOptions c{};
    c.struct_size = sizeof c;
    CHECK(drgan_options_default(&c) == DRGAN_STATUS_OK);
    CHECK(cpu.max_image_pixels == c.max_image_pixels && cpu.max_model_bytes == c.max_model_bytes);
    CHECK(cpu.threads == c.threads && c.threads == 1);
    CHECK(drgan::Options::defaults().max_model_bytes == c.max_model_bytes);
    CHECK(drgan::Options::defaults().threads == c.threads);
    CHECK(cpu.raw().threads == c.threads && cpu.raw().reserved2 == 0);

    // Opening, and its failures (which leave the Model as it was).
    drgan::Model model;
    CHECK(!model);
    EXPECT(Io, "nope", drgan::Model::try_open(scratch + "/nope", cpu, model));
    CHECK(!model);
    CHECK(drgan::Model::try_open(bundle, cpu, model) == Ok && model);
    const DrganModel *handle = model.get();
    drgan::Options small = cpu;
    small.max_model_bytes = 16;
    EXPECT(LimitExceeded, "", drgan::Model::try_open(bundle, small, model));
    drgan::Options bad = cpu;
    bad.backend = static_cast<drgan::Backend>(7);
    EXPECT(InvalidArgument, "", drgan::Model::try_open(bundle, bad, model));
    drgan::Options absurd = cpu;
    absurd.threads = 100000;
    EXPECT(InvalidArgument, "threads", drgan::Model::try_open(bundle, absurd, model));
    CHECK(model.get() == handle);
    if (std::getenv("DRGAN_TEST_DEFAULT_OPTIONS") != nullptr) {
        drgan::Model plain;
        CHECK(drgan::Model::try_open(bundle, plain) == Ok && plain);
    }
    const std::vector<uint8_t> encoder = read_file(bundle + "/encoder.onnx");
    const std::vector<uint8_t> decoder = read_file(bundle + "/decoder.onnx");
    const std::vector<uint8_t> other_decoder = read_file(other + "/decoder.onnx");
    drgan::Model no_pose;
    CHECK(drgan::Model::try_open_memory(encoder, decoder, {}, cpu, no_pose) == Ok && no_pose);
    drgan::Model refused;
    EXPECT(ModelMismatch, "",
           drgan::Model::try_open_memory(encoder, other_decoder, {}, cpu, refused));
    EXPECT(InvalidModel, "",
           drgan::Model::try_open_memory({1, 2, 3, 4}, decoder, {}, cpu, refused));
    CHECK(!refused);
    drgan::Model other_model;
    CHECK(drgan::Model::try_open(other, cpu, other_model) == Ok);

    drgan::ModelInfo info;
    CHECK(model.try_info(info) == Ok && info.config == "tiny" && info.feature_dim == 16 &&
          info.input_size == 32 && info.has_pose_head && info.threads == 1);
    std::vector<float> yaws;
    CHECK(model.try_pose_yaws(yaws) == Ok && yaws.size() == 13 && yaws.front() == -90.0f);

    // Images.
    drgan::Image astronaut, obama;
    EXPECT(Io, "", drgan::Image::try_load(scratch + "/missing.png", astronaut));
    CHECK(!astronaut);
    CHECK(drgan::Image::try_load(data + "/astronaut.png", astronaut) == Ok &&
          astronaut.width() == 512);
    CHECK(drgan::Image::try_decode(read_file(data + "/obama.jpg"), obama) == Ok &&
          obama.width() == 910);
    EXPECT(ImageDecode, "", drgan::Image::try_decode(std::vector<uint8_t>{1, 2, 3}, obama));
    CHECK(obama.width() == 910);
    drgan::Options few = cpu; // max_image_pixels bounds the decoded image
    few.max_image_pixels = 100 * 100;
    EXPECT(LimitExceeded, "limit", drgan::Image::try_load(data + "/astronaut.png", few, obama));
    EXPECT(LimitExceeded, "limit",
           drgan::Image::try_decode(read_file(data + "/obama.jpg"), few, obama));
    CHECK(obama.width() == 910); // left as it was
    few.max_image_pixels = 512 * 512;
    drgan::Image exact;
    CHECK(drgan::Image::try_load(data + "/astronaut.png", few, exact) == Ok &&
          exact.get() != nullptr && exact.get()->image.width == 512);

    // Alignment.
    drgan::RgbImage crop, crop2, boxed;
    CHECK(model.try_align(astronaut, astronaut_points, crop) == Ok && crop.width == 32 &&
          crop.pixels.size() == info.image_bytes);
    CHECK(model.try_align(obama, obama_points, crop2) == Ok);
    std::vector<uint8_t> rgb(model.image_bytes());
    CHECK(model.try_align(astronaut, astronaut_points, rgb) == Ok && rgb == crop.pixels);
    EXPECT(InvalidArgument, "landmarks_len",
           model.try_align(astronaut, drgan::Span<float>(astronaut_points, 8), crop2));
    CHECK(model.try_align_box(astronaut, {150, 60, 350, 330}, boxed) == Ok &&
          boxed.pixels != crop.pixels);
    EXPECT(InvalidArgument, "face_len", model.try_align_box(astronaut, {1, 2, 3}, boxed));
    float landmark = 1000.0f;
    CHECK(drgan::try_landmark_yaw(drgan::Span<float>(astronaut_points, 10), landmark) == Ok &&
          std::fabs(landmark) < 45.0f);
    EXPECT(InvalidArgument, "landmarks_len",
           drgan::try_landmark_yaw(drgan::Span<float>(astronaut_points, 8), landmark));

    // Dense landmarks (dlib 68) to the five points, and a grey NV12 camera frame.
    std::vector<float> dlib(136, 300.0f);
    const std::size_t at[5][2] = {{36, 42}, {42, 48}, {30, 31}, {48, 49}, {54, 55}};
    for (std::size_t k = 0; k < 5; ++k) {
        for (std::size_t i = at[k][0]; i < at[k][1]; ++i) {
            dlib[2 * i] = astronaut_points[2 * k];
            dlib[2 * i + 1] = astronaut_points[2 * k + 1];
        }
    }
    std::array<float, 10> five{};
    CHECK(drgan::try_landmarks_convert(drgan::LandmarkScheme::Dlib68, dlib, five) == Ok &&
          std::fabs(five[4] - astronaut_points[4]) < 1e-3f);
    EXPECT(InvalidArgument, "scheme",
           drgan::try_landmarks_convert(static_cast<drgan::LandmarkScheme>(9), dlib, five));
    std::vector<uint8_t> nv12(std::size_t{40} * 45, 128);
    drgan::Embedding camera;
    CHECK(model.try_embed(drgan::ImageView(nv12.data(), 40, 30, drgan::PixelFormat::Nv12),
                          camera) == Ok &&
          camera.feature.size() == 16);

    // Embedding.
    drgan::Embedding a, b;
    CHECK(model.try_embed(crop, a) == Ok && a.feature.size() == 16 && a.confidence > 0.0f);
    CHECK(model.try_embed(crop2, b) == Ok);
    std::vector<float> feature(16);
    float confidence = 0.0f;
    CHECK(model.try_embed(crop, feature, confidence) == Ok && feature == a.feature &&
          confidence == a.confidence);
    EXPECT(BufferTooSmall, "16",
           model.try_embed(crop, drgan::OutSpan<float>(feature.data(), 15), confidence));
    const std::vector<drgan::ImageView> faces = {crop, crop2};
    std::vector<drgan::Embedding> batch;
    CHECK(model.try_embed_batch(faces, batch) == Ok && batch.size() == 2);
    std::vector<float> features(32), confidences(2);
    CHECK(model.try_embed_batch(faces, features, confidences) == Ok &&
          std::equal(batch[1].feature.begin(), batch[1].feature.end(), features.begin() + 16) &&
          confidences[1] == batch[1].confidence);
    EXPECT(BufferTooSmall, "confidences",
           model.try_embed_batch(faces, features, drgan::OutSpan<float>(confidences.data(), 1)));
    EXPECT(InvalidArgument, "", model.try_embed_batch(drgan::Span<drgan::ImageView>(), batch));
    drgan::Embedding fused;
    CHECK(model.try_embed_fused(faces, fused) == Ok && fused.feature.size() == 16);
    CHECK(model.try_embed_fused(faces, feature, confidence) == Ok && feature == fused.feature &&
          std::fabs(fused.confidence - (a.confidence + b.confidence) / 2.0f) < 1e-4f);
    float similarity = 0.0f;
    CHECK(drgan::try_similarity(batch[0].feature, a.feature, similarity) == Ok &&
          std::fabs(similarity - 1.0f) < 1e-4f);
    EXPECT(InvalidArgument, "", drgan::try_similarity(a.feature, drgan::Span<float>(), similarity));

    // Synthesis and pose.
    drgan::RgbImage front, turned;
    CHECK(model.try_frontalize(crop, 7, front) == Ok && front.pixels.size() == info.image_bytes);
    CHECK(model.try_frontalize(crop, 7, rgb) == Ok && rgb == front.pixels);
    CHECK(front.try_save_png(scratch + "/front.png") == Ok);
    EXPECT(Io, "", front.try_save_png(scratch + "/no/such/dir/front.png"));
    CHECK(model.try_rotate(crop, 0.0f, 7, turned) == Ok && turned.pixels == front.pixels);
    CHECK(model.try_rotate(crop, 37.5f, 7, rgb) == Ok);
    EXPECT(OutOfRange, "yaw", model.try_rotate(crop, 120.0f, 7, turned));
    CHECK(model.try_synthesize(fused.feature, -45.0f, 1, turned) == Ok);
    CHECK(model.try_synthesize(fused.feature, -45.0f, 1, rgb) == Ok && rgb == turned.pixels);
    EXPECT(BufferTooSmall, "3072",
           model.try_synthesize(fused.feature, 0.0f, 1, drgan::OutSpan<uint8_t>(rgb.data(), 10)));
    float yaw = 1000.0f;
    CHECK(model.try_estimate_yaw(crop, yaw) == Ok && yaw >= -90.0f && yaw <= 90.0f);
    EXPECT(Unsupported, "", no_pose.try_estimate_yaw(crop, yaw));

    // An empty Model fails, never crashes.
    const drgan::Model empty;
    drgan::Embedding untouched = a;
    drgan::RgbImage untouched_image = front;
    EXPECT(NullArgument, "", empty.try_embed(crop, untouched));
    EXPECT(NullArgument, "", empty.try_frontalize(crop, 1, untouched_image));
    EXPECT(NullArgument, "", empty.try_info(info));
    CHECK(untouched.feature == a.feature && untouched_image.pixels == front.pixels);

    test_default_model(cpu, crop);
    test_gallery(model, other_model, scratch, a, b);
    test_frame_loop(model, astronaut, crop2, a);
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s BUNDLE OTHER_BUNDLE DATA_DIR SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    run(argv[1], argv[2], argv[3], argv[4]);
    std::printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
