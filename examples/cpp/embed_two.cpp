// Opens a bundle, aligns and embeds two faces, prints their similarity and writes the
// first one frontalized to a PNG, with the C++ wrapper (drgan.hpp). The same program
// exists in C (examples/c), C# (examples/csharp), Swift (examples/swift) and Rust
// (examples/embed_two.rs).
//
// usage: embed_two BUNDLE_DIR [DATA_DIR] [OUT_PNG]
// build: see examples/cpp/CMakeLists.txt
#include "drgan.hpp"

#include <cstdio>
#include <string>

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s BUNDLE_DIR [DATA_DIR] [OUT_PNG]\n", argv[0]);
        return 2;
    }
    const std::string bundle = argv[1];
    const std::string data = argc > 2 ? argv[2] : "examples/data";
    const std::string out_png = argc > 3 ? argv[3] : "frontal.png";
    try {
        const drgan::Model model = drgan::Model::open(bundle);
        // Five points of each photo (examples/data/landmarks.json).
        const drgan::RgbImage a = model.align(
            drgan::Image::load(data + "/astronaut.png"),
            {205.1f, 100.5f, 245.5f, 102.5f, 224.7f, 127.4f, 205.6f, 140.9f, 243.3f, 142.6f});
        const drgan::RgbImage b = model.align(
            drgan::Image::load(data + "/obama.jpg"),
            {443.0f, 211.8f, 544.7f, 209.3f, 497.7f, 277.8f, 443.6f, 323.1f, 548.9f, 317.9f});
        const drgan::Embedding ea = model.embed(a);
        const drgan::Embedding eb = model.embed(b);
        std::printf("similarity(astronaut, obama) = %.4f\n",
                    static_cast<double>(drgan::similarity(ea, eb)));
        std::printf("confidences %.4f %.4f\n", static_cast<double>(ea.confidence),
                    static_cast<double>(eb.confidence));
        model.frontalize(a, 1).save_png(out_png);
        std::printf("wrote %s\n", out_png.c_str());
    } catch (const drgan::Error &e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
