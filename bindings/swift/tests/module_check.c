/*
 * The CDrgan Clang module (Sources/CDrgan/module.modulemap), imported as Swift imports it
 * and used to call the library: no #include of drgan.h here, every declaration comes
 * through the module. Built by tests/bindings_swift_module.rs with clang -fmodules
 * (as C, and as Objective-C with @import), linked against libdrgan and run on a fixture.
 *
 * usage: module_check BUNDLE_DIR OUT_PNG
 */
#ifdef __OBJC__
@import CDrgan;
#else
#pragma clang module import CDrgan
#endif

int printf(const char *, ...);

static int failures = 0;
#define CHECK(c)                                                                           \
    do {                                                                                   \
        if (c) {                                                                           \
            printf("ok   %s\n", #c);                                                       \
        } else {                                                                           \
            printf("FAIL %s: %s\n", #c, drgan_last_error());                               \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

int main(int argc, char **argv) {
    DrganModel *model = 0;
    DrganModelInfo info;
    DrganOptions options;
    unsigned char pixels[64 * 64 * 3];
    unsigned char out[32 * 32 * 3];
    float feature[16], yaws[13], confidence = 0.0f, similarity = 0.0f, yaw = 0.0f;
    size_t needed = 0, i;
    if (argc != 3) {
        printf("usage: module_check BUNDLE_DIR OUT_PNG\n");
        return 2;
    }
    for (i = 0; i < sizeof pixels; i++) pixels[i] = (unsigned char)(i * 7);
    DrganImage face = {pixels, 64, 64, 64 * 3, DRGAN_PIXEL_FORMAT_RGB8};
    DrganImage front = {out, 32, 32, 32 * 3, DRGAN_PIXEL_FORMAT_RGB8};

    CHECK(drgan_abi_version() == DRGAN_ABI_VERSION);
    CHECK(drgan_version()[0] == DRGAN_VERSION[0]);
    CHECK(drgan_status_name(DRGAN_STATUS_IO)[13] == 'I');
    options.struct_size = sizeof options;
    CHECK(drgan_options_default(&options) == DRGAN_STATUS_OK);
    CHECK(options.threads == 1 && options.reserved2 == 0); /* Options.threads, Swift */
    options.backend = DRGAN_BACKEND_CPU;
    options.threads = 2;
    CHECK(drgan_model_open(argv[1], &options, &model) == DRGAN_STATUS_OK);
    if (!model) return 1;
    info.struct_size = sizeof info;
    CHECK(drgan_model_info(model, &info) == DRGAN_STATUS_OK);
    CHECK(info.feature_dim == 16 && info.input_size == 32 && info.pose_count == 13);
    CHECK(info.threads == 2); /* ModelInfo.threads */
    CHECK(drgan_model_pose_yaws(model, yaws, 13, &needed) == DRGAN_STATUS_OK && needed == 13);
    CHECK(drgan_embed(model, &face, feature, 16, &needed, &confidence) == DRGAN_STATUS_OK);
    CHECK(confidence > 0.0f && confidence < 1.0f);
    CHECK(drgan_embed_batch(model, &face, 1, feature, 16, 0, &confidence) == DRGAN_STATUS_OK);
    CHECK(drgan_embed_fused(model, &face, 1, feature, 16, 0, &confidence) == DRGAN_STATUS_OK);
    CHECK(drgan_similarity(feature, 16, feature, 16, &similarity) == DRGAN_STATUS_OK);
    CHECK(similarity > 0.999f);
    CHECK(drgan_frontalize(model, &face, 1, out, sizeof out, 0) == DRGAN_STATUS_OK);
    CHECK(drgan_rotate(model, &face, 30.0f, 1, out, sizeof out, 0) == DRGAN_STATUS_OK);
    CHECK(drgan_synthesize(model, feature, 16, 0.0f, 1, out, sizeof out, 0) == DRGAN_STATUS_OK);
    CHECK(drgan_estimate_yaw(model, &face, &yaw) == DRGAN_STATUS_OK);
    CHECK(drgan_rotate(model, &face, 500.0f, 1, out, sizeof out, 0) == DRGAN_STATUS_OUT_OF_RANGE);
    CHECK(drgan_embed(model, &face, feature, 3, &needed, &confidence) ==
              DRGAN_STATUS_BUFFER_TOO_SMALL && needed == 16);
    {
        const float points[10] = {20, 25, 44, 25, 32, 36, 22, 48, 42, 48};
        CHECK(drgan_align(model, &face, points, 10, out, sizeof out, 0) == DRGAN_STATUS_OK);
    }
    CHECK(drgan_image_save_png(argv[2], &front) == DRGAN_STATUS_OK);
    drgan_model_free(model);
    drgan_model_free(0);
    drgan_image_free(0);
    printf("%d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
