// Tests of bindings/cpp/drgan.hpp against the real library: every member of the wrapper,
// the error paths (each as a drgan::Error with its status and the native message), move
// semantics, many threads on one Model, default-constructed Options, the overloads that
// write into the caller's memory (equal to the allocating forms) and the try_ forms
// (statuses, last_error(), out-parameters left alone on failure), camera input (YUV
// formats, bottom-up rows, dense landmarks) and Options::threads (the same bits at every
// count); no_exceptions.cpp tests the try_ forms again in a build with -fno-exceptions.
// Driven by tests/bindings_cpp.rs, which builds it with g++ and clang++ (-std=c++17 -Wall
// -Wextra -Werror -pedantic; one build under AddressSanitizer) together with
// double_include.cpp.
//
// usage: test_drgan_hpp BUNDLE_DIR OTHER_BUNDLE_DIR DATA_DIR SCRATCH_DIR
//   BUNDLE_DIR  a bundle with a pose head (the tiny fixture)
//   OTHER_BUNDLE_DIR  a bundle of another configuration (for MODEL_MISMATCH)
//   DATA_DIR    examples/data (astronaut.png, obama.jpg)
// environment: DRGAN_TEST_DEFAULT_MODEL (see test_default_model), DRGAN_TEST_DEFAULT_OPTIONS
#include "drgan.hpp"
#include "drgan.hpp" // twice on purpose: the include guard must hold

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

int second_translation_unit(const char *bundle); // double_include.cpp

static_assert(!std::is_copy_constructible<drgan::Model>::value, "Model is move-only");
static_assert(!std::is_copy_assignable<drgan::Model>::value, "Model is move-only");
static_assert(std::is_nothrow_move_constructible<drgan::Model>::value, "Model moves");
static_assert(std::is_nothrow_move_assignable<drgan::Model>::value, "Model moves");
static_assert(!std::is_copy_constructible<drgan::Image>::value, "Image is move-only");
static_assert(std::is_nothrow_move_constructible<drgan::Image>::value, "Image moves");
static_assert(!std::is_copy_constructible<drgan::Gallery>::value, "Gallery is move-only");
static_assert(!std::is_copy_assignable<drgan::Gallery>::value, "Gallery is move-only");
static_assert(std::is_nothrow_move_constructible<drgan::Gallery>::value, "Gallery moves");
static_assert(std::is_nothrow_move_assignable<drgan::Gallery>::value, "Gallery moves");
static_assert(std::is_base_of<std::runtime_error, drgan::Error>::value, "Error is an exception");
static_assert(drgan::bytes_per_pixel(drgan::PixelFormat::Bgra8) == 4, "constexpr");
// A default-constructed Options holds the library's defaults (checked against
// drgan_options_default below), at compile time too.
static_assert(drgan::Options{}.backend == drgan::Backend::Auto, "default backend");
static_assert(drgan::Options{}.max_image_pixels == (uint64_t{1} << 28), "default pixels");
static_assert(drgan::Options{}.max_model_bytes == (uint64_t{1} << 30), "default model bytes");
static_assert(drgan::Options{}.threads == 1, "default threads: the calling thread alone");
static_assert(drgan::Options{drgan::Backend::Cpu}.max_model_bytes == (uint64_t{1} << 30),
              "aggregate initialisation keeps the other defaults");
static_assert(std::is_nothrow_default_constructible<drgan::Model>::value, "empty Model");
static_assert(std::is_nothrow_default_constructible<drgan::Gallery>::value, "empty Gallery");
static_assert(std::is_nothrow_default_constructible<drgan::Image>::value, "empty Image");
// ABI 2: drgan_image_free takes only what drgan decoded (a DrganDecodedImage), so a
// caller's own DrganImage no longer compiles there; drgan::Image owns one.
static_assert(!std::is_invocable_v<decltype(&drgan_image_free), DrganImage *>,
              "drgan_image_free refuses a DrganImage*");
static_assert(std::is_invocable_v<decltype(&drgan_image_free), DrganDecodedImage *>,
              "drgan_image_free takes a DrganDecodedImage*");
static_assert(std::is_same_v<decltype(std::declval<const drgan::Image &>().get()),
                             const DrganDecodedImage *>,
              "drgan::Image holds a DrganDecodedImage");
static_assert(std::is_same_v<decltype(drgan::Image::load(std::declval<const std::string &>(),
                                                         std::declval<const drgan::Options &>())),
                             drgan::Image>,
              "Image::load takes Options");
static_assert(noexcept(drgan::Image::try_decode(drgan::Span<uint8_t>(),
                                                std::declval<const drgan::Options &>(),
                                                std::declval<drgan::Image &>())),
              "try_ forms with Options are noexcept");
static_assert(drgan::wrapper_abi_version == 2 && DRGAN_ABI_VERSION == 2, "ABI version 2");
static_assert(noexcept(std::declval<const drgan::Model &>().try_embed(
                  std::declval<const drgan::ImageView &>(), std::declval<drgan::Embedding &>())),
              "try_ forms are noexcept");
static_assert(noexcept(std::declval<const drgan::Gallery &>().try_search(
                  drgan::Span<float>(), 1, -1.0f, std::declval<std::vector<drgan::Match> &>())),
              "try_ forms are noexcept");

namespace {

std::atomic<int> checks{0};
std::atomic<int> failures{0};

void check(bool ok, const std::string &what, int line) {
    ++checks;
    if (ok) {
        std::printf("ok   %s\n", what.c_str());
    } else {
        ++failures;
        std::printf("FAIL line %d: %s\n", line, what.c_str());
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

// Runs `body`, which must throw drgan::Error with `want` and a message containing `word`.
template <class F>
void expect_error(const std::string &what, drgan::Status want, const std::string &word, F body,
                  int line) {
    ++checks;
    try {
        body();
        ++failures;
        std::printf("FAIL line %d: %s: no exception, want %s\n", line, what.c_str(),
                    drgan::status_name(want));
    } catch (const drgan::Error &e) {
        const std::string full = e.what();
        if (e.status() != want) {
            ++failures;
            std::printf("FAIL line %d: %s: got %s, want %s\n", line, what.c_str(), e.what(),
                        drgan::status_name(want));
        } else if (e.message().find(word) == std::string::npos || e.message().empty()) {
            ++failures;
            std::printf("FAIL line %d: %s: message \"%s\" lacks \"%s\"\n", line, what.c_str(),
                        e.message().c_str(), word.c_str());
        } else if (full.find(drgan::status_name(want)) != 0) {
            ++failures;
            std::printf("FAIL line %d: %s: what() \"%s\" does not start with the status\n", line,
                        what.c_str(), full.c_str());
        } else {
            std::printf("ok   %s -> %s\n", what.c_str(), full.c_str());
        }
    } catch (const std::exception &e) {
        ++failures;
        std::printf("FAIL line %d: %s: wrong exception type: %s\n", line, what.c_str(), e.what());
    }
}
#define EXPECT_ERROR(what, status, word, ...)                                                   \
    expect_error(                                                                               \
        (what), drgan::Status::status, (word), [&]() { static_cast<void>(__VA_ARGS__); }, __LINE__)

std::vector<uint8_t> read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in),
                                std::istreambuf_iterator<char>());
}

bool all_finite(const std::vector<float> &v) {
    for (float x : v) {
        if (!std::isfinite(x)) {
            return false;
        }
    }
    return true;
}

// Landmarks of examples/data (landmarks.json), x1, y1, ..., x5, y5.
const float astronaut_points[10] = {205.1f, 100.5f, 245.5f, 102.5f, 224.7f,
                                    127.4f, 205.6f, 140.9f, 243.3f, 142.6f};
const std::vector<float> obama_points = {443.0f, 211.8f, 544.7f, 209.3f, 497.7f,
                                         277.8f, 443.6f, 323.1f, 548.9f, 317.9f};

// The default model embedded in the library. DRGAN_TEST_DEFAULT_MODEL (set by
// tests/bindings_cpp.rs) is the directory of the same bundle on disk when the library has
// it, or "none" when it was built without it; unset, this part is skipped.
void test_default_model(const drgan::Options &cpu, const std::string &data) {
    const char *env = std::getenv("DRGAN_TEST_DEFAULT_MODEL");
    if (env == nullptr) {
        std::printf("skip default model (DRGAN_TEST_DEFAULT_MODEL unset)\n");
        return;
    }
    const std::string dir = env;
    if (dir == "none") {
        EXPECT_ERROR("open_default in a build without it", Unsupported, "default-model",
                     drgan::Model::open_default(cpu));
        drgan::Model none;
        CHECK(drgan::Model::try_open_default(cpu, none) == drgan::Status::Unsupported && !none);
        CHECK(std::string(drgan::last_error()).find("default-model") != std::string::npos);
        return;
    }
    const drgan::Model embedded = drgan::Model::open_default(cpu);
    {
        drgan::Model tried;
        CHECK(drgan::Model::try_open_default(cpu, tried) == drgan::Status::Ok && tried);
        CHECK(tried.feature_dim() == embedded.feature_dim());
    }
    const drgan::Model on_disk = drgan::Model::open(dir, cpu);
    const drgan::ModelInfo e = embedded.info(), d = on_disk.info();
    CHECK(e.input_size == d.input_size && e.input_size > 0);
    CHECK(e.feature_dim == d.feature_dim && e.noise_dim == d.noise_dim);
    CHECK(e.pose_count == d.pose_count && embedded.pose_yaws() == on_disk.pose_yaws());
    CHECK(e.config == d.config && e.trained_on == d.trained_on);
    CHECK(e.landmarks == d.landmarks);
    CHECK(e.has_pose_head);
    CHECK(e.encoder_backend == drgan::Backend::Cpu && e.decoder_backend == drgan::Backend::Cpu);
    const drgan::Image photo = drgan::Image::load(data + "/astronaut.png");
    const drgan::RgbImage crop = embedded.align(photo, astronaut_points);
    CHECK(crop.pixels == on_disk.align(photo, astronaut_points).pixels);
    const drgan::Embedding a = embedded.embed(crop);
    CHECK(a.feature.size() == e.feature_dim && all_finite(a.feature));
    CHECK(a.feature == on_disk.embed(crop).feature);
    CHECK(embedded.rotate(crop, e.max_yaw, 3).pixels == on_disk.rotate(crop, e.max_yaw, 3).pixels);
    if (std::getenv("DRGAN_TEST_DEFAULT_OPTIONS") != nullptr) {
        CHECK(drgan::Model::open_default().info().config == e.config);
    }
    drgan::Options small = cpu;
    small.max_model_bytes = 16;
    EXPECT_ERROR("open_default over max_model_bytes", LimitExceeded, "",
                 drgan::Model::open_default(small));
}

bool same_matches(const std::vector<drgan::Match> &x, const std::vector<drgan::Match> &y) {
    if (x.size() != y.size()) {
        return false;
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (x[i].id != y[i].id || x[i].similarity != y[i].similarity) {
            return false;
        }
    }
    return true;
}

// The parts one after the other (several pictures' features, as the gallery takes them).
std::vector<float> concat(std::initializer_list<const std::vector<float> *> parts) {
    std::vector<float> out;
    for (const std::vector<float> *p : parts) {
        out.insert(out.end(), p->begin(), p->end());
    }
    return out;
}

// The gallery: enrolment (one, batch, replace, from embeddings), search and its batch,
// remove, count, contains, a file that persists and is shared by two handles, and the
// errors. `a` and `b` are the features of two different faces.
void test_gallery(const drgan::Model &model, const std::string &bundle, const std::string &other,
                  const std::string &scratch, const drgan::Embedding &a, const drgan::Embedding &b,
                  const drgan::Options &cpu) {
    CHECK(std::string(drgan::status_name(drgan::Status::Gallery)) == "DRGAN_STATUS_GALLERY");
    CHECK(static_cast<int32_t>(drgan::Status::Gallery) == 14);

    drgan::Gallery people = drgan::Gallery::open_memory(model);
    CHECK(static_cast<bool>(people) && people.get() != nullptr);
    CHECK(people.feature_dim() == 16);
    CHECK(people.count() == 0);
    CHECK(people.search(a.feature, 3).empty());
    people.enrol("alice", a.feature);
    people.enrol("bob", b.feature, {b.confidence});
    CHECK(people.count() == 2);
    CHECK(people.contains("alice") && people.contains("bob") && !people.contains("carol"));

    std::vector<drgan::Match> found = people.search(a.feature, 2);
    CHECK(found.size() == 2);
    CHECK(!found.empty() && found[0].id == "alice" && std::fabs(found[0].similarity - 1.0f) < 1e-4f);
    CHECK(found.size() == 2 && found[1].id == "bob" &&
          std::fabs(found[1].similarity - drgan::similarity(a, b)) < 1e-4f);
    found = people.search(b.feature, 5);
    CHECK(found.size() == 2 && found[0].id == "bob" && found[0].similarity >= found[1].similarity);
    found = people.search(b.feature, 1);
    CHECK(found.size() == 1 && found[0].id == "bob");
    // A minimum between the two similarities keeps only the best.
    const float ab = drgan::similarity(a, b);
    std::printf("     similarity of the two faces: %.4f\n", static_cast<double>(ab));
    CHECK(ab < 0.999f);
    found = people.search(a.feature, 2, (1.0f + ab) / 2.0f);
    CHECK(found.size() == 1 && found[0].id == "alice");

    // Into a vector that is reused: resized to the matches, its capacity kept.
    {
        std::vector<drgan::Match> reused;
        reused.reserve(8);
        const drgan::Match *first = reused.data();
        people.search(a.feature, 2, -1.0f, reused);
        CHECK(same_matches(reused, people.search(a.feature, 2)));
        people.search(b.feature, 1, -1.0f, reused);
        CHECK(reused.size() == 1 && reused[0].id == "bob");
        CHECK(reused.capacity() == 8 && reused.data() == first);
        people.search(a.feature, 2, (1.0f + ab) / 2.0f, reused);
        CHECK(reused.size() == 1 && reused[0].id == "alice");
        people.search(a.feature, 40, -1.0f, reused); // k beyond the stack buffer
        CHECK(same_matches(reused, people.search(a.feature, 40)) && reused.size() == 2);
        EXPECT_ERROR("search into a vector with k 0", InvalidArgument, "k is 0",
                     people.search(a.feature, 0, -1.0f, reused));
    }

    const std::vector<float> both = concat({&a.feature, &b.feature});
    const std::vector<std::vector<drgan::Match>> batch = people.search_batch(both, 2);
    CHECK(batch.size() == 2);
    CHECK(batch.size() == 2 && !batch[0].empty() && batch[0][0].id == "alice");
    CHECK(batch.size() == 2 && !batch[1].empty() && batch[1][0].id == "bob");
    CHECK(batch.size() == 2 && batch[1].size() == 2 &&
          std::fabs(batch[1][1].similarity - people.search(b.feature, 2)[1].similarity) < 1e-6f);

    // More pictures: the template is Σωᵢfᵢ / Σωᵢ, found again by its own mean.
    people.enrol("carol", both, {a.confidence, b.confidence});
    std::vector<float> mean(16);
    for (std::size_t i = 0; i < 16; ++i) {
        mean[i] = (a.confidence * a.feature[i] + b.confidence * b.feature[i]) /
                  (a.confidence + b.confidence);
    }
    found = people.search(mean, 1);
    CHECK(found.size() == 1 && found[0].id == "carol" && std::fabs(found[0].similarity - 1.0f) < 1e-4f);
    // Enrolling adds to the template; replace starts it again.
    people.enrol("dave", {a});
    people.enrol("dave", {b});
    CHECK(people.count() == 4);
    people.replace("dave", b.feature);
    found = people.search(b.feature, 4);
    CHECK(found.size() == 4 && std::fabs(found[0].similarity - 1.0f) < 1e-4f &&
          std::fabs(found[1].similarity - 1.0f) < 1e-4f);
    people.replace("dave", {a, b});
    found = people.search(mean, 2);
    CHECK(found.size() == 2 && std::fabs(found[1].similarity - 1.0f) < 1e-4f);

    // One transaction for many pictures; an id may repeat.
    people.enrol_batch({"erin", "frank", "erin"}, concat({&a.feature, &b.feature, &b.feature}));
    CHECK(people.count() == 6 && people.contains("erin") && people.contains("frank"));
    people.enrol_batch(std::vector<std::string>{"gina"}, a.feature, {0.5f});
    CHECK(people.contains("gina"));
    // Non-ASCII ids cross as UTF-8.
    people.enrol("zoë-顔", a.feature);
    found = people.search(a.feature, 10);
    bool unicode = false;
    for (const drgan::Match &m : found) {
        unicode = unicode || m.id == "zoë-顔";
    }
    CHECK(unicode);

    CHECK(people.remove("frank"));
    CHECK(!people.remove("frank"));
    CHECK(!people.contains("frank") && people.count() == 7);
    CHECK(!people.refresh()); // a memory gallery never changes behind its back

    // Errors.
    EXPECT_ERROR("search with a short feature", InvalidArgument, "floats",
                 people.search(drgan::Span<float>(a.feature.data(), 4), 1));
    EXPECT_ERROR("search with k 0", InvalidArgument, "k is 0", people.search(a.feature, 0));
    EXPECT_ERROR("search with min_similarity 2", InvalidArgument, "min_similarity",
                 people.search(a.feature, 1, 2.0f));
    EXPECT_ERROR("search a zero feature", InvalidArgument, "zero",
                 people.search(std::vector<float>(16, 0.0f), 1));
    EXPECT_ERROR("search_batch of a feature and a half", InvalidArgument, "features_len",
                 people.search_batch(drgan::Span<float>(both.data(), 24), 1));
    EXPECT_ERROR("enrol a short feature", InvalidArgument, "features_len",
                 people.enrol("henry", drgan::Span<float>(a.feature.data(), 15)));
    EXPECT_ERROR("enrol no feature", InvalidArgument, "count",
                 people.enrol("henry", drgan::Span<float>()));
    EXPECT_ERROR("enrol two features with one confidence", InvalidArgument, "features_len",
                 people.enrol("henry", both, {0.5f}));
    EXPECT_ERROR("enrol a confidence of 0", InvalidArgument, "confidence",
                 people.enrol("henry", a.feature, {0.0f}));
    EXPECT_ERROR("enrol NaN", InvalidArgument, "NaN",
                 people.enrol("henry", std::vector<float>(16, NAN)));
    EXPECT_ERROR("enrol an empty id", InvalidArgument, "empty", people.enrol("", a.feature));
    EXPECT_ERROR("enrol a 256-byte id", InvalidArgument, "255",
                 people.enrol(std::string(256, 'x'), a.feature));
    EXPECT_ERROR("enrol an id holding NUL", InvalidArgument, "NUL",
                 people.enrol(std::string("a\0b", 3), a.feature));
    EXPECT_ERROR("enrol_batch with a confidence short", InvalidArgument, "confidences",
                 people.enrol_batch({"henry", "ida"}, both, {0.5f}));
    EXPECT_ERROR("enrol_batch with an empty id", InvalidArgument, "item 1",
                 people.enrol_batch({"henry", ""}, both));
    EXPECT_ERROR("replace with a short feature", InvalidArgument, "features_len",
                 people.replace("alice", drgan::Span<float>(a.feature.data(), 3)));
    EXPECT_ERROR("remove an empty id", InvalidArgument, "empty", people.remove(""));
    CHECK(!people.contains("henry") && !people.contains("ida") && people.count() == 7);

    // A moved-from Gallery throws instead of crashing.
    {
        drgan::Gallery moved = std::move(people);
        CHECK(!people); // NOLINT(bugprone-use-after-move): moved-from is documented empty
        EXPECT_ERROR("count of a moved-from Gallery", NullArgument, "gallery", people.count());
        CHECK(moved.count() == 7);
        people = std::move(moved);
        CHECK(people.count() == 7);
    }

    // A gallery does not borrow its model.
    {
        drgan::Gallery orphan = [&]() {
            const drgan::Model own = drgan::Model::open(bundle, cpu);
            return drgan::Gallery::open_memory(own);
        }();
        orphan.enrol("alice", a.feature);
        CHECK(orphan.search(a.feature, 1).size() == 1);
    }

    // A file: it persists across handles, and two handles share it.
    const std::string path = scratch + "/people.drgan";
    {
        drgan::Gallery file = drgan::Gallery::open(model, path);
        CHECK(file.count() == 0);
        file.enrol("alice", a.feature);
        file.enrol("bob", b.feature, {b.confidence});
    }
    {
        drgan::Gallery file = drgan::Gallery::open(model, path);
        CHECK(file.count() == 2 && file.contains("alice") && file.contains("bob"));
        found = file.search(a.feature, 2);
        CHECK(found.size() == 2 && found[0].id == "alice" && found[1].id == "bob");
        drgan::Gallery second = drgan::Gallery::open(model, path);
        CHECK(!second.refresh());
        file.enrol("carol", b.feature);
        CHECK(file.remove("bob"));
        CHECK(second.contains("bob") && !second.contains("carol"));
        CHECK(second.refresh());
        CHECK(second.contains("carol") && !second.contains("bob") && second.count() == 2);
        CHECK(!second.refresh());
    }
    {
        drgan::Gallery file = drgan::Gallery::open(model, path);
        CHECK(file.count() == 2 && file.contains("carol") && !file.contains("bob"));
    }
    const drgan::Model other_model = drgan::Model::open(other, cpu);
    EXPECT_ERROR("open a gallery of another model", ModelMismatch, "another model",
                 drgan::Gallery::open(other_model, path));
    {
        const std::string text = scratch + "/not-a-gallery.txt";
        std::ofstream(text) << "plain text, not an SQLite database, long enough to be read as a "
                               "header by SQLite: 0123456789012345678901234567890123456789";
        EXPECT_ERROR("open a text file as a gallery", Gallery, "", drgan::Gallery::open(model, text));
    }
    EXPECT_ERROR("open a gallery in a missing directory", Gallery, "",
                 drgan::Gallery::open(model, scratch + "/no/such/dir/g.drgan"));
}

// The overloads that write into the caller's memory (what a per-frame loop calls): the
// same results as the allocating forms, into an Embedding / RgbImage that is reused
// without reallocating, or into any buffer through OutSpan; short buffers are
// BufferTooSmall.
void test_into_caller_memory(const drgan::Model &model, const drgan::Image &photo,
                             const drgan::RgbImage &crop, const drgan::RgbImage &crop2,
                             const drgan::Embedding &a) {
    const std::size_t dim = model.feature_dim();
    CHECK(model.image_bytes() == std::size_t{32} * 32 * 3);

    // embed
    drgan::Embedding e;
    model.embed(crop, e);
    CHECK(e.feature == a.feature && e.confidence == a.confidence);
    const float *kept = e.feature.data();
    model.embed(crop2, e);
    const drgan::Embedding b = model.embed(crop2);
    CHECK(e.feature == b.feature && e.confidence == b.confidence);
    CHECK(e.feature.data() == kept); // reused, not reallocated
    std::vector<float> buffer(dim + 4, -7.0f);
    CHECK(model.embed(crop, buffer) == a.confidence);
    CHECK(std::equal(a.feature.begin(), a.feature.end(), buffer.begin()));
    CHECK(buffer[dim] == -7.0f); // nothing past feature_dim is written
    std::array<float, 16> array{};
    model.embed(crop, array); // the confidence may be ignored
    CHECK(std::equal(array.begin(), array.end(), a.feature.begin()));
    float c_array[16] = {};
    model.embed(crop, c_array);
    CHECK(std::equal(std::begin(c_array), std::end(c_array), a.feature.begin()));
    model.embed(crop, drgan::OutSpan<float>(buffer.data() + 4, dim));
    CHECK(std::equal(a.feature.begin(), a.feature.end(), buffer.begin() + 4));
    EXPECT_ERROR("embed into a short buffer", BufferTooSmall, "16",
                 model.embed(crop, drgan::OutSpan<float>(buffer.data(), dim - 1)));
    EXPECT_ERROR("embed into no buffer", BufferTooSmall, "16",
                 model.embed(crop, drgan::OutSpan<float>()));

    // embed_batch: flat buffers, on the stack up to 16 faces and beyond.
    const std::vector<drgan::ImageView> faces = {crop, crop2};
    const std::vector<drgan::Embedding> batch = model.embed_batch(faces);
    std::vector<float> features(2 * dim), confidences(2);
    model.embed_batch(faces, features, confidences);
    CHECK(std::equal(batch[0].feature.begin(), batch[0].feature.end(), features.begin()));
    CHECK(std::equal(batch[1].feature.begin(), batch[1].feature.end(), features.begin() + 16));
    CHECK(confidences[0] == batch[0].confidence && confidences[1] == batch[1].confidence);
    EXPECT_ERROR("embed_batch with one confidence for two faces", BufferTooSmall, "confidences",
                 model.embed_batch(faces, features, drgan::OutSpan<float>(confidences.data(), 1)));
    EXPECT_ERROR("embed_batch into a short buffer", BufferTooSmall, "32",
                 model.embed_batch(faces, drgan::OutSpan<float>(features.data(), 31), confidences));
    std::vector<drgan::ImageView> many(20, crop.view());
    many[19] = crop2;
    const std::vector<drgan::Embedding> many_batch = model.embed_batch(many);
    std::vector<float> many_features(20 * dim), many_confidences(20);
    model.embed_batch(many, many_features, many_confidences);
    bool same = many_batch.size() == 20;
    for (std::size_t i = 0; same && i < 20; ++i) {
        same = std::equal(many_batch[i].feature.begin(), many_batch[i].feature.end(),
                          many_features.begin() + static_cast<std::ptrdiff_t>(i * dim)) &&
               many_batch[i].confidence == many_confidences[i];
    }
    CHECK(same);

    // embed_fused
    const drgan::Embedding fused = model.embed_fused(faces);
    drgan::Embedding fused_into;
    model.embed_fused(faces, fused_into);
    CHECK(fused_into.feature == fused.feature && fused_into.confidence == fused.confidence);
    std::vector<float> fused_buffer(dim);
    CHECK(model.embed_fused(faces, fused_buffer) == fused.confidence);
    CHECK(fused_buffer == fused.feature);
    CHECK(model.embed_fused(many).feature == [&]() {
        drgan::Embedding f;
        model.embed_fused(many, f);
        return f.feature;
    }());

    // Images: into an RgbImage that is reused, and into a byte buffer.
    const std::vector<float> box = {150, 60, 350, 330};
    drgan::RgbImage out;
    model.align(photo, astronaut_points, out);
    CHECK(out.pixels == crop.pixels && out.width == 32 && out.height == 32);
    const uint8_t *kept_pixels = out.pixels.data();
    model.align_box(photo, box, out);
    CHECK(out.pixels == model.align_box(photo, box).pixels);
    model.frontalize(crop, 7, out);
    CHECK(out.pixels == model.frontalize(crop, 7).pixels);
    model.rotate(crop, 37.5f, 7, out);
    CHECK(out.pixels == model.rotate(crop, 37.5f, 7).pixels);
    model.synthesize(a.feature, -45.0f, 1, out);
    CHECK(out.pixels == model.synthesize(a.feature, -45.0f, 1).pixels);
    CHECK(out.pixels.data() == kept_pixels && out.width == 32 && out.height == 32);

    std::vector<uint8_t> rgb(model.image_bytes());
    model.align(photo, astronaut_points, rgb);
    CHECK(rgb == crop.pixels);
    model.align_box(photo, box, rgb);
    CHECK(rgb == model.align_box(photo, box).pixels);
    model.frontalize(crop, 7, rgb);
    CHECK(rgb == model.frontalize(crop, 7).pixels);
    model.rotate(crop, 37.5f, 7, rgb);
    CHECK(rgb == model.rotate(crop, 37.5f, 7).pixels);
    model.synthesize(a.feature, -45.0f, 1, rgb);
    CHECK(rgb == model.synthesize(a.feature, -45.0f, 1).pixels);
    const drgan::OutSpan<uint8_t> short_rgb(rgb.data(), rgb.size() - 1);
    EXPECT_ERROR("align into a short buffer", BufferTooSmall, "3072",
                 model.align(photo, astronaut_points, short_rgb));
    EXPECT_ERROR("frontalize into a short buffer", BufferTooSmall, "3072",
                 model.frontalize(crop, 7, short_rgb));
    EXPECT_ERROR("rotate into no buffer", BufferTooSmall, "3072",
                 model.rotate(crop, 0.0f, 7, drgan::OutSpan<uint8_t>()));
    EXPECT_ERROR("synthesize into a short buffer", BufferTooSmall, "3072",
                 model.synthesize(a.feature, 0.0f, 7, short_rgb));
    EXPECT_ERROR("align_box into a short buffer", BufferTooSmall, "3072",
                 model.align_box(photo, box, short_rgb));
}


// The try_ forms (the build without exceptions has only these; no_exceptions.cpp tests
// them there): each returns the status the throwing form throws, with last_error() its
// message, writes its results into out-parameters, and leaves a handle out-parameter
// alone on failure.
void test_try_forms(const drgan::Model &model, const std::string &bundle,
                    const std::string &data, const std::string &scratch,
                    const drgan::RgbImage &crop, const drgan::Embedding &a,
                    const drgan::Embedding &b, const drgan::Options &cpu) {
    using drgan::Status;
    const auto message_has = [](const char *word) {
        return std::string(drgan::last_error()).find(word) != std::string::npos;
    };

    // Opening.
    drgan::Model m;
    CHECK(!m && m.get() == nullptr && m.feature_dim() == 0);
    CHECK(drgan::Model::try_open(scratch + "/nope", cpu, m) == Status::Io && !m);
    CHECK(message_has("nope"));
    CHECK(drgan::Model::try_open(bundle, cpu, m) == Status::Ok && m && m.feature_dim() == 16);
    const DrganModel *handle = m.get();
    CHECK(drgan::Model::try_open(scratch + "/nope", cpu, m) == Status::Io);
    CHECK(m.get() == handle); // left as it was
    drgan::Options small = cpu;
    small.max_model_bytes = 16;
    CHECK(drgan::Model::try_open(bundle, small, m) == Status::LimitExceeded && m.get() == handle);
    const std::vector<uint8_t> encoder = read_file(bundle + "/encoder.onnx");
    const std::vector<uint8_t> decoder = read_file(bundle + "/decoder.onnx");
    drgan::Model memory;
    CHECK(drgan::Model::try_open_memory(encoder, decoder, {}, cpu, memory) == Status::Ok);
    CHECK(memory && memory.feature_dim() == 16);
    CHECK(drgan::Model::try_open_memory(decoder, decoder, {}, cpu, memory) == Status::InvalidModel);
    CHECK(memory.feature_dim() == 16);

    // Every model call.
    drgan::ModelInfo info;
    CHECK(m.try_info(info) == Status::Ok && info.config == "tiny" && info.feature_dim == 16);
    std::vector<float> yaws;
    CHECK(m.try_pose_yaws(yaws) == Status::Ok && yaws == model.pose_yaws());
    drgan::Embedding e;
    CHECK(m.try_embed(crop, e) == Status::Ok && e.feature == a.feature &&
          e.confidence == a.confidence);
    std::vector<float> feature(16);
    float confidence = 0.0f;
    CHECK(m.try_embed(crop, feature, confidence) == Status::Ok && feature == a.feature &&
          confidence == a.confidence);
    CHECK(m.try_embed(crop, drgan::OutSpan<float>(feature.data(), 3), confidence) ==
          Status::BufferTooSmall);
    const std::vector<drgan::ImageView> faces = {crop, crop};
    std::vector<drgan::Embedding> batch;
    CHECK(m.try_embed_batch(faces, batch) == Status::Ok && batch.size() == 2 &&
          batch[1].feature == model.embed_batch(faces)[1].feature);
    std::vector<float> features(32), confidences(2);
    CHECK(m.try_embed_batch(faces, features, confidences) == Status::Ok &&
          std::equal(batch[0].feature.begin(), batch[0].feature.end(), features.begin()));
    CHECK(m.try_embed_batch(faces, features, drgan::OutSpan<float>(confidences.data(), 1)) ==
          Status::BufferTooSmall);
    CHECK(message_has("confidences"));
    CHECK(m.try_embed_batch(drgan::Span<drgan::ImageView>(), batch) == Status::InvalidArgument);
    drgan::Embedding fused;
    CHECK(m.try_embed_fused(faces, fused) == Status::Ok &&
          fused.feature == model.embed_fused(faces).feature);
    CHECK(m.try_embed_fused(faces, feature, confidence) == Status::Ok &&
          feature == fused.feature && confidence == fused.confidence);
    drgan::RgbImage image;
    CHECK(m.try_frontalize(crop, 7, image) == Status::Ok &&
          image.pixels == model.frontalize(crop, 7).pixels);
    CHECK(m.try_rotate(crop, 30.0f, 7, image) == Status::Ok &&
          image.pixels == model.rotate(crop, 30.0f, 7).pixels);
    CHECK(m.try_rotate(crop, 120.0f, 7, image) == Status::OutOfRange);
    CHECK(message_has("yaw"));
    CHECK(m.try_synthesize(a.feature, 15.0f, 2, image) == Status::Ok &&
          image.pixels == model.synthesize(a.feature, 15.0f, 2).pixels);
    std::vector<uint8_t> rgb(m.image_bytes());
    CHECK(m.try_frontalize(crop, 7, rgb) == Status::Ok && rgb == model.frontalize(crop, 7).pixels);
    CHECK(m.try_rotate(crop, 30.0f, 7, rgb) == Status::Ok);
    CHECK(m.try_synthesize(a.feature, 15.0f, 2, rgb) == Status::Ok);
    CHECK(m.try_synthesize(drgan::Span<float>(a.feature.data(), 4), 0.0f, 2, rgb) ==
          Status::InvalidArgument);
    float yaw = 1000.0f;
    CHECK(m.try_estimate_yaw(crop, yaw) == Status::Ok && yaw == model.estimate_yaw(crop));
    drgan::Image photo;
    CHECK(drgan::Image::try_load(scratch + "/missing.png", photo) == Status::Io && !photo);
    CHECK(drgan::Image::try_load(data + "/astronaut.png", photo) == Status::Ok &&
          photo.width() == 512);
    CHECK(drgan::Image::try_decode(std::vector<uint8_t>{1, 2, 3}, photo) == Status::ImageDecode &&
          photo.width() == 512); // left as it was
    drgan::Options few; // max_image_pixels bounds the decoded image
    few.max_image_pixels = 100 * 100;
    CHECK(drgan::Image::try_load(data + "/astronaut.png", few, photo) == Status::LimitExceeded &&
          message_has("limit") && photo.width() == 512); // left as it was
    CHECK(drgan::Image::try_decode(read_file(data + "/obama.jpg"), few, photo) ==
              Status::LimitExceeded &&
          photo.width() == 512);
    few.max_image_pixels = 512 * 512;
    drgan::Image exact;
    CHECK(drgan::Image::try_load(data + "/astronaut.png", few, exact) == Status::Ok &&
          exact.width() == 512);
    few.max_image_pixels = 0;
    CHECK(drgan::Image::try_load(data + "/astronaut.png", few, exact) == Status::InvalidArgument);
    drgan::Image obama;
    CHECK(drgan::Image::try_decode(read_file(data + "/obama.jpg"), obama) == Status::Ok &&
          obama.width() == 910);
    CHECK(m.try_align(photo, astronaut_points, image) == Status::Ok && image.pixels == crop.pixels);
    CHECK(m.try_align(photo, astronaut_points, rgb) == Status::Ok && rgb == crop.pixels);
    CHECK(m.try_align(photo, drgan::Span<float>(astronaut_points, 8), image) ==
          Status::InvalidArgument);
    CHECK(m.try_align_box(photo, {150, 60, 350, 330}, image) == Status::Ok &&
          image.pixels == model.align_box(photo, {150, 60, 350, 330}).pixels);
    CHECK(m.try_align_box(photo, {150, 60, 350, 330}, rgb) == Status::Ok && rgb == image.pixels);
    CHECK(image.try_save_png(scratch + "/try.png") == Status::Ok);
    CHECK(photo.try_save_png(scratch + "/no/such/dir/x.png") == Status::Io);
    CHECK(image.view().try_save_png(scratch + "/try-view.png") == Status::Ok);
    float similarity = 0.0f;
    CHECK(drgan::try_similarity(a.feature, a.feature, similarity) == Status::Ok &&
          std::fabs(similarity - 1.0f) < 1e-4f);
    CHECK(drgan::try_similarity(a.feature, drgan::Span<float>(), similarity) ==
          Status::InvalidArgument);
    float landmark = 1000.0f;
    CHECK(drgan::try_landmark_yaw(drgan::Span<float>(astronaut_points, 10), landmark) ==
              Status::Ok &&
          landmark == drgan::landmark_yaw(drgan::Span<float>(astronaut_points, 10)));

    // An empty Model: NullArgument, never a crash.
    const drgan::Model empty;
    CHECK(empty.try_embed(crop, e) == Status::NullArgument);
    CHECK(empty.try_info(info) == Status::NullArgument);

    // The gallery.
    drgan::Gallery people;
    CHECK(!people);
    std::size_t count = 99;
    CHECK(people.try_count(count) == Status::NullArgument && count == 99);
    CHECK(drgan::Gallery::try_open_memory(m, people) == Status::Ok && people);
    CHECK(people.try_enrol("alice", a.feature) == Status::Ok);
    CHECK(people.try_enrol("bob", {b}) == Status::Ok);
    CHECK(people.try_enrol_batch({"carol", "dave"}, features) == Status::Ok);
    CHECK(people.try_replace("dave", b.feature, {0.5f}) == Status::Ok);
    CHECK(people.try_replace("carol", {a, b}) == Status::Ok);
    CHECK(people.try_count(count) == Status::Ok && count == 4);
    bool found = false;
    CHECK(people.try_contains("carol", found) == Status::Ok && found);
    CHECK(people.try_contains("erin", found) == Status::Ok && !found);
    bool removed = false;
    CHECK(people.try_remove("carol", removed) == Status::Ok && removed);
    CHECK(people.try_remove("carol", removed) == Status::Ok && !removed);
    std::vector<drgan::Match> matches;
    CHECK(people.try_search(a.feature, 3, -1.0f, matches) == Status::Ok &&
          same_matches(matches, people.search(a.feature, 3)));
    std::vector<std::vector<drgan::Match>> batches;
    const std::vector<float> both = [&]() {
        std::vector<float> v = a.feature;
        v.insert(v.end(), b.feature.begin(), b.feature.end());
        return v;
    }();
    CHECK(people.try_search_batch(both, 2, -1.0f, batches) == Status::Ok && batches.size() == 2 &&
          same_matches(batches[1], people.search(b.feature, 2)));
    bool changed = true;
    CHECK(people.try_refresh(changed) == Status::Ok && !changed);
    // The wrapper's own failures and the library's each give their message, the latest
    // one.
    CHECK(people.try_enrol(std::string("a\0b", 3), a.feature) == Status::InvalidArgument);
    CHECK(message_has("NUL"));
    CHECK(people.try_search(a.feature, 0, -1.0f, matches) == Status::InvalidArgument);
    CHECK(message_has("k is 0") && !message_has("NUL"));
    CHECK(people.try_enrol_batch({"x", "y"}, both, {0.5f}) == Status::InvalidArgument);
    CHECK(message_has("confidences has 1 values for 2 ids"));
    CHECK(people.try_enrol("", a.feature) == Status::InvalidArgument && message_has("empty"));
    const drgan::Gallery kept_people = std::move(people);
    CHECK(drgan::Gallery::try_open(m, scratch + "/no/such/dir/g.drgan", people) ==
              Status::Gallery &&
          !people);
    drgan::Gallery file;
    CHECK(drgan::Gallery::try_open(m, scratch + "/try.drgan", file) == Status::Ok && file);
    CHECK(file.try_enrol("alice", a.feature) == Status::Ok);
    CHECK(kept_people.try_count(count) == Status::Ok && count == 3);
}

// Camera input: YUV frames (NV12, NV21, I420), bottom-up rows, and the landmarks of
// dense detectors (dlib 68, MediaPipe Face Mesh) converted to the five points.
void test_camera_input(const drgan::Model &model, const drgan::Image &photo,
                       const drgan::RgbImage &crop) {
    // A grey YUV frame (U = V = 128) is the same picture as the Gray8 frame of its Y.
    const uint32_t w = 41, h = 30; // odd width: NV12 rows round up to even
    const std::size_t stride = drgan::packed_stride(drgan::PixelFormat::Nv12, w);
    CHECK(stride == 42 && drgan::packed_stride(drgan::PixelFormat::I420, w) == 41);
    CHECK(drgan::ImageView(nullptr, w, h, drgan::PixelFormat::Nv21).stride_bytes == 42);
    CHECK(drgan::bytes_per_pixel(drgan::PixelFormat::I420) == 1);
    std::vector<uint8_t> gray(std::size_t{w} * h);
    for (std::size_t i = 0; i < gray.size(); ++i) {
        gray[i] = static_cast<uint8_t>(40 + (i * 7) % 180);
    }
    const std::vector<float> want =
        model.embed(drgan::ImageView(gray.data(), w, h, drgan::PixelFormat::Gray8)).feature;
    std::vector<uint8_t> nv12(stride * (h + (h + 1) / 2), 128);
    for (uint32_t y = 0; y < h; ++y) {
        std::copy(gray.begin() + static_cast<std::ptrdiff_t>(y * w),
                  gray.begin() + static_cast<std::ptrdiff_t>((y + 1) * w),
                  nv12.begin() + static_cast<std::ptrdiff_t>(y * stride));
    }
    CHECK(model.embed(drgan::ImageView(nv12.data(), w, h, drgan::PixelFormat::Nv12)).feature ==
          want);
    CHECK(model.embed(drgan::ImageView(nv12.data(), w, h, drgan::PixelFormat::Nv21)).feature ==
          want);
    std::vector<uint8_t> i420(std::size_t{w} * h + 2 * std::size_t{21} * 15, 128);
    std::copy(gray.begin(), gray.end(), i420.begin());
    CHECK(model.embed(drgan::ImageView(i420.data(), w, h, drgan::PixelFormat::I420)).feature ==
          want);

    // Bottom-up rows: the crop stored upside down, read as bottom-up, is the crop.
    std::vector<uint8_t> flipped(crop.pixels.size());
    const std::size_t row = std::size_t{3} * crop.width;
    for (std::size_t y = 0; y < crop.height; ++y) {
        std::copy(crop.pixels.begin() + static_cast<std::ptrdiff_t>(y * row),
                  crop.pixels.begin() + static_cast<std::ptrdiff_t>((y + 1) * row),
                  flipped.end() - static_cast<std::ptrdiff_t>((y + 1) * row));
    }
    drgan::ImageView upside_down(flipped.data(), crop.width, crop.height, drgan::PixelFormat::Rgb8);
    CHECK(model.embed(upside_down).feature != model.embed(crop).feature);
    upside_down.bottom_up = true;
    CHECK((upside_down.raw().format & DRGAN_IMAGE_BOTTOM_UP) != 0);
    CHECK(model.embed(upside_down).feature == model.embed(crop).feature);

    // Dense landmarks: every point of each eye's contour (or both corners around it) at
    // the five points of astronaut.png, the rest elsewhere.
    const auto near_astronaut = [](const std::array<float, 10> &points) {
        for (std::size_t i = 0; i < 10; ++i) {
            if (std::fabs(points[i] - astronaut_points[i]) > 1e-3f) {
                return false;
            }
        }
        return true;
    };
    const auto put = [](std::vector<float> &points, std::size_t i, float x, float y) {
        points[2 * i] = x;
        points[2 * i + 1] = y;
    };
    const float *p = astronaut_points;
    std::vector<float> dlib(136, 300.0f);
    // dlib's 36..41 (the subject's right eye, usually on the image's left) and its
    // mouth corners on the other side: the five points still come out in image order.
    for (std::size_t i = 36; i < 42; ++i) {
        put(dlib, i, p[2], p[3]);
    }
    for (std::size_t i = 42; i < 48; ++i) {
        put(dlib, i, p[0], p[1]);
    }
    put(dlib, 30, p[4], p[5]);
    put(dlib, 48, p[8], p[9]);
    put(dlib, 54, p[6], p[7]);
    const std::array<float, 10> from_dlib =
        drgan::landmarks_convert(drgan::LandmarkScheme::Dlib68, dlib);
    CHECK(near_astronaut(from_dlib));
    CHECK(model.align(photo, from_dlib).pixels.size() == model.image_bytes());
    std::vector<float> mesh(956, 300.0f);
    put(mesh, 33, p[0] - 6.0f, p[1]);
    put(mesh, 133, p[0] + 6.0f, p[1]);
    put(mesh, 362, p[2] - 6.0f, p[3]);
    put(mesh, 263, p[2] + 6.0f, p[3]);
    put(mesh, 1, p[4], p[5]);
    put(mesh, 61, p[6], p[7]);
    put(mesh, 291, p[8], p[9]);
    CHECK(near_astronaut(drgan::landmarks_convert(drgan::LandmarkScheme::FaceMesh, mesh)));
    CHECK(near_astronaut(drgan::landmarks_convert(
        drgan::LandmarkScheme::FaceMesh, drgan::Span<float>(mesh.data(), 936))));
    std::array<float, 10> into{};
    CHECK(drgan::try_landmarks_convert(drgan::LandmarkScheme::Dlib68, dlib, into) ==
              drgan::Status::Ok &&
          into == from_dlib);
    float short_out[9] = {};
    CHECK(drgan::try_landmarks_convert(drgan::LandmarkScheme::Dlib68, dlib, short_out) ==
          drgan::Status::BufferTooSmall);
    EXPECT_ERROR("landmarks_convert of 67 dlib points", InvalidArgument, "",
                 drgan::landmarks_convert(drgan::LandmarkScheme::Dlib68,
                                          drgan::Span<float>(dlib.data(), 134)));
    EXPECT_ERROR("landmarks_convert of an unknown scheme", InvalidArgument, "scheme",
                 drgan::landmarks_convert(static_cast<drgan::LandmarkScheme>(9), dlib));
    dlib[2 * 30] = NAN;
    EXPECT_ERROR("landmarks_convert with NaN", InvalidArgument, "",
                 drgan::landmarks_convert(drgan::LandmarkScheme::Dlib68, dlib));
}

// The same floats, bit for bit (== would let -0.0 equal 0.0).
bool same_bits(const std::vector<float> &x, const std::vector<float> &y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0;
}

// Options::threads: info() reports the count (0 resolved to the cores), every count gives
// the results of one thread bit for bit, and an absurd count is refused.
void test_threads(const drgan::Model &one, const std::string &bundle, const drgan::Options &cpu,
                  const drgan::RgbImage &crop, const drgan::RgbImage &crop2) {
    CHECK(one.info().threads == 1);
    const std::vector<drgan::ImageView> faces = {crop, crop2};
    const std::vector<drgan::Embedding> want = one.embed_batch(faces);
    const drgan::Embedding want_fused = one.embed_fused(faces);
    const drgan::RgbImage want_turned = one.rotate(crop, 37.5f, 3);
    drgan::Options two = cpu;
    two.threads = 2;
    drgan::Options all = cpu;
    all.threads = 0;
    const drgan::Model pooled = drgan::Model::open(bundle, two);
    CHECK(pooled.info().threads == 2);
    const drgan::Model per_core = drgan::Model::open(bundle, all);
    const std::size_t cores = std::thread::hardware_concurrency();
    // The library counts the cores it may run on (affinity, cgroup quota): at least one,
    // at most the machine's.
    CHECK(per_core.info().threads >= 1 && (cores == 0 || per_core.info().threads <= cores));
    for (const drgan::Model *m : {&pooled, &per_core}) {
        const drgan::Embedding e = m->embed(crop);
        CHECK(same_bits(e.feature, want[0].feature) && e.confidence == want[0].confidence);
        const std::vector<drgan::Embedding> batch = m->embed_batch(faces);
        CHECK(batch.size() == 2 && same_bits(batch[0].feature, want[0].feature) &&
              same_bits(batch[1].feature, want[1].feature));
        CHECK(same_bits(m->embed_fused(faces).feature, want_fused.feature));
        CHECK(m->rotate(crop, 37.5f, 3).pixels == want_turned.pixels);
    }
    drgan::Options absurd = cpu;
    absurd.threads = 100000;
    EXPECT_ERROR("threads over 256", InvalidArgument, "threads",
                 drgan::Model::open(bundle, absurd));
    drgan::Model refused;
    CHECK(drgan::Model::try_open(bundle, absurd, refused) == drgan::Status::InvalidArgument &&
          !refused);
}

void run(const std::string &bundle, const std::string &other, const std::string &data,
         const std::string &scratch) {
    // Version and ABI.
    CHECK(drgan::version() == DRGAN_VERSION);
    CHECK(drgan::abi_version() == DRGAN_ABI_VERSION);
    CHECK(drgan::abi_version() == 2);
    CHECK(drgan::abi_compatible());
    CHECK(std::string(drgan::status_name(drgan::Status::Io)) == "DRGAN_STATUS_IO");
    CHECK(std::string(drgan::status_name(drgan::Status::Ok)) == "DRGAN_STATUS_OK");
    CHECK(std::string(drgan::status_name(static_cast<drgan::Status>(999))) ==
          "DRGAN_STATUS_UNKNOWN");

    // Options: the library's defaults, whichever way they are built (issue 30: a
    // default-constructed Options had limits of 0 and every open failed).
    {
        DrganOptions c{};
        c.struct_size = sizeof c;
        CHECK(drgan_options_default(&c) == DRGAN_STATUS_OK);
        const drgan::Options plain;
        CHECK(plain.backend == static_cast<drgan::Backend>(c.backend));
        CHECK(plain.max_image_pixels == c.max_image_pixels);
        CHECK(plain.max_model_bytes == c.max_model_bytes);
        CHECK(plain.threads == c.threads && c.threads == 1);
        const DrganOptions raw = plain.raw();
        CHECK(raw.struct_size == sizeof raw && raw.reserved == 0 && raw.reserved2 == 0);
        CHECK(raw.backend == c.backend && raw.max_image_pixels == c.max_image_pixels &&
              raw.max_model_bytes == c.max_model_bytes && raw.threads == c.threads);
        drgan::Options four;
        four.threads = 4;
        CHECK(four.raw().threads == 4 && four.raw().reserved2 == 0);
    }
    const drgan::Options defaults = drgan::Options::defaults();
    CHECK(defaults.backend == drgan::Backend::Auto);
    CHECK(defaults.max_image_pixels == (uint64_t{1} << 28));
    CHECK(defaults.max_model_bytes == (uint64_t{1} << 30));
    CHECK(defaults.threads == 1);
    CHECK(defaults.max_image_pixels == drgan::Options{}.max_image_pixels &&
          defaults.max_model_bytes == drgan::Options{}.max_model_bytes &&
          defaults.threads == drgan::Options{}.threads);
    drgan::Options cpu; // as users write it
    cpu.backend = drgan::Backend::Cpu;
    {
        // The user's form, exactly.
        drgan::Options o;
        o.backend = drgan::Backend::Cpu;
        CHECK(drgan::Model::open(bundle, o).feature_dim() == 16);
        // Aggregate forms.
        const drgan::Options aggregate{drgan::Backend::Cpu};
        CHECK(aggregate.max_image_pixels == (uint64_t{1} << 28) &&
              aggregate.max_model_bytes == (uint64_t{1} << 30) && aggregate.threads == 1);
        CHECK(drgan::Model::open(bundle, aggregate).feature_dim() == 16);
        CHECK(drgan::Model::open(bundle, drgan::Options{drgan::Backend::Cpu}).input_size() == 32);
        drgan::Options braced{};
        braced.backend = drgan::Backend::Cpu;
        CHECK(drgan::Model::open(bundle, braced).feature_dim() == 16);
#if __cplusplus >= 202002L
        CHECK(drgan::Model::open(bundle, drgan::Options{.backend = drgan::Backend::Cpu})
                  .feature_dim() == 16);
#endif
        drgan::Model tried;
        CHECK(drgan::Model::try_open(bundle, o, tried) == drgan::Status::Ok && tried);
        const std::vector<uint8_t> enc = read_file(bundle + "/encoder.onnx");
        const std::vector<uint8_t> dec = read_file(bundle + "/decoder.onnx");
        CHECK(drgan::Model::open_memory(enc, dec, {}, o).feature_dim() == 16);
    }

    // Opening, and its errors.
    drgan::Model model = drgan::Model::open(bundle, cpu);
    CHECK(static_cast<bool>(model));
    CHECK(model.get() != nullptr);
    // Default options (Backend::Auto) probe for a GPU; GPU drivers may leak at exit, so
    // the AddressSanitizer build leaves this out (tests/bindings_cpp.rs sets the variable
    // for the other build).
    if (std::getenv("DRGAN_TEST_DEFAULT_OPTIONS") != nullptr) {
        CHECK(drgan::Model::open(bundle).info().config == "tiny");
        CHECK(!drgan::Model::open_memory(read_file(bundle + "/encoder.onnx"),
                                         read_file(bundle + "/decoder.onnx"))
                   .info()
                   .has_pose_head);
    }
    EXPECT_ERROR("open a missing directory", Io, "", drgan::Model::open(scratch + "/nope", cpu));
    EXPECT_ERROR("open a file as a bundle", Io, "",
                 drgan::Model::open(data + "/astronaut.png", cpu));
    {
        drgan::Options bad = cpu;
        bad.backend = static_cast<drgan::Backend>(7);
        EXPECT_ERROR("unknown backend", InvalidArgument, "", drgan::Model::open(bundle, bad));
        drgan::Options small = cpu;
        small.max_model_bytes = 16;
        EXPECT_ERROR("model over max_model_bytes", LimitExceeded, "",
                     drgan::Model::open(bundle, small));
    }
    const std::vector<uint8_t> encoder = read_file(bundle + "/encoder.onnx");
    const std::vector<uint8_t> decoder = read_file(bundle + "/decoder.onnx");
    const std::vector<uint8_t> pose = read_file(bundle + "/pose.onnx");
    const std::vector<uint8_t> other_decoder = read_file(other + "/decoder.onnx");
    CHECK(!encoder.empty() && !decoder.empty() && !pose.empty() && !other_decoder.empty());
    {
        drgan::Model memory = drgan::Model::open_memory(encoder, decoder, pose, cpu);
        CHECK(memory.info().has_pose_head);
        drgan::Model no_pose = drgan::Model::open_memory(encoder, decoder, {}, cpu);
        CHECK(!no_pose.info().has_pose_head);
        const std::vector<uint8_t> junk = {1, 2, 3, 4, 5, 6, 7, 8};
        EXPECT_ERROR("open_memory on junk", InvalidModel, "",
                     drgan::Model::open_memory(junk, decoder, {}, cpu));
        EXPECT_ERROR("encoder and decoder of different configs", ModelMismatch, "",
                     drgan::Model::open_memory(encoder, other_decoder, {}, cpu));
        EXPECT_ERROR("empty encoder", InvalidModel, "",
                     drgan::Model::open_memory(drgan::Span<uint8_t>(), decoder, {}, cpu));

        // estimate_yaw without a pose head.
        drgan::RgbImage grey;
        grey.width = grey.height = 32;
        grey.pixels.assign(32 * 32 * 3, 128);
        EXPECT_ERROR("estimate_yaw without a pose head", Unsupported, "",
                     no_pose.estimate_yaw(grey));
    }

    test_default_model(cpu, data);

    // Info and pose bins.
    const drgan::ModelInfo info = model.info();
    CHECK(info.format_version == 1);
    CHECK(info.input_size == 32);
    CHECK(model.input_size() == 32);
    CHECK(info.feature_dim == 16);
    CHECK(model.feature_dim() == 16);
    CHECK(info.noise_dim == 8);
    CHECK(info.pose_count == 13);
    CHECK(info.image_bytes == 32u * 32u * 3u);
    CHECK(info.min_yaw == -90.0f && info.max_yaw == 90.0f);
    CHECK(info.has_pose_head);
    CHECK(info.encoder_backend == drgan::Backend::Cpu);
    CHECK(info.decoder_backend == drgan::Backend::Cpu);
    CHECK(info.config == "tiny");
    CHECK(info.trained_on.find("random") != std::string::npos);
    CHECK(info.threads == 1); // Options::threads' default
    CHECK(info.landmarks[0] > 0.0f && info.landmarks[0] < 32.0f);
    const std::vector<float> yaws = model.pose_yaws();
    CHECK(yaws.size() == 13);
    CHECK(yaws.front() == -90.0f && yaws.back() == 90.0f);

    // Images: load, decode, save, and their errors.
    drgan::Image astronaut = drgan::Image::load(data + "/astronaut.png");
    CHECK(static_cast<bool>(astronaut));
    CHECK(astronaut.width() == 512 && astronaut.height() == 512);
    CHECK(astronaut.format() == drgan::PixelFormat::Rgb8);
    CHECK(astronaut.stride_bytes() == 512 * 3);
    CHECK(astronaut.data() != nullptr && astronaut.get() != nullptr);
    drgan::Image obama = drgan::Image::decode(read_file(data + "/obama.jpg"));
    CHECK(obama.width() == 910 && obama.height() == 1137);
    EXPECT_ERROR("load a missing file", Io, "", drgan::Image::load(scratch + "/missing.png"));
    EXPECT_ERROR("decode junk", ImageDecode, "",
                 drgan::Image::decode(std::vector<uint8_t>{0x89, 'P', 'N', 'G', 0, 0}));
    EXPECT_ERROR("decode nothing", ImageDecode, "",
                 drgan::Image::decode(std::vector<uint8_t>(1, 0)));
    {
        // Options bound the decoded image: one pixel over max_image_pixels is refused
        // (LimitExceeded, from the header, before decoding); as many as it allows pass.
        drgan::Options bound;
        bound.backend = drgan::Backend::Cpu;
        bound.max_image_pixels = 512 * 512;
        CHECK(drgan::Image::load(data + "/astronaut.png", bound).width() == 512);
        bound.max_image_pixels = 512 * 512 - 1;
        EXPECT_ERROR("load over max_image_pixels", LimitExceeded, "limit",
                     drgan::Image::load(data + "/astronaut.png", bound));
        const std::vector<uint8_t> jpeg = read_file(data + "/obama.jpg");
        bound.max_image_pixels = 910 * 1137;
        CHECK(drgan::Image::decode(jpeg, bound).height() == 1137);
        bound.max_image_pixels = 64 * 64;
        EXPECT_ERROR("decode over max_image_pixels", LimitExceeded, "limit",
                     drgan::Image::decode(jpeg, bound));
        CHECK(drgan::Image::load(data + "/astronaut.png", drgan::Options{}).width() == 512);
        // The view of a decoded image is its DrganDecodedImage's `image` member.
        const DrganImage &c = astronaut.get()->image;
        CHECK(c.data == astronaut.data() && c.width == 512 && c.stride_bytes == 512 * 3 &&
              c.format == DRGAN_PIXEL_FORMAT_RGB8);
        CHECK(astronaut.view().raw().data == c.data);
    }
    {
        drgan::Image moved = std::move(astronaut);
        CHECK(!astronaut); // NOLINT(bugprone-use-after-move): moved-from is documented empty
        CHECK(astronaut.width() == 0 && astronaut.data() == nullptr);
        CHECK(moved.width() == 512);
        astronaut = std::move(moved);
        CHECK(astronaut.width() == 512);
    }
    astronaut.save_png(scratch + "/astronaut-copy.png");
    CHECK(drgan::Image::load(scratch + "/astronaut-copy.png").width() == 512);
    EXPECT_ERROR("save into a missing directory", Io, "",
                 astronaut.save_png(scratch + "/no/such/dir/x.png"));

    // Alignment.
    drgan::RgbImage crop = model.align(astronaut, astronaut_points);
    CHECK(crop.width == 32 && crop.height == 32 && crop.pixels.size() == info.image_bytes);
    drgan::RgbImage crop2 = model.align(obama, obama_points);
    CHECK(crop2.pixels.size() == info.image_bytes);
    crop.save_png(scratch + "/crop.png");
    EXPECT_ERROR("align with 8 numbers", InvalidArgument, "",
                 model.align(astronaut, drgan::Span<float>(astronaut_points, 8)));
    EXPECT_ERROR("align with NaN", InvalidArgument, "",
                 model.align(astronaut, {NAN, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_ERROR("align with all points equal", InvalidArgument, "",
                 model.align(astronaut, {5, 5, 5, 5, 5, 5, 5, 5, 5, 5}));
    drgan::RgbImage boxed = model.align_box(astronaut, {150, 60, 350, 330});
    CHECK(boxed.pixels.size() == info.image_bytes && boxed.pixels != crop.pixels);
    EXPECT_ERROR("align_box with 3 numbers", InvalidArgument, "face_len",
                 model.align_box(astronaut, {1, 2, 3}));
    EXPECT_ERROR("align_box with an empty box", InvalidArgument, "empty",
                 model.align_box(astronaut, {50, 50, 10, 90}));
    CHECK(std::fabs(drgan::landmark_yaw(drgan::Span<float>(astronaut_points, 10))) < 45.0f);
    EXPECT_ERROR("landmark_yaw with 8 numbers", InvalidArgument, "landmarks_len",
                 drgan::landmark_yaw(drgan::Span<float>(astronaut_points, 8)));

    // Image views over caller memory: strides and every format.
    {
        const uint32_t w = 40, h = 30;
        std::vector<uint8_t> bgra(static_cast<std::size_t>(h) * (w * 4 + 12), 90);
        drgan::ImageView view(bgra.data(), w, h, w * 4 + 12, drgan::PixelFormat::Bgra8);
        CHECK(view.raw().stride_bytes == w * 4 + 12);
        CHECK(model.embed(view).feature.size() == 16);
        std::vector<uint8_t> gray(static_cast<std::size_t>(w) * h, 200);
        CHECK(model.embed(drgan::ImageView(gray.data(), w, h, drgan::PixelFormat::Gray8))
                  .feature.size() == 16);
        std::vector<uint8_t> rgba(static_cast<std::size_t>(w) * h * 4, 30);
        drgan::ImageView rgba_view(rgba.data(), w, h, drgan::PixelFormat::Rgba8);
        CHECK(rgba_view.stride_bytes == w * 4);
        rgba_view.save_png(scratch + "/rgba.png");
        std::vector<uint8_t> bgr(static_cast<std::size_t>(w) * h * 3, 60);
        CHECK(model.frontalize(drgan::ImageView(bgr.data(), w, h, drgan::PixelFormat::Bgr8), 3)
                  .pixels.size() == info.image_bytes);
        EXPECT_ERROR("stride shorter than a row", InvalidArgument, "",
                     model.embed(drgan::ImageView(bgra.data(), w, h, w, drgan::PixelFormat::Bgra8)));
        EXPECT_ERROR("unknown pixel format", InvalidArgument, "",
                     model.embed(drgan::ImageView(gray.data(), w, h, w,
                                                  static_cast<drgan::PixelFormat>(42))));
        EXPECT_ERROR("zero width", InvalidArgument, "",
                     model.embed(drgan::ImageView(gray.data(), 0, h, w, drgan::PixelFormat::Gray8)));
        EXPECT_ERROR("null pixels", NullArgument, "",
                     model.embed(drgan::ImageView(nullptr, w, h, drgan::PixelFormat::Gray8)));
    }
    {
        drgan::Options tight = cpu;
        tight.max_image_pixels = 100;
        drgan::Model limited = drgan::Model::open(bundle, tight);
        EXPECT_ERROR("image over max_image_pixels", LimitExceeded, "", limited.embed(crop));
    }

    // Embedding, batch, fusion, similarity.
    const drgan::Embedding a = model.embed(crop);
    const drgan::Embedding b = model.embed(crop2);
    CHECK(a.feature.size() == 16 && all_finite(a.feature));
    CHECK(a.confidence > 0.0f && a.confidence < 1.0f);
    CHECK(model.embed(crop).feature == a.feature); // deterministic
    const float self = drgan::similarity(a, a);
    CHECK(std::fabs(self - 1.0f) < 1e-4f);
    const float ab = drgan::similarity(a.feature, b.feature);
    CHECK(ab >= -1.0f && ab <= 1.0f);
    EXPECT_ERROR("similarity of different lengths", InvalidArgument, "",
                 drgan::similarity(a.feature, drgan::Span<float>(b.feature.data(), 3)));
    EXPECT_ERROR("similarity of empty features", InvalidArgument, "",
                 drgan::similarity(drgan::Span<float>(), drgan::Span<float>()));
    EXPECT_ERROR("similarity with infinity", InvalidArgument, "",
                 drgan::similarity({INFINITY, 1.0f}, {1.0f, 1.0f}));

    const std::vector<drgan::ImageView> faces = {crop, crop2};
    const std::vector<drgan::Embedding> batch = model.embed_batch(faces);
    CHECK(batch.size() == 2);
    CHECK(std::fabs(drgan::similarity(batch[0], a) - 1.0f) < 1e-4f);
    CHECK(std::fabs(batch[1].confidence - b.confidence) < 1e-4f);
    const drgan::Embedding fused = model.embed_fused({crop, crop2});
    CHECK(fused.feature.size() == 16 && all_finite(fused.feature));
    CHECK(std::fabs(fused.confidence - (a.confidence + b.confidence) / 2.0f) < 1e-4f);
    {
        // Σωᵢfᵢ / Σωᵢ by hand.
        std::vector<float> expect(16);
        for (std::size_t i = 0; i < 16; ++i) {
            expect[i] = (a.confidence * a.feature[i] + b.confidence * b.feature[i]) /
                        (a.confidence + b.confidence);
        }
        CHECK(std::fabs(drgan::similarity(expect, fused.feature) - 1.0f) < 1e-4f);
    }
    EXPECT_ERROR("embed_batch of no faces", InvalidArgument, "",
                 model.embed_batch(drgan::Span<drgan::ImageView>(faces.data(), 0)));
    EXPECT_ERROR("embed_fused with a bad face", InvalidArgument, "",
                 model.embed_fused({crop, drgan::ImageView(crop.pixels.data(), 32, 32, 2,
                                                           drgan::PixelFormat::Rgb8)}));

    // Synthesis.
    const drgan::RgbImage front = model.frontalize(crop, 7);
    CHECK(front.width == 32 && front.pixels.size() == info.image_bytes);
    CHECK(model.frontalize(crop, 7).pixels == front.pixels);      // same seed, same pixels
    CHECK(model.rotate(crop, 0.0f, 7).pixels == front.pixels);    // frontal is yaw 0
    const drgan::RgbImage side = model.rotate(crop, 37.5f, 7);    // between two bins
    CHECK(side.pixels.size() == info.image_bytes);
    front.save_png(scratch + "/front.png");
    CHECK(drgan::Image::load(scratch + "/front.png").width() == 32);
    EXPECT_ERROR("rotate beyond the range", OutOfRange, "", model.rotate(crop, 120.0f));
    EXPECT_ERROR("rotate to NaN", OutOfRange, "", model.rotate(crop, NAN));
    const drgan::RgbImage drawn = model.synthesize(fused.feature, -45.0f, 1);
    CHECK(drawn.pixels.size() == info.image_bytes);
    CHECK(model.synthesize(a.feature, 0.0f, 9).pixels == model.synthesize(a.feature, 0.0f, 9).pixels);
    EXPECT_ERROR("synthesize from a short feature", InvalidArgument, "",
                 model.synthesize(drgan::Span<float>(a.feature.data(), 4), 0.0f));
    EXPECT_ERROR("synthesize beyond the range", OutOfRange, "",
                 model.synthesize(a.feature, -91.0f));

    // Pose estimate.
    const float yaw = model.estimate_yaw(crop);
    CHECK(yaw >= -90.0f && yaw <= 90.0f);

    // A moved-from Model throws instead of crashing.
    {
        drgan::Model moved = std::move(model);
        CHECK(!model); // NOLINT(bugprone-use-after-move)
        EXPECT_ERROR("call on a moved-from Model", NullArgument, "", model.embed(crop));
        CHECK(moved.embed(crop).feature == a.feature);
        model = std::move(moved);
    }

    // Many threads on one Model (const calls are thread-safe).
    {
        std::vector<std::thread> threads;
        std::atomic<int> mismatches{0};
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&]() {
                for (int i = 0; i < 5; ++i) {
                    if (model.embed(crop).feature != a.feature) {
                        ++mismatches;
                    }
                    try {
                        static_cast<void>(model.rotate(crop, 500.0f));
                        ++mismatches;
                    } catch (const drgan::Error &e) {
                        if (e.status() != drgan::Status::OutOfRange) {
                            ++mismatches;
                        }
                    }
                }
            });
        }
        for (std::thread &t : threads) {
            t.join();
        }
        CHECK(mismatches == 0);
    }

    test_gallery(model, bundle, other, scratch, a, b, cpu);
    test_into_caller_memory(model, astronaut, crop, crop2, a);
    test_try_forms(model, bundle, data, scratch, crop, a, b, cpu);
    test_camera_input(model, astronaut, crop);
    test_threads(model, bundle, cpu, crop, crop2);

    CHECK(second_translation_unit(bundle.c_str()) == 16);
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s BUNDLE OTHER_BUNDLE DATA_DIR SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    try {
        run(argv[1], argv[2], argv[3], argv[4]);
    } catch (const std::exception &e) {
        std::printf("FAIL uncaught exception: %s\n", e.what());
        ++failures;
    }
    std::printf("%d checks, %d failures\n", checks.load(), failures.load());
    return failures == 0 ? 0 : 1;
}
