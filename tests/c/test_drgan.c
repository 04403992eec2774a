/*
 * The whole C API from C99, good paths and error paths, using only include/drgan.h.
 * Driven by tests/c_programs.rs, which builds it with -std=c99 -Wall -Wextra -Werror
 * under AddressSanitizer against both the shared and the static library.
 *
 * usage: test_drgan BUNDLE_DIR OTHER_BUNDLE_DIR SCRATCH_DIR
 *                   SIZEOF_IMAGE SIZEOF_OPTIONS SIZEOF_INFO
 *   BUNDLE_DIR        a bundle with a pose head
 *   OTHER_BUNDLE_DIR  a bundle of another configuration (for mismatch errors)
 *   SCRATCH_DIR       an existing directory to write files into
 *   SIZEOF_*          the struct sizes Rust sees, to check the layouts agree
 * environment: DRGAN_TEST_DEFAULT_MODEL (see test_default_model)
 */
#include "drgan.h"
#include "drgan.h" /* twice: the include guard must hold */

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int checks = 0;
static int failures = 0;

/* A plain condition. */
#define CHECK(cond) check((cond) ? 1 : 0, #cond, __LINE__)

static void check(int ok, const char *what, int line) {
    checks++;
    if (ok) {
        printf("ok   %s\n", what);
    } else {
        failures++;
        printf("FAIL line %d: %s (last error: %s)\n", line, what, drgan_last_error());
    }
}

/* A call's status, and for failures a word its message must contain. */
#define EXPECT(what, call, want, word) expect((call), (want), (word), (what), __LINE__)

static void expect(DrganStatus got, DrganStatus want, const char *word, const char *what,
                   int line) {
    const char *msg = drgan_last_error();
    checks++;
    if (got != want) {
        failures++;
        printf("FAIL line %d: %s: got %s, want %s (last error: %s)\n", line, what,
               drgan_status_name(got), drgan_status_name(want), msg);
    } else if (want != DRGAN_STATUS_OK && (strstr(msg, word) == NULL)) {
        failures++;
        printf("FAIL line %d: %s: message \"%s\" lacks \"%s\"\n", line, what, msg, word);
    } else if (want == DRGAN_STATUS_OK) {
        printf("ok   %s\n", what);
    } else {
        printf("ok   %s -> %s: %s\n", what, drgan_status_name(got), msg);
    }
}

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = (char *)malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static uint8_t *read_file(const char *dir, const char *name, size_t *len) {
    char *path = join(dir, name);
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long size;
    free(path);
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = (uint8_t *)malloc((size_t)size + 1);
    *len = fread(data, 1, (size_t)size, f);
    fclose(f);
    return data;
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

/* A w x h picture of `bpp` bytes a pixel with `pad` bytes after every row. */
static uint8_t *picture(uint32_t w, uint32_t h, size_t bpp, size_t pad, unsigned seed) {
    size_t stride = w * bpp + pad, x, y, c;
    uint8_t *p = (uint8_t *)calloc(stride * h, 1);
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++)
            for (c = 0; c < bpp; c++)
                p[y * stride + x * bpp + c] =
                    (uint8_t)((x * 255 / w) ^ (y * 97) ^ (c * 60) ^ (seed * 31));
    return p;
}

static DrganImage describe(const uint8_t *data, uint32_t w, uint32_t h, size_t stride,
                           int32_t format) {
    DrganImage img;
    img.data = data;
    img.width = w;
    img.height = h;
    img.stride_bytes = stride;
    img.format = format;
    return img;
}

static int all_equal(const uint8_t *p, size_t n, uint8_t v) {
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != v) return 0;
    return 1;
}

static void test_versions_and_statuses(size_t sz_image, size_t sz_options, size_t sz_info) {
    char built[64];
    int i;
    DrganModelInfo info;
    snprintf(built, sizeof built, "%d.%d.%d", DRGAN_VERSION_MAJOR, DRGAN_VERSION_MINOR,
             DRGAN_VERSION_PATCH);
    CHECK(strcmp(built, DRGAN_VERSION) == 0);
    CHECK(strcmp(drgan_version(), DRGAN_VERSION) == 0);
    CHECK(drgan_abi_version() == DRGAN_ABI_VERSION);
    CHECK(sizeof(DrganImage) == sz_image);
    CHECK(sizeof(DrganOptions) == sz_options);
    CHECK(sizeof(DrganModelInfo) == sz_info);
    CHECK(sizeof info.config == DRGAN_INFO_CONFIG_LEN);
    CHECK(sizeof info.trained_on == DRGAN_INFO_TRAINED_ON_LEN);
    CHECK(sizeof(DrganStatus) == 4);
    CHECK(strcmp(drgan_last_error(), "") == 0);
    for (i = DRGAN_STATUS_OK; i <= DRGAN_STATUS_GALLERY; i++)
        CHECK(strncmp(drgan_status_name(i), "DRGAN_STATUS_", 13) == 0 &&
              strcmp(drgan_status_name(i), "DRGAN_STATUS_UNKNOWN") != 0);
    CHECK(strcmp(drgan_status_name(DRGAN_STATUS_OK), "DRGAN_STATUS_OK") == 0);
    CHECK(strcmp(drgan_status_name(DRGAN_STATUS_BUFFER_TOO_SMALL),
                 "DRGAN_STATUS_BUFFER_TOO_SMALL") == 0);
    CHECK(DRGAN_STATUS_PANIC == 13 && DRGAN_STATUS_LIMIT_EXCEEDED == 12);
    CHECK(DRGAN_STATUS_GALLERY == 14);
    CHECK(strcmp(drgan_status_name(DRGAN_STATUS_GALLERY), "DRGAN_STATUS_GALLERY") == 0);
    CHECK(strcmp(drgan_status_name(15), "DRGAN_STATUS_UNKNOWN") == 0);
    CHECK(strcmp(drgan_status_name(-1), "DRGAN_STATUS_UNKNOWN") == 0);
}

static DrganModel *test_open(const char *dir, const char *other) {
    DrganModel *model = NULL, *bad = NULL;
    DrganOptions options;
    DrganModelInfo info;
    float yaws[32];
    size_t needed = 0, i;
    char *missing = join(dir, "no-such-dir");

    memset(&options, 0, sizeof options);
    EXPECT("options_default(NULL)", drgan_options_default(NULL), DRGAN_STATUS_NULL_ARGUMENT,
           "options");
    EXPECT("options_default without struct_size", drgan_options_default(&options),
           DRGAN_STATUS_INVALID_ARGUMENT, "struct_size");
    options.struct_size = sizeof options;
    EXPECT("options_default", drgan_options_default(&options), DRGAN_STATUS_OK, "");
    CHECK(options.backend == DRGAN_BACKEND_AUTO && options.max_image_pixels > 0);

    options.backend = 42;
    EXPECT("open with backend 42", drgan_model_open(dir, &options, &model),
           DRGAN_STATUS_INVALID_ARGUMENT, "backend");
    options.backend = DRGAN_BACKEND_CPU;
    EXPECT("open(NULL dir)", drgan_model_open(NULL, &options, &model),
           DRGAN_STATUS_NULL_ARGUMENT, "dir");
    EXPECT("open(NULL out)", drgan_model_open(dir, &options, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_model");
    EXPECT("open missing directory", drgan_model_open(missing, NULL, &bad), DRGAN_STATUS_IO,
           "no-such-dir");
    CHECK(bad == NULL);
    EXPECT("open bundle", drgan_model_open(dir, &options, &model), DRGAN_STATUS_OK, "");
    CHECK(model != NULL);
    EXPECT("open other bundle", drgan_model_open(other, NULL, &bad), DRGAN_STATUS_OK, "");
    drgan_model_free(bad);
    drgan_model_free(NULL);
    free(missing);

    memset(&info, 0, sizeof info);
    EXPECT("model_info without struct_size", drgan_model_info(model, &info),
           DRGAN_STATUS_INVALID_ARGUMENT, "struct_size");
    info.struct_size = sizeof info;
    EXPECT("model_info(NULL model)", drgan_model_info(NULL, &info),
           DRGAN_STATUS_NULL_ARGUMENT, "model");
    EXPECT("model_info(NULL out)", drgan_model_info(model, NULL), DRGAN_STATUS_NULL_ARGUMENT,
           "out_info");
    EXPECT("model_info", drgan_model_info(model, &info), DRGAN_STATUS_OK, "");
    printf("     model: config %s, %ux%u input, %zu features, %zu poses (%.0f..%.0f), "
           "pose head %d, trained on \"%s\"\n",
           info.config, info.input_size, info.input_size, info.feature_dim,
           info.pose_count, info.min_yaw, info.max_yaw, info.has_pose_head, info.trained_on);
    CHECK(info.image_bytes == (size_t)info.input_size * info.input_size * 3);
    CHECK(info.has_pose_head == 1 && info.encoder_backend == DRGAN_BACKEND_CPU);
    CHECK(strlen(info.config) > 0 && info.pose_count <= 32);

    EXPECT("pose_yaws too small", drgan_model_pose_yaws(model, yaws, 2, &needed),
           DRGAN_STATUS_BUFFER_TOO_SMALL, "needed");
    CHECK(needed == info.pose_count);
    EXPECT("pose_yaws(NULL out)", drgan_model_pose_yaws(model, NULL, 32, &needed),
           DRGAN_STATUS_NULL_ARGUMENT, "out_yaws");
    EXPECT("pose_yaws", drgan_model_pose_yaws(model, yaws, 32, NULL), DRGAN_STATUS_OK, "");
    CHECK(yaws[0] == info.min_yaw && yaws[info.pose_count - 1] == info.max_yaw);
    for (i = 1; i < info.pose_count; i++) CHECK(yaws[i] > yaws[i - 1]);
    return model;
}

static void test_open_memory(const char *dir, const char *other) {
    size_t enc_len = 0, dec_len = 0, pose_len = 0, other_len = 0, i;
    uint8_t *enc = read_file(dir, "encoder.onnx", &enc_len);
    uint8_t *dec = read_file(dir, "decoder.onnx", &dec_len);
    uint8_t *pose = read_file(dir, "pose.onnx", &pose_len);
    uint8_t *other_dec = read_file(other, "decoder.onnx", &other_len);
    uint8_t noise[512];
    DrganModel *model = NULL;
    DrganModelInfo info;

    CHECK(enc != NULL && dec != NULL && pose != NULL && other_dec != NULL);
    if (enc == NULL || dec == NULL || pose == NULL || other_dec == NULL) return;
    for (i = 0; i < sizeof noise; i++) noise[i] = (uint8_t)(i * 151 + 7);

    EXPECT("open_memory", drgan_model_open_memory(enc, enc_len, dec, dec_len, pose, pose_len,
                                                  NULL, &model),
           DRGAN_STATUS_OK, "");
    drgan_model_free(model);
    model = NULL;
    EXPECT("open_memory without pose head",
           drgan_model_open_memory(enc, enc_len, dec, dec_len, NULL, 0, NULL, &model),
           DRGAN_STATUS_OK, "");
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    EXPECT("model_info", drgan_model_info(model, &info), DRGAN_STATUS_OK, "");
    CHECK(info.has_pose_head == 0);
    drgan_model_free(model);
    model = NULL;

    EXPECT("open_memory(NULL encoder)",
           drgan_model_open_memory(NULL, enc_len, dec, dec_len, NULL, 0, NULL, &model),
           DRGAN_STATUS_NULL_ARGUMENT, "encoder");
    EXPECT("open_memory(NULL decoder)",
           drgan_model_open_memory(enc, enc_len, NULL, dec_len, NULL, 0, NULL, &model),
           DRGAN_STATUS_NULL_ARGUMENT, "decoder");
    EXPECT("open_memory(NULL out)",
           drgan_model_open_memory(enc, enc_len, dec, dec_len, NULL, 0, NULL, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_model");
    EXPECT("truncated encoder",
           drgan_model_open_memory(enc, enc_len / 3, dec, dec_len, NULL, 0, NULL, &model),
           DRGAN_STATUS_INVALID_MODEL, "encoder");
    EXPECT("random bytes as encoder",
           drgan_model_open_memory(noise, sizeof noise, dec, dec_len, NULL, 0, NULL, &model),
           DRGAN_STATUS_INVALID_MODEL, "encoder");
    EXPECT("random bytes as pose head",
           drgan_model_open_memory(enc, enc_len, dec, dec_len, noise, sizeof noise, NULL,
                                   &model),
           DRGAN_STATUS_INVALID_MODEL, "pose");
    EXPECT("encoder and decoder swapped",
           drgan_model_open_memory(dec, dec_len, enc, enc_len, NULL, 0, NULL, &model),
           DRGAN_STATUS_INVALID_MODEL, "encoder");
    EXPECT("decoder of another config",
           drgan_model_open_memory(enc, enc_len, other_dec, other_len, NULL, 0, NULL, &model),
           DRGAN_STATUS_MODEL_MISMATCH, "decoder");
    CHECK(model == NULL);
    free(enc);
    free(dec);
    free(pose);
    free(other_dec);
}

static void test_images(const char *scratch, const DrganModel *model) {
    uint8_t *px = picture(48, 40, 4, 7, 1);
    DrganImage bgra = describe(px, 48, 40, 48 * 4 + 7, DRGAN_PIXEL_FORMAT_BGRA8);
    DrganDecodedImage *loaded = NULL, *decoded = NULL;
    DrganOptions small;
    char *png = join(scratch, "c_face.png");
    char *text = join(scratch, "c_not_an_image.png");
    char *missing = join(scratch, "c_missing.png");
    size_t len = 0, x, y;
    uint8_t *bytes;
    float f1[256], f2[256], c1 = 0, c2 = 0;
    int same = 1;

    EXPECT("image_save_png", drgan_image_save_png(png, &bgra), DRGAN_STATUS_OK, "");
    EXPECT("image_load", drgan_image_load(png, NULL, &loaded), DRGAN_STATUS_OK, "");
    CHECK(loaded != NULL && loaded->image.width == 48 && loaded->image.height == 40 &&
          loaded->image.format == DRGAN_PIXEL_FORMAT_RGB8 &&
          loaded->image.stride_bytes == 48 * 3);
    if (loaded != NULL)
        for (y = 0; y < 40; y++)
            for (x = 0; x < 48; x++) {
                const uint8_t *s = px + y * bgra.stride_bytes + x * 4;
                const uint8_t *d = loaded->image.data + y * loaded->image.stride_bytes + x * 3;
                same &= d[0] == s[2] && d[1] == s[1] && d[2] == s[0];
            }
    CHECK(same);
    bytes = read_file(scratch, "c_face.png", &len);
    EXPECT("image_decode", drgan_image_decode(bytes, len, NULL, &decoded), DRGAN_STATUS_OK, "");
    CHECK(decoded != NULL && decoded->image.width == 48);
    EXPECT("image_decode truncated", drgan_image_decode(bytes, len / 2, NULL, &decoded),
           DRGAN_STATUS_IMAGE_DECODE, "image");
    EXPECT("image_decode(NULL)", drgan_image_decode(NULL, len, NULL, &decoded),
           DRGAN_STATUS_NULL_ARGUMENT, "bytes");
    /* The caller's pixel limit: 48x40 is one pixel over 1919. */
    small.struct_size = sizeof small;
    CHECK(drgan_options_default(&small) == DRGAN_STATUS_OK);
    small.max_image_pixels = 48 * 40 - 1;
    EXPECT("image_decode over the caller's limit",
           drgan_image_decode(bytes, len, &small, &decoded), DRGAN_STATUS_LIMIT_EXCEEDED, "1919");
    EXPECT("image_load over the caller's limit", drgan_image_load(png, &small, &loaded),
           DRGAN_STATUS_LIMIT_EXCEEDED, "1919");
    free(bytes);

    /* The decoded file and the caller's BGRA buffer embed alike. */
    EXPECT("embed loaded", drgan_embed(model, &loaded->image, f1, 256, NULL, &c1),
           DRGAN_STATUS_OK, "");
    EXPECT("embed BGRA", drgan_embed(model, &bgra, f2, 256, NULL, &c2), DRGAN_STATUS_OK, "");
    CHECK(f1[0] == f2[0] && c1 == c2);

    write_text(text, "plain text is not an image");
    EXPECT("load a text file", drgan_image_load(text, NULL, &loaded), DRGAN_STATUS_IMAGE_DECODE,
           "not a PNG or JPEG");
    EXPECT("load a missing file", drgan_image_load(missing, NULL, &loaded), DRGAN_STATUS_IO,
           "c_missing.png");
    EXPECT("load a directory", drgan_image_load(scratch, NULL, &loaded), DRGAN_STATUS_IO,
           "not a regular file");
    EXPECT("load(NULL path)", drgan_image_load(NULL, NULL, &loaded), DRGAN_STATUS_NULL_ARGUMENT,
           "path");
    EXPECT("load(NULL out)", drgan_image_load(png, NULL, NULL), DRGAN_STATUS_NULL_ARGUMENT,
           "out_image");
    bgra.format = 77;
    EXPECT("save unknown format", drgan_image_save_png(png, &bgra),
           DRGAN_STATUS_INVALID_ARGUMENT, "format");
    EXPECT("save(NULL image)", drgan_image_save_png(png, NULL), DRGAN_STATUS_NULL_ARGUMENT,
           "image");
    drgan_image_free(loaded);
    drgan_image_free(decoded);
    drgan_image_free(NULL);
    free(px);
    free(png);
    free(text);
    free(missing);
}

static void test_embedding(const DrganModel *model, const DrganModelInfo *info) {
    size_t n = info->feature_dim, needed = 0, i;
    uint8_t *a = picture(40, 40, 3, 0, 2), *b = picture(36, 44, 3, 0, 3);
    uint8_t *c = picture(32, 32, 1, 5, 4);
    DrganImage faces[3];
    DrganImage bad;
    float *f = (float *)calloc(3 * n, sizeof(float));
    float *fused = (float *)calloc(n, sizeof(float));
    float conf[3] = {0, 0, 0}, fconf = 0, sim = 0, one = -1, sum = 0;

    faces[0] = describe(a, 40, 40, 120, DRGAN_PIXEL_FORMAT_RGB8);
    faces[1] = describe(b, 36, 44, 108, DRGAN_PIXEL_FORMAT_BGR8);
    faces[2] = describe(c, 32, 32, 37, DRGAN_PIXEL_FORMAT_GRAY8);

    EXPECT("embed", drgan_embed(model, &faces[0], f, n, &needed, &conf[0]), DRGAN_STATUS_OK,
           "");
    CHECK(needed == n && conf[0] > 0 && conf[0] < 1);
    EXPECT("embed too small", drgan_embed(model, &faces[0], f, n - 1, &needed, &conf[0]),
           DRGAN_STATUS_BUFFER_TOO_SMALL, "needed");
    CHECK(needed == n);
    EXPECT("embed(NULL model)", drgan_embed(NULL, &faces[0], f, n, NULL, &conf[0]),
           DRGAN_STATUS_NULL_ARGUMENT, "model");
    EXPECT("embed(NULL face)", drgan_embed(model, NULL, f, n, NULL, &conf[0]),
           DRGAN_STATUS_NULL_ARGUMENT, "face");
    EXPECT("embed(NULL out)", drgan_embed(model, &faces[0], NULL, n, NULL, &conf[0]),
           DRGAN_STATUS_NULL_ARGUMENT, "out_feature");
    EXPECT("embed(NULL confidence)", drgan_embed(model, &faces[0], f, n, NULL, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_confidence");

    bad = faces[0];
    bad.data = NULL;
    EXPECT("embed NULL pixels", drgan_embed(model, &bad, f, n, NULL, &one),
           DRGAN_STATUS_NULL_ARGUMENT, "data");
    bad = faces[0];
    bad.width = 0;
    EXPECT("embed zero width", drgan_embed(model, &bad, f, n, NULL, &one),
           DRGAN_STATUS_INVALID_ARGUMENT, "at least 1");
    bad = faces[0];
    bad.height = 0;
    EXPECT("embed zero height", drgan_embed(model, &bad, f, n, NULL, &one),
           DRGAN_STATUS_INVALID_ARGUMENT, "at least 1");
    bad = faces[0];
    bad.width = 100000;
    bad.height = 100000;
    bad.stride_bytes = 300000;
    EXPECT("embed huge image", drgan_embed(model, &bad, f, n, NULL, &one),
           DRGAN_STATUS_LIMIT_EXCEEDED, "limit");
    bad = faces[0];
    bad.stride_bytes = 119;
    EXPECT("embed short stride", drgan_embed(model, &bad, f, n, NULL, &one),
           DRGAN_STATUS_INVALID_ARGUMENT, "stride");
    bad = faces[0];
    bad.format = 8;
    EXPECT("embed unknown format", drgan_embed(model, &bad, f, n, NULL, &one),
           DRGAN_STATUS_INVALID_ARGUMENT, "format");
    CHECK(one == -1);

    EXPECT("embed_batch", drgan_embed_batch(model, faces, 3, f, 3 * n, &needed, conf),
           DRGAN_STATUS_OK, "");
    CHECK(needed == 3 * n);
    EXPECT("embed_batch too small",
           drgan_embed_batch(model, faces, 3, f, 3 * n - 1, &needed, conf),
           DRGAN_STATUS_BUFFER_TOO_SMALL, "needed");
    EXPECT("embed_batch count 0", drgan_embed_batch(model, faces, 0, f, 3 * n, NULL, conf),
           DRGAN_STATUS_INVALID_ARGUMENT, "count");
    EXPECT("embed_batch(NULL faces)", drgan_embed_batch(model, NULL, 3, f, 3 * n, NULL, conf),
           DRGAN_STATUS_NULL_ARGUMENT, "faces");

    EXPECT("embed_fused", drgan_embed_fused(model, faces, 3, fused, n, &needed, &fconf),
           DRGAN_STATUS_OK, "");
    for (i = 0; i < 3; i++) sum += conf[i];
    CHECK(fabsf(fconf - sum / 3) < 1e-5f);
    CHECK(fabsf(fused[0] - (conf[0] * f[0] + conf[1] * f[n] + conf[2] * f[2 * n]) / sum) <
          1e-5f);
    EXPECT("embed_fused(NULL confidence)",
           drgan_embed_fused(model, faces, 3, fused, n, NULL, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_confidence");

    EXPECT("similarity", drgan_similarity(f, n, f, n, &sim), DRGAN_STATUS_OK, "");
    CHECK(fabsf(sim - 1.0f) < 1e-5f);
    EXPECT("similarity of fused and first", drgan_similarity(fused, n, f, n, &sim),
           DRGAN_STATUS_OK, "");
    printf("     fused vs first face: %.4f\n", sim);
    EXPECT("similarity lengths differ", drgan_similarity(f, n, f, n - 1, &sim),
           DRGAN_STATUS_INVALID_ARGUMENT, "differ");
    EXPECT("similarity(NULL out)", drgan_similarity(f, n, f, n, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_similarity");
    free(a);
    free(b);
    free(c);
    free(f);
    free(fused);
}

static void test_synthesis(const char *scratch, const DrganModel *model,
                           const DrganModelInfo *info) {
    size_t bytes = info->image_bytes, needed = 0, n = info->feature_dim;
    uint8_t *face_px = picture(50, 50, 3, 0, 5);
    uint8_t *out = (uint8_t *)calloc(bytes, 1), *again = (uint8_t *)calloc(bytes, 1);
    float *feature = (float *)calloc(n, sizeof(float));
    DrganImage face = describe(face_px, 50, 50, 150, DRGAN_PIXEL_FORMAT_RGB8);
    DrganImage result = describe(out, info->input_size, info->input_size,
                                 (size_t)info->input_size * 3, DRGAN_PIXEL_FORMAT_RGB8);
    char *png = join(scratch, "c_frontal.png");
    float conf = 0, yaw = 1000, points[10];
    size_t i;

    EXPECT("frontalize", drgan_frontalize(model, &face, 7, out, bytes, &needed),
           DRGAN_STATUS_OK, "");
    CHECK(needed == bytes);
    EXPECT("frontalize again", drgan_frontalize(model, &face, 7, again, bytes, NULL),
           DRGAN_STATUS_OK, "");
    CHECK(memcmp(out, again, bytes) == 0);
    EXPECT("save the frontal face", drgan_image_save_png(png, &result), DRGAN_STATUS_OK, "");
    memset(again, 0, bytes);
    EXPECT("frontalize too small", drgan_frontalize(model, &face, 7, again, bytes - 1, &needed),
           DRGAN_STATUS_BUFFER_TOO_SMALL, "needed");
    CHECK(needed == bytes && all_equal(again, bytes, 0));
    EXPECT("frontalize(NULL face)", drgan_frontalize(model, NULL, 7, out, bytes, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "face");

    EXPECT("rotate 30", drgan_rotate(model, &face, 30.0f, 7, out, bytes, NULL),
           DRGAN_STATUS_OK, "");
    EXPECT("rotate 120", drgan_rotate(model, &face, 120.0f, 7, out, bytes, NULL),
           DRGAN_STATUS_OUT_OF_RANGE, "yaw");
    EXPECT("rotate NaN", drgan_rotate(model, &face, nanf(""), 7, out, bytes, NULL),
           DRGAN_STATUS_OUT_OF_RANGE, "yaw");
    EXPECT("rotate(NULL out)", drgan_rotate(model, &face, 0.0f, 7, NULL, bytes, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_rgb");

    EXPECT("embed for synthesis", drgan_embed(model, &face, feature, n, NULL, &conf),
           DRGAN_STATUS_OK, "");
    EXPECT("synthesize -45", drgan_synthesize(model, feature, n, -45.0f, 1, out, bytes, NULL),
           DRGAN_STATUS_OK, "");
    EXPECT("synthesize wrong length",
           drgan_synthesize(model, feature, n - 1, 0.0f, 1, out, bytes, NULL),
           DRGAN_STATUS_INVALID_ARGUMENT, "feature");
    EXPECT("synthesize -100", drgan_synthesize(model, feature, n, -100.0f, 1, out, bytes, NULL),
           DRGAN_STATUS_OUT_OF_RANGE, "outside");

    EXPECT("estimate_yaw", drgan_estimate_yaw(model, &face, &yaw), DRGAN_STATUS_OK, "");
    CHECK(yaw >= info->min_yaw && yaw <= info->max_yaw);
    EXPECT("estimate_yaw(NULL out)", drgan_estimate_yaw(model, &face, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_yaw");

    for (i = 0; i < 10; i++) points[i] = info->landmarks[i] * 50.0f / (float)info->input_size;
    EXPECT("align", drgan_align(model, &face, points, 10, out, bytes, &needed), DRGAN_STATUS_OK,
           "");
    CHECK(needed == bytes);
    EXPECT("align 4 points", drgan_align(model, &face, points, 8, out, bytes, NULL),
           DRGAN_STATUS_INVALID_ARGUMENT, "landmarks");
    EXPECT("align too small", drgan_align(model, &face, points, 10, out, 10, &needed),
           DRGAN_STATUS_BUFFER_TOO_SMALL, "needed");
    EXPECT("align(NULL landmarks)", drgan_align(model, &face, NULL, 10, out, bytes, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "landmarks");

    free(face_px);
    free(out);
    free(again);
    free(feature);
    free(png);
}

/* The default model embedded in the library. DRGAN_TEST_DEFAULT_MODEL (set by
 * tests/c_programs.rs) is the directory of the same bundle on disk when the library has
 * it, or "none" when it was built without it (cargo feature default-model); unset, this
 * part is skipped. */
static void test_default_model(void) {
    const char *dir = getenv("DRGAN_TEST_DEFAULT_MODEL");
    DrganModel *embedded = NULL, *on_disk = NULL;
    DrganOptions options;
    DrganModelInfo a, b;
    uint8_t *px = picture(64, 64, 3, 0, 11);
    DrganImage face = describe(px, 64, 64, 64 * 3, DRGAN_PIXEL_FORMAT_RGB8);
    float fa[512], fb[512], ca = 0, cb = 0;
    size_t needed = 0;

    if (dir == NULL) {
        printf("skip default model (DRGAN_TEST_DEFAULT_MODEL unset)\n");
        free(px);
        return;
    }
    options.struct_size = sizeof options;
    EXPECT("options_default", drgan_options_default(&options), DRGAN_STATUS_OK, "");
    options.backend = DRGAN_BACKEND_CPU;
    EXPECT("open_default(NULL out)", drgan_model_open_default(&options, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_model");
    if (strcmp(dir, "none") == 0) {
        EXPECT("open_default in a build without it", drgan_model_open_default(NULL, &embedded),
               DRGAN_STATUS_UNSUPPORTED, "built without the embedded default model");
        CHECK(embedded == NULL);
        free(px);
        return;
    }
    options.max_model_bytes = 16;
    EXPECT("open_default over max_model_bytes", drgan_model_open_default(&options, &embedded),
           DRGAN_STATUS_LIMIT_EXCEEDED, "over the limit");
    CHECK(embedded == NULL);
    options.max_model_bytes = (uint64_t)1 << 30;
    EXPECT("open_default", drgan_model_open_default(&options, &embedded), DRGAN_STATUS_OK, "");
    EXPECT("open models/default", drgan_model_open(dir, &options, &on_disk), DRGAN_STATUS_OK,
           "");
    if (embedded == NULL || on_disk == NULL) {
        drgan_model_free(embedded);
        drgan_model_free(on_disk);
        free(px);
        return;
    }
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.struct_size = b.struct_size = sizeof a;
    EXPECT("default model_info", drgan_model_info(embedded, &a), DRGAN_STATUS_OK, "");
    EXPECT("models/default model_info", drgan_model_info(on_disk, &b), DRGAN_STATUS_OK, "");
    printf("     default model: config %s, %ux%u input, %zu features, %zu poses (%.0f..%.0f), "
           "trained on \"%s\"\n",
           a.config, a.input_size, a.input_size, a.feature_dim, a.pose_count, a.min_yaw,
           a.max_yaw, a.trained_on);
    /* The same bundle (field by field: padding bytes are not part of the ABI). */
    CHECK(a.format_version == b.format_version && a.input_size == b.input_size);
    CHECK(a.feature_dim == b.feature_dim && a.noise_dim == b.noise_dim);
    CHECK(a.pose_count == b.pose_count && a.image_bytes == b.image_bytes);
    CHECK(a.min_yaw == b.min_yaw && a.max_yaw == b.max_yaw);
    CHECK(memcmp(a.landmarks, b.landmarks, sizeof a.landmarks) == 0);
    CHECK(a.has_pose_head == b.has_pose_head);
    CHECK(strcmp(a.config, b.config) == 0 && strcmp(a.trained_on, b.trained_on) == 0);
    CHECK(a.input_size > 0 && a.has_pose_head == 1 && a.feature_dim <= 512);
    if (a.feature_dim <= 512) {
        EXPECT("embed with the default model",
               drgan_embed(embedded, &face, fa, 512, &needed, &ca), DRGAN_STATUS_OK, "");
        EXPECT("embed with models/default", drgan_embed(on_disk, &face, fb, 512, NULL, &cb),
               DRGAN_STATUS_OK, "");
        CHECK(needed == a.feature_dim);
        CHECK(memcmp(fa, fb, a.feature_dim * sizeof(float)) == 0 && ca == cb);
        CHECK(isfinite(fa[0]) && ca > 0 && ca < 1);
    }
    drgan_model_free(embedded);
    drgan_model_free(on_disk);
    free(px);
}

static void test_no_pose_head(const char *dir) {
    size_t enc_len = 0, dec_len = 0;
    uint8_t *enc = read_file(dir, "encoder.onnx", &enc_len);
    uint8_t *dec = read_file(dir, "decoder.onnx", &dec_len);
    uint8_t *px = picture(32, 32, 3, 0, 6);
    DrganImage face = describe(px, 32, 32, 96, DRGAN_PIXEL_FORMAT_RGB8);
    DrganModel *model = NULL;
    float yaw = 1000;
    EXPECT("open without pose head",
           drgan_model_open_memory(enc, enc_len, dec, dec_len, NULL, 0, NULL, &model),
           DRGAN_STATUS_OK, "");
    EXPECT("estimate_yaw without pose head", drgan_estimate_yaw(model, &face, &yaw),
           DRGAN_STATUS_UNSUPPORTED, "pose head");
    CHECK(yaw == 1000);
    drgan_model_free(model);
    free(enc);
    free(dec);
    free(px);
}

/* The index of the match whose id is `id` among the first `n`, or -1. */
static int find_match(const DrganGalleryMatch *m, size_t n, const char *id) {
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(m[i].id, id) == 0) return (int)i;
    return -1;
}

/* Every gallery function: a memory gallery (enrol, batch, replace, search and its batch,
 * remove, count, contains, refresh), a file shared by two handles and reopened, the
 * errors (NULL arguments, malformed ids and lengths, short buffers, another model's
 * file, a file that is no gallery). */
static void test_gallery(const char *scratch, const char *other, const DrganModel *model,
                         const DrganModelInfo *info) {
    size_t n = info->feature_dim, count = 99, found = 99, found2[2] = {99, 99}, i;
    uint8_t *pa = picture(40, 40, 3, 0, 21), *pb = picture(40, 40, 3, 0, 22);
    DrganImage faces[2];
    float *f = (float *)calloc(3 * n, sizeof(float)); /* a, b, a */
    float *zero = (float *)calloc(n, sizeof(float));
    float conf[3] = {0, 0, 0}, sim = 0;
    DrganGallery *g = NULL, *g1 = NULL, *g2 = NULL, *bad = NULL;
    DrganModel *other_model = NULL;
    DrganGalleryMatch m[4], untouched;
    const char *ids[3] = {"carol", "dave", "carol"};
    const char *null_ids[2] = {"carol", NULL};
    char long_id[257];
    char *path = join(scratch, "c_gallery.drgan");
    char *text = join(scratch, "c_not_a_gallery.drgan");
    int32_t flag = 7;

    CHECK(sizeof m[0].id == 256 && offsetof(DrganGalleryMatch, id) == sizeof(float));
    faces[0] = describe(pa, 40, 40, 120, DRGAN_PIXEL_FORMAT_RGB8);
    faces[1] = describe(pb, 40, 40, 120, DRGAN_PIXEL_FORMAT_RGB8);
    EXPECT("embed two faces for the gallery",
           drgan_embed_batch(model, faces, 2, f, 2 * n, NULL, conf), DRGAN_STATUS_OK, "");
    memcpy(f + 2 * n, f, n * sizeof(float));
    conf[2] = conf[0];
    EXPECT("similarity of the two", drgan_similarity(f, n, f + n, n, &sim), DRGAN_STATUS_OK, "");
    printf("     the two gallery faces: similarity %.4f\n", sim);
    CHECK(sim < 0.999f);

    /* Opening a memory gallery. */
    EXPECT("gallery_open_memory(NULL model)", drgan_gallery_open_memory(NULL, &g),
           DRGAN_STATUS_NULL_ARGUMENT, "model");
    EXPECT("gallery_open_memory(NULL out)", drgan_gallery_open_memory(model, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_gallery");
    CHECK(g == NULL);
    EXPECT("gallery_open_memory", drgan_gallery_open_memory(model, &g), DRGAN_STATUS_OK, "");
    CHECK(g != NULL);
    if (g == NULL) goto done;
    EXPECT("gallery_count", drgan_gallery_count(g, &count), DRGAN_STATUS_OK, "");
    CHECK(count == 0);
    EXPECT("gallery_search an empty gallery",
           drgan_gallery_search(g, f, n, 2, -1.0f, m, 4, &found), DRGAN_STATUS_OK, "");
    CHECK(found == 0);

    /* Enrolment. */
    EXPECT("gallery_enrol", drgan_gallery_enrol(g, "alice", f, n, NULL, 1), DRGAN_STATUS_OK, "");
    EXPECT("gallery_enrol with a confidence",
           drgan_gallery_enrol(g, "bob", f + n, n, &conf[1], 1), DRGAN_STATUS_OK, "");
    EXPECT("gallery_enrol(NULL gallery)", drgan_gallery_enrol(NULL, "x", f, n, NULL, 1),
           DRGAN_STATUS_NULL_ARGUMENT, "gallery");
    EXPECT("gallery_enrol(NULL id)", drgan_gallery_enrol(g, NULL, f, n, NULL, 1),
           DRGAN_STATUS_NULL_ARGUMENT, "id");
    EXPECT("gallery_enrol(NULL features)", drgan_gallery_enrol(g, "x", NULL, n, NULL, 1),
           DRGAN_STATUS_NULL_ARGUMENT, "features");
    EXPECT("gallery_enrol a short feature", drgan_gallery_enrol(g, "x", f, n - 1, NULL, 1),
           DRGAN_STATUS_INVALID_ARGUMENT, "features_len");
    EXPECT("gallery_enrol count 0", drgan_gallery_enrol(g, "x", f, n, NULL, 0),
           DRGAN_STATUS_INVALID_ARGUMENT, "count");
    EXPECT("gallery_enrol a zero feature", drgan_gallery_enrol(g, "x", zero, n, NULL, 1),
           DRGAN_STATUS_INVALID_ARGUMENT, "zero");
    EXPECT("gallery_enrol an empty id", drgan_gallery_enrol(g, "", f, n, NULL, 1),
           DRGAN_STATUS_INVALID_ARGUMENT, "empty");
    EXPECT("gallery_enrol an id not UTF-8", drgan_gallery_enrol(g, "\xff\xfe", f, n, NULL, 1),
           DRGAN_STATUS_INVALID_ARGUMENT, "UTF-8");
    memset(long_id, 'x', 256);
    long_id[256] = '\0';
    EXPECT("gallery_enrol a 256-byte id", drgan_gallery_enrol(g, long_id, f, n, NULL, 1),
           DRGAN_STATUS_INVALID_ARGUMENT, "255");
    EXPECT("gallery_enrol_batch", drgan_gallery_enrol_batch(g, ids, f, 3 * n, conf, 3),
           DRGAN_STATUS_OK, "");
    EXPECT("gallery_enrol_batch(NULL ids)", drgan_gallery_enrol_batch(g, NULL, f, 3 * n, conf, 3),
           DRGAN_STATUS_NULL_ARGUMENT, "ids");
    EXPECT("gallery_enrol_batch with a NULL id",
           drgan_gallery_enrol_batch(g, null_ids, f, 2 * n, NULL, 2),
           DRGAN_STATUS_INVALID_ARGUMENT, "ids[1]");
    EXPECT("gallery_enrol_batch a short feature",
           drgan_gallery_enrol_batch(g, ids, f, 3 * n - 1, NULL, 3),
           DRGAN_STATUS_INVALID_ARGUMENT, "features_len");
    EXPECT("gallery_replace", drgan_gallery_replace(g, "dave", f + n, n, NULL, 1),
           DRGAN_STATUS_OK, "");
    EXPECT("gallery_replace(NULL id)", drgan_gallery_replace(g, NULL, f, n, NULL, 1),
           DRGAN_STATUS_NULL_ARGUMENT, "id");
    EXPECT("gallery_replace count 0", drgan_gallery_replace(g, "dave", f, n, NULL, 0),
           DRGAN_STATUS_INVALID_ARGUMENT, "count");
    /* 255 bytes is the longest id; it comes back whole. */
    long_id[255] = '\0';
    EXPECT("gallery_enrol a 255-byte id", drgan_gallery_enrol(g, long_id, f + n, n, NULL, 1),
           DRGAN_STATUS_OK, "");
    EXPECT("gallery_count", drgan_gallery_count(g, &count), DRGAN_STATUS_OK, "");
    CHECK(count == 5);
    EXPECT("gallery_count(NULL out)", drgan_gallery_count(g, NULL), DRGAN_STATUS_NULL_ARGUMENT,
           "out_count");
    EXPECT("gallery_count(NULL gallery)", drgan_gallery_count(NULL, &count),
           DRGAN_STATUS_NULL_ARGUMENT, "gallery");
    EXPECT("gallery_contains alice", drgan_gallery_contains(g, "alice", &flag), DRGAN_STATUS_OK,
           "");
    CHECK(flag == 1);
    EXPECT("gallery_contains nobody", drgan_gallery_contains(g, "nobody", &flag),
           DRGAN_STATUS_OK, "");
    CHECK(flag == 0);
    EXPECT("gallery_contains(NULL id)", drgan_gallery_contains(g, NULL, &flag),
           DRGAN_STATUS_NULL_ARGUMENT, "id");
    EXPECT("gallery_contains(NULL out)", drgan_gallery_contains(g, "alice", NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_contains");

    /* Search. */
    EXPECT("gallery_search", drgan_gallery_search(g, f, n, 2, -1.0f, m, 2, &found),
           DRGAN_STATUS_OK, "");
    CHECK(found == 2 && strcmp(m[0].id, "alice") == 0 && fabsf(m[0].similarity - 1.0f) < 1e-4f);
    CHECK(found == 2 && m[1].similarity <= m[0].similarity);
    EXPECT("gallery_search k 5 of 5", drgan_gallery_search(g, f + n, n, 5, -1.0f, m, 4, &found),
           DRGAN_STATUS_BUFFER_TOO_SMALL, "needed");
    memset(&untouched, 0x5a, sizeof untouched);
    m[0] = untouched;
    found = 99;
    EXPECT("gallery_search into a short buffer",
           drgan_gallery_search(g, f, n, 2, -1.0f, m, 1, &found), DRGAN_STATUS_BUFFER_TOO_SMALL,
           "needed");
    CHECK(found == 99 && memcmp(&m[0], &untouched, sizeof untouched) == 0);
    EXPECT("gallery_search bob", drgan_gallery_search(g, f + n, n, 4, -1.0f, m, 4, &found),
           DRGAN_STATUS_OK, "");
    /* bob, dave (replaced by bob's picture) and the long id hold the same feature. */
    CHECK(found == 4 && find_match(m, 3, "bob") >= 0 && find_match(m, 3, "dave") >= 0 &&
          find_match(m, 3, long_id) >= 0 && strlen(long_id) == 255);
    CHECK(found == 4 && fabsf(m[2].similarity - 1.0f) < 1e-4f);
    EXPECT("gallery_search with a minimum",
           drgan_gallery_search(g, f, n, 4, (1.0f + sim) / 2.0f, m, 4, &found), DRGAN_STATUS_OK,
           "");
    CHECK(found >= 1 && strcmp(m[0].id, "alice") == 0);
    for (i = 0; i < found; i++) CHECK(m[i].similarity >= (1.0f + sim) / 2.0f);
    EXPECT("gallery_search(NULL feature)", drgan_gallery_search(g, NULL, n, 1, -1.0f, m, 4, &found),
           DRGAN_STATUS_NULL_ARGUMENT, "feature");
    EXPECT("gallery_search(NULL matches)", drgan_gallery_search(g, f, n, 1, -1.0f, NULL, 4, &found),
           DRGAN_STATUS_NULL_ARGUMENT, "out_matches");
    EXPECT("gallery_search(NULL found)", drgan_gallery_search(g, f, n, 1, -1.0f, m, 4, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_found");
    EXPECT("gallery_search(NULL gallery)",
           drgan_gallery_search(NULL, f, n, 1, -1.0f, m, 4, &found), DRGAN_STATUS_NULL_ARGUMENT,
           "gallery");
    EXPECT("gallery_search a short feature",
           drgan_gallery_search(g, f, n - 1, 1, -1.0f, m, 4, &found),
           DRGAN_STATUS_INVALID_ARGUMENT, "feature");
    EXPECT("gallery_search k 0", drgan_gallery_search(g, f, n, 0, -1.0f, m, 4, &found),
           DRGAN_STATUS_INVALID_ARGUMENT, "k is 0");
    EXPECT("gallery_search minimum 1.5", drgan_gallery_search(g, f, n, 1, 1.5f, m, 4, &found),
           DRGAN_STATUS_INVALID_ARGUMENT, "min_similarity");
    EXPECT("gallery_search a zero feature",
           drgan_gallery_search(g, zero, n, 1, -1.0f, m, 4, &found),
           DRGAN_STATUS_INVALID_ARGUMENT, "zero");

    EXPECT("gallery_search_batch",
           drgan_gallery_search_batch(g, f, 2 * n, 2, 2, -1.0f, m, 4, found2), DRGAN_STATUS_OK,
           "");
    CHECK(found2[0] == 2 && found2[1] == 2);
    CHECK(strcmp(m[0].id, "alice") == 0 && fabsf(m[2].similarity - 1.0f) < 1e-4f);
    CHECK(find_match(m + 2, 2, "alice") < 0);
    EXPECT("gallery_search_batch into a short buffer",
           drgan_gallery_search_batch(g, f, 2 * n, 2, 2, -1.0f, m, 3, found2),
           DRGAN_STATUS_BUFFER_TOO_SMALL, "needed");
    EXPECT("gallery_search_batch count 0",
           drgan_gallery_search_batch(g, f, 2 * n, 0, 2, -1.0f, m, 4, found2),
           DRGAN_STATUS_INVALID_ARGUMENT, "count");
    EXPECT("gallery_search_batch a length not count * feature_dim",
           drgan_gallery_search_batch(g, f, 2 * n - 1, 2, 2, -1.0f, m, 4, found2),
           DRGAN_STATUS_INVALID_ARGUMENT, "features_len");
    EXPECT("gallery_search_batch(NULL found)",
           drgan_gallery_search_batch(g, f, 2 * n, 2, 2, -1.0f, m, 4, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_found");
    EXPECT("gallery_search_batch(NULL features)",
           drgan_gallery_search_batch(g, NULL, 2 * n, 2, 2, -1.0f, m, 4, found2),
           DRGAN_STATUS_NULL_ARGUMENT, "features");

    /* Remove and refresh. */
    EXPECT("gallery_remove", drgan_gallery_remove(g, "bob", &flag), DRGAN_STATUS_OK, "");
    CHECK(flag == 1);
    EXPECT("gallery_remove again", drgan_gallery_remove(g, "bob", &flag), DRGAN_STATUS_OK, "");
    CHECK(flag == 0);
    EXPECT("gallery_remove(NULL out)", drgan_gallery_remove(g, "dave", NULL), DRGAN_STATUS_OK,
           "");
    EXPECT("gallery_remove(NULL id)", drgan_gallery_remove(g, NULL, &flag),
           DRGAN_STATUS_NULL_ARGUMENT, "id");
    EXPECT("gallery_remove an empty id", drgan_gallery_remove(g, "", &flag),
           DRGAN_STATUS_INVALID_ARGUMENT, "empty");
    EXPECT("gallery_count", drgan_gallery_count(g, &count), DRGAN_STATUS_OK, "");
    CHECK(count == 3);
    flag = 7;
    EXPECT("gallery_refresh a memory gallery", drgan_gallery_refresh(g, &flag), DRGAN_STATUS_OK,
           "");
    CHECK(flag == 0);
    EXPECT("gallery_refresh(NULL out)", drgan_gallery_refresh(g, NULL), DRGAN_STATUS_OK, "");
    EXPECT("gallery_refresh(NULL gallery)", drgan_gallery_refresh(NULL, &flag),
           DRGAN_STATUS_NULL_ARGUMENT, "gallery");
    drgan_gallery_free(g);
    drgan_gallery_free(NULL);

    /* A file, shared by two handles and reopened. */
    EXPECT("gallery_open(NULL model)", drgan_gallery_open(NULL, path, &g1),
           DRGAN_STATUS_NULL_ARGUMENT, "model");
    EXPECT("gallery_open(NULL path)", drgan_gallery_open(model, NULL, &g1),
           DRGAN_STATUS_NULL_ARGUMENT, "path");
    EXPECT("gallery_open(NULL out)", drgan_gallery_open(model, path, NULL),
           DRGAN_STATUS_NULL_ARGUMENT, "out_gallery");
    EXPECT("gallery_open a new file", drgan_gallery_open(model, path, &g1), DRGAN_STATUS_OK, "");
    EXPECT("gallery_open it twice", drgan_gallery_open(model, path, &g2), DRGAN_STATUS_OK, "");
    if (g1 == NULL || g2 == NULL) {
        drgan_gallery_free(g1);
        drgan_gallery_free(g2);
        goto done;
    }
    EXPECT("enrol into the file", drgan_gallery_enrol(g1, "alice", f, n, &conf[0], 1),
           DRGAN_STATUS_OK, "");
    EXPECT("contains before refresh", drgan_gallery_contains(g2, "alice", &flag),
           DRGAN_STATUS_OK, "");
    CHECK(flag == 0);
    EXPECT("gallery_refresh", drgan_gallery_refresh(g2, &flag), DRGAN_STATUS_OK, "");
    CHECK(flag == 1);
    EXPECT("contains after refresh", drgan_gallery_contains(g2, "alice", &flag),
           DRGAN_STATUS_OK, "");
    CHECK(flag == 1);
    EXPECT("gallery_refresh with no change", drgan_gallery_refresh(g2, &flag), DRGAN_STATUS_OK,
           "");
    CHECK(flag == 0);
    EXPECT("enrol bob through the second handle",
           drgan_gallery_enrol(g2, "bob", f + n, n, NULL, 1), DRGAN_STATUS_OK, "");
    drgan_gallery_free(g1);
    drgan_gallery_free(g2);
    g1 = NULL;
    EXPECT("gallery_open again", drgan_gallery_open(model, path, &g1), DRGAN_STATUS_OK, "");
    EXPECT("gallery_count of the file", drgan_gallery_count(g1, &count), DRGAN_STATUS_OK, "");
    CHECK(count == 2);
    EXPECT("gallery_search the file", drgan_gallery_search(g1, f + n, n, 2, -1.0f, m, 2, &found),
           DRGAN_STATUS_OK, "");
    CHECK(found == 2 && strcmp(m[0].id, "bob") == 0 && strcmp(m[1].id, "alice") == 0);
    drgan_gallery_free(g1);

    EXPECT("open the other bundle", drgan_model_open(other, NULL, &other_model), DRGAN_STATUS_OK,
           "");
    EXPECT("gallery_open with another model", drgan_gallery_open(other_model, path, &bad),
           DRGAN_STATUS_MODEL_MISMATCH, "another model");
    write_text(text, "plain text is not an SQLite database, whatever its name says; "
                     "long enough for SQLite to read a header from it.");
    EXPECT("gallery_open a text file", drgan_gallery_open(model, text, &bad), DRGAN_STATUS_GALLERY,
           "not a readable drgan gallery");
    EXPECT("gallery_open a directory", drgan_gallery_open(model, scratch, &bad),
           DRGAN_STATUS_GALLERY, "");
    CHECK(bad == NULL);
    drgan_model_free(other_model);
done:
    free(pa);
    free(pb);
    free(f);
    free(zero);
    free(path);
    free(text);
}

int main(int argc, char **argv) {
    DrganModel *model;
    DrganModelInfo info;
    if (argc != 7) {
        fprintf(stderr, "usage: %s BUNDLE OTHER_BUNDLE SCRATCH SIZEOF_IMAGE SIZEOF_OPTIONS "
                        "SIZEOF_INFO\n", argv[0]);
        return 2;
    }
    printf("drgan %s (header %s, ABI %u)\n", drgan_version(), DRGAN_VERSION,
           drgan_abi_version());
    test_versions_and_statuses((size_t)strtoul(argv[4], NULL, 10),
                               (size_t)strtoul(argv[5], NULL, 10),
                               (size_t)strtoul(argv[6], NULL, 10));
    model = test_open(argv[1], argv[2]);
    if (model == NULL) {
        printf("FAIL: cannot open the bundle; stopping\n");
        return 1;
    }
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    EXPECT("model_info", drgan_model_info(model, &info), DRGAN_STATUS_OK, "");
    test_open_memory(argv[1], argv[2]);
    test_default_model();
    test_images(argv[3], model);
    test_embedding(model, &info);
    test_synthesis(argv[3], model, &info);
    test_no_pose_head(argv[1]);
    test_gallery(argv[3], argv[2], model, &info);
    drgan_model_free(model);
    printf("%d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
