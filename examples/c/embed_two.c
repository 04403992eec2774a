/*
 * Opens a bundle, aligns and embeds two faces, prints their similarity and writes the
 * first one frontalized to a PNG, with the C API (drgan.h). The same program exists in
 * C++ (examples/cpp), C# (examples/csharp), Swift (examples/swift) and Rust
 * (examples/embed_two.rs).
 *
 * usage: embed_two BUNDLE_DIR [DATA_DIR] [OUT_PNG]
 *   DATA_DIR defaults to examples/data, OUT_PNG to frontal.png.
 * build: see examples/c/CMakeLists.txt, or
 *   cc embed_two.c -I include -L target/release -ldrgan -Wl,-rpath,target/release
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drgan.h"

/* Five points of each photo (examples/data/landmarks.json): eyes, nose tip, mouth corners. */
static const float astronaut_points[10] = {205.1f, 100.5f, 245.5f, 102.5f, 224.7f,
                                           127.4f, 205.6f, 140.9f, 243.3f, 142.6f};
static const float obama_points[10] = {443.0f, 211.8f, 544.7f, 209.3f, 497.7f,
                                       277.8f, 443.6f, 323.1f, 548.9f, 317.9f};

static int fail(const char *what, DrganStatus status) {
    fprintf(stderr, "%s: %s: %s\n", what, drgan_status_name(status), drgan_last_error());
    return 1;
}

/* Loads DATA_DIR/name and aligns it into crop (info->image_bytes bytes). */
static DrganStatus load_aligned(const DrganModel *model, const char *data_dir, const char *name,
                                const float points[10], uint8_t *crop, size_t crop_len) {
    char path[4096];
    DrganDecodedImage *photo = NULL;
    DrganStatus s;
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    s = drgan_image_load(path, NULL, &photo);
    if (s != DRGAN_STATUS_OK) return s;
    s = drgan_align(model, &photo->image, points, 10, crop, crop_len, NULL);
    drgan_image_free(photo);
    return s;
}

int main(int argc, char **argv) {
    const char *bundle, *data_dir, *out_png;
    DrganModel *model = NULL;
    DrganModelInfo info;
    DrganStatus s;
    uint8_t *crop_a = NULL, *crop_b = NULL, *front = NULL;
    float *feature_a = NULL, *feature_b = NULL;
    float confidence_a = 0.0f, confidence_b = 0.0f, similarity = 0.0f;
    int rc = 1;

    if (argc < 2) {
        fprintf(stderr, "usage: %s BUNDLE_DIR [DATA_DIR] [OUT_PNG]\n", argv[0]);
        return 2;
    }
    bundle = argv[1];
    data_dir = argc > 2 ? argv[2] : "examples/data";
    out_png = argc > 3 ? argv[3] : "frontal.png";
    if (drgan_abi_version() != DRGAN_ABI_VERSION) {
        fprintf(stderr, "libdrgan ABI %u, header ABI %d\n", drgan_abi_version(), DRGAN_ABI_VERSION);
        return 1;
    }

    s = drgan_model_open(bundle, NULL, &model);
    if (s != DRGAN_STATUS_OK) return fail("open", s);
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    s = drgan_model_info(model, &info);
    if (s != DRGAN_STATUS_OK) {
        rc = fail("info", s);
        goto done;
    }

    crop_a = malloc(info.image_bytes);
    crop_b = malloc(info.image_bytes);
    front = malloc(info.image_bytes);
    feature_a = malloc(info.feature_dim * sizeof *feature_a);
    feature_b = malloc(info.feature_dim * sizeof *feature_b);
    if (!crop_a || !crop_b || !front || !feature_a || !feature_b) {
        fprintf(stderr, "out of memory\n");
        goto done;
    }

    if ((s = load_aligned(model, data_dir, "astronaut.png", astronaut_points, crop_a,
                          info.image_bytes)) != DRGAN_STATUS_OK ||
        (s = load_aligned(model, data_dir, "obama.jpg", obama_points, crop_b,
                          info.image_bytes)) != DRGAN_STATUS_OK) {
        rc = fail("load and align", s);
        goto done;
    }

    {
        DrganImage a = {crop_a, info.input_size, info.input_size, 3 * (size_t)info.input_size,
                        DRGAN_PIXEL_FORMAT_RGB8};
        DrganImage b = a;
        DrganImage out = a;
        b.data = crop_b;
        if ((s = drgan_embed(model, &a, feature_a, info.feature_dim, NULL, &confidence_a)) !=
                DRGAN_STATUS_OK ||
            (s = drgan_embed(model, &b, feature_b, info.feature_dim, NULL, &confidence_b)) !=
                DRGAN_STATUS_OK) {
            rc = fail("embed", s);
            goto done;
        }
        s = drgan_similarity(feature_a, info.feature_dim, feature_b, info.feature_dim, &similarity);
        if (s != DRGAN_STATUS_OK) {
            rc = fail("similarity", s);
            goto done;
        }
        printf("similarity(astronaut, obama) = %.4f\n", similarity);
        printf("confidences %.4f %.4f\n", confidence_a, confidence_b);

        s = drgan_frontalize(model, &a, 1, front, info.image_bytes, NULL);
        if (s != DRGAN_STATUS_OK) {
            rc = fail("frontalize", s);
            goto done;
        }
        out.data = front;
        s = drgan_image_save_png(out_png, &out);
        if (s != DRGAN_STATUS_OK) {
            rc = fail("save", s);
            goto done;
        }
        printf("wrote %s\n", out_png);
    }
    rc = 0;

done:
    free(crop_a);
    free(crop_b);
    free(front);
    free(feature_a);
    free(feature_b);
    drgan_model_free(model);
    return rc;
}
