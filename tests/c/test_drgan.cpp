// The C API from C++17: RAII owners over the handles, std::vector buffers, and many
// threads on one model. Uses only include/drgan.h; driven by tests/c_programs.rs, which
// builds it with -std=c++17 -Wall -Wextra -Werror under AddressSanitizer against both
// the shared and the static library.
//
// usage: test_drgan_cpp BUNDLE_DIR OTHER_BUNDLE_DIR SCRATCH_DIR
//                       SIZEOF_IMAGE SIZEOF_OPTIONS SIZEOF_INFO
#include "drgan.h"

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

static_assert(std::is_same<std::underlying_type<DrganStatus>::type, int32_t>::value,
              "DrganStatus is an int32_t enum");
static_assert(std::is_trivially_copyable<DrganImage>::value, "DrganImage is plain data");
// ABI 2: a decoded image has a type of its own, so only it can be given to drgan_image_free.
static_assert(DRGAN_ABI_VERSION == 2, "ABI version 2");
static_assert(!std::is_invocable<decltype(&drgan_image_free), DrganImage *>::value,
              "drgan_image_free refuses a caller's DrganImage*");
static_assert(std::is_invocable<decltype(&drgan_image_free), DrganDecodedImage *>::value,
              "drgan_image_free takes a DrganDecodedImage*");
static_assert(offsetof(DrganDecodedImage, image) == 0, "the image is the decoded image's start");
static_assert(std::is_standard_layout<DrganModelInfo>::value, "DrganModelInfo is plain data");

namespace {

std::atomic<int> checks{0};
std::atomic<int> failures{0};

void check(bool ok, const std::string &what, int line) {
    ++checks;
    if (ok) {
        std::printf("ok   %s\n", what.c_str());
    } else {
        ++failures;
        std::printf("FAIL line %d: %s (last error: %s)\n", line, what.c_str(), drgan_last_error());
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

void expect(DrganStatus got, DrganStatus want, const char *word, const std::string &what,
            int line) {
    std::string msg = drgan_last_error();
    ++checks;
    if (got != want) {
        ++failures;
        std::printf("FAIL line %d: %s: got %s, want %s (%s)\n", line, what.c_str(),
                    drgan_status_name(got), drgan_status_name(want), msg.c_str());
    } else if (want != DRGAN_STATUS_OK && msg.find(word) == std::string::npos) {
        ++failures;
        std::printf("FAIL line %d: %s: message \"%s\" lacks \"%s\"\n", line, what.c_str(),
                    msg.c_str(), word);
    } else {
        std::printf("ok   %s%s%s\n", what.c_str(), want == DRGAN_STATUS_OK ? "" : " -> ",
                    want == DRGAN_STATUS_OK ? "" : msg.c_str());
    }
}
#define EXPECT(what, call, want, word) expect((call), (want), (word), (what), __LINE__)

// RAII owners: no raw _free in the code below.
struct ModelFree {
    void operator()(DrganModel *m) const { drgan_model_free(m); }
};
struct ImageFree {
    void operator()(DrganDecodedImage *i) const { drgan_image_free(i); }
};
using Model = std::unique_ptr<DrganModel, ModelFree>;
using Image = std::unique_ptr<DrganDecodedImage, ImageFree>;

Model open_model(const std::string &dir, DrganStatus want = DRGAN_STATUS_OK,
                 const char *word = "") {
    DrganOptions options{};
    options.struct_size = sizeof options;
    EXPECT("options_default", drgan_options_default(&options), DRGAN_STATUS_OK, "");
    options.backend = DRGAN_BACKEND_CPU;
    DrganModel *raw = nullptr;
    EXPECT("open " + dir, drgan_model_open(dir.c_str(), &options, &raw), want, word);
    CHECK((raw != nullptr) == (want == DRGAN_STATUS_OK));
    return Model(raw);
}

DrganModelInfo info_of(const DrganModel *m) {
    DrganModelInfo info{};
    info.struct_size = sizeof info;
    EXPECT("model_info", drgan_model_info(m, &info), DRGAN_STATUS_OK, "");
    return info;
}

struct Picture {
    std::vector<uint8_t> pixels;
    DrganImage image;
    Picture(uint32_t w, uint32_t h, unsigned seed) : pixels(size_t{w} * h * 3) {
        for (size_t i = 0; i < pixels.size(); ++i)
            pixels[i] = static_cast<uint8_t>((i * 2654435761u >> 7) ^ (seed * 37u) ^ (i / 3));
        image = DrganImage{pixels.data(), w, h, size_t{w} * 3, DRGAN_PIXEL_FORMAT_RGB8};
    }
};

std::vector<float> embed(const DrganModel *m, const DrganImage &face, size_t n, float *conf) {
    std::vector<float> f(n);
    EXPECT("embed", drgan_embed(m, &face, f.data(), f.size(), nullptr, conf), DRGAN_STATUS_OK,
           "");
    return f;
}

void test_everything(const std::string &dir, const std::string &other, const std::string &scratch) {
    CHECK(std::string(drgan_version()) == DRGAN_VERSION);
    CHECK(drgan_abi_version() == DRGAN_ABI_VERSION);
    CHECK(drgan_abi_version() == 2);
    CHECK(std::string(drgan_status_name(DRGAN_STATUS_MODEL_MISMATCH)) ==
          "DRGAN_STATUS_MODEL_MISMATCH");

    Model model = open_model(dir);
    if (!model) return;
    open_model(dir + "/missing", DRGAN_STATUS_IO, "missing");
    Model second = open_model(other);
    const DrganModelInfo info = info_of(model.get());
    CHECK(info_of(second.get()).feature_dim != info.feature_dim);
    CHECK(std::string(info.config) == "tiny");

    std::vector<float> yaws(info.pose_count);
    size_t needed = 0;
    EXPECT("pose_yaws", drgan_model_pose_yaws(model.get(), yaws.data(), yaws.size(), &needed),
           DRGAN_STATUS_OK, "");
    CHECK(needed == info.pose_count && yaws.front() == info.min_yaw);

    // Images: save, load, decode (through RAII owners).
    Picture pic(40, 44, 1);
    const std::string png = scratch + "/cpp_face.png";
    EXPECT("save_png", drgan_image_save_png(png.c_str(), &pic.image), DRGAN_STATUS_OK, "");
    DrganDecodedImage *raw = nullptr;
    EXPECT("image_load", drgan_image_load(png.c_str(), nullptr, &raw), DRGAN_STATUS_OK, "");
    Image loaded(raw);
    CHECK(loaded && loaded->image.width == 40 && loaded->image.height == 44 &&
          loaded->image.stride_bytes == 40 * 3 &&
          loaded->image.format == DRGAN_PIXEL_FORMAT_RGB8 &&
          std::memcmp(loaded->image.data, pic.pixels.data(), pic.pixels.size()) == 0);
    const std::string junk = "not an image at all";
    raw = nullptr;
    EXPECT("image_decode junk",
           drgan_image_decode(reinterpret_cast<const uint8_t *>(junk.data()), junk.size(),
                              nullptr, &raw),
           DRGAN_STATUS_IMAGE_DECODE, "PNG");
    CHECK(raw == nullptr);
    // options->max_image_pixels bounds the decoded image: 40x44 passes at 1760, not at 1759.
    DrganOptions bound{};
    bound.struct_size = sizeof bound;
    EXPECT("options_default", drgan_options_default(&bound), DRGAN_STATUS_OK, "");
    bound.max_image_pixels = 40 * 44;
    EXPECT("image_load at max_image_pixels", drgan_image_load(png.c_str(), &bound, &raw),
           DRGAN_STATUS_OK, "");
    Image exact(raw);
    CHECK(exact && exact->image.width == 40);
    bound.max_image_pixels = 40 * 44 - 1;
    raw = nullptr;
    EXPECT("image_load over max_image_pixels", drgan_image_load(png.c_str(), &bound, &raw),
           DRGAN_STATUS_LIMIT_EXCEEDED, "limit");
    CHECK(raw == nullptr);
    std::vector<uint8_t> bytes;
    if (std::FILE *f = std::fopen(png.c_str(), "rb")) {
        for (int c; (c = std::fgetc(f)) != EOF;) bytes.push_back(static_cast<uint8_t>(c));
        std::fclose(f);
    }
    EXPECT("image_decode over max_image_pixels",
           drgan_image_decode(bytes.data(), bytes.size(), &bound, &raw),
           DRGAN_STATUS_LIMIT_EXCEEDED, "limit");
    CHECK(raw == nullptr);
    bound.max_image_pixels = 0;
    EXPECT("image_decode bad options", drgan_image_decode(bytes.data(), bytes.size(), &bound, &raw),
           DRGAN_STATUS_INVALID_ARGUMENT, "max_image_pixels");
    EXPECT("image_decode", drgan_image_decode(bytes.data(), bytes.size(), nullptr, &raw),
           DRGAN_STATUS_OK, "");
    Image decoded(raw);
    CHECK(decoded && decoded->image.height == 44 &&
          std::memcmp(decoded->image.data, pic.pixels.data(), pic.pixels.size()) == 0);

    // Embedding, batch, fusion, similarity.
    const size_t n = info.feature_dim;
    float conf = 0;
    std::vector<float> a = embed(model.get(), pic.image, n, &conf);
    std::vector<float> b = embed(model.get(), loaded->image, n, &conf);
    float sim = 0;
    EXPECT("similarity", drgan_similarity(a.data(), a.size(), b.data(), b.size(), &sim),
           DRGAN_STATUS_OK, "");
    CHECK(std::fabs(sim - 1.0f) < 1e-5f);

    Picture p2(32, 32, 2), p3(50, 30, 3);
    std::vector<DrganImage> faces{pic.image, p2.image, p3.image};
    std::vector<float> all(faces.size() * n), confs(faces.size()), fused(n);
    EXPECT("embed_batch",
           drgan_embed_batch(model.get(), faces.data(), faces.size(), all.data(), all.size(),
                             &needed, confs.data()),
           DRGAN_STATUS_OK, "");
    EXPECT("embed_fused",
           drgan_embed_fused(model.get(), faces.data(), faces.size(), fused.data(), fused.size(),
                             nullptr, &conf),
           DRGAN_STATUS_OK, "");
    EXPECT("embed_fused small buffer",
           drgan_embed_fused(model.get(), faces.data(), faces.size(), fused.data(), 1, &needed,
                             &conf),
           DRGAN_STATUS_BUFFER_TOO_SMALL, "needed");
    CHECK(needed == n);

    // Synthesis, pose, alignment.
    std::vector<uint8_t> out(info.image_bytes);
    EXPECT("frontalize",
           drgan_frontalize(model.get(), &pic.image, 3, out.data(), out.size(), nullptr),
           DRGAN_STATUS_OK, "");
    EXPECT("rotate 45",
           drgan_rotate(model.get(), &pic.image, 45.0f, 3, out.data(), out.size(), nullptr),
           DRGAN_STATUS_OK, "");
    EXPECT("rotate -95",
           drgan_rotate(model.get(), &pic.image, -95.0f, 3, out.data(), out.size(), nullptr),
           DRGAN_STATUS_OUT_OF_RANGE, "yaw");
    EXPECT("synthesize fused",
           drgan_synthesize(model.get(), fused.data(), fused.size(), 15.0f, 3, out.data(),
                            out.size(), nullptr),
           DRGAN_STATUS_OK, "");
    float yaw = 0;
    EXPECT("estimate_yaw", drgan_estimate_yaw(model.get(), &pic.image, &yaw), DRGAN_STATUS_OK,
           "");
    EXPECT("align",
           drgan_align(model.get(), &pic.image, info.landmarks, 10, out.data(), out.size(),
                       &needed),
           DRGAN_STATUS_OK, "");
    DrganImage bad = pic.image;
    bad.format = 77; // no format (GRAY8 + 1 is NV12 since the YUV formats came)
    EXPECT("align unknown format",
           drgan_align(model.get(), &bad, info.landmarks, 10, out.data(), out.size(), nullptr),
           DRGAN_STATUS_INVALID_ARGUMENT, "format");

    // Many threads on one model: same answers, and each thread has its own last error.
    std::vector<std::thread> threads;
    std::atomic<int> agree{0}, own_errors{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 3; ++i) {
                std::vector<float> f(n);
                float c = 0;
                if (drgan_embed(model.get(), &pic.image, f.data(), n, nullptr, &c) ==
                        DRGAN_STATUS_OK &&
                    f == a)
                    ++agree;
            }
            // Thread t fails with a length of its own, then checks its message.
            std::vector<float> x(2 + t);
            float s = 0;
            DrganStatus st = drgan_similarity(x.data(), x.size(), x.data(), 1, &s);
            std::string want = std::to_string(x.size()) + " and 1";
            std::this_thread::yield();
            if (st == DRGAN_STATUS_INVALID_ARGUMENT &&
                std::string(drgan_last_error()).find(want) != std::string::npos)
                ++own_errors;
        });
    }
    for (auto &th : threads) th.join();
    CHECK(agree == 12);
    CHECK(own_errors == 4);
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 7) {
        std::fprintf(stderr, "usage: %s BUNDLE OTHER_BUNDLE SCRATCH SIZEOF_IMAGE SIZEOF_OPTIONS "
                             "SIZEOF_INFO\n",
                     argv[0]);
        return 2;
    }
    CHECK(sizeof(DrganImage) == std::strtoul(argv[4], nullptr, 10));
    CHECK(sizeof(DrganOptions) == std::strtoul(argv[5], nullptr, 10));
    CHECK(sizeof(DrganModelInfo) == std::strtoul(argv[6], nullptr, 10));
    test_everything(argv[1], argv[2], argv[3]);
    std::printf("%d checks, %d failures\n", checks.load(), failures.load());
    return failures == 0 ? 0 : 1;
}
