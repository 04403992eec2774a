// Header hygiene: drgan.hpp and drgan.h included twice each, in both orders, in a second
// translation unit linked with test_drgan_hpp.cpp. Every function of the wrapper is
// inline, so two TUs using it must link without duplicate symbols. tests/bindings_cpp.rs
// also compiles this file alone with extra warnings (-Wshadow -Wconversion
// -Wsign-conversion -Wold-style-cast ...) so the header stays clean for strict users.
#include "drgan.h"
#include "drgan.hpp"
#include "drgan.h"
#include "drgan.hpp"

#include <string>
#include <vector>

int second_translation_unit(const char *bundle);

int second_translation_unit(const char *bundle) {
    drgan::Options options; // the library's defaults
    options.backend = drgan::Backend::Cpu;
    const drgan::Model model = drgan::Model::open(bundle, options);
    const std::vector<float> zeros(model.feature_dim(), 0.0f);
    const drgan::RgbImage face = model.synthesize(zeros, 0.0f, 1);
    // The per-frame overloads and a try_ form, under the strict warnings too.
    drgan::Embedding reused;
    model.embed(face, reused);
    std::vector<float> buffer(model.feature_dim());
    const float confidence = model.embed(face, buffer);
    drgan::RgbImage out;
    if (model.try_frontalize(face, 1, out) != drgan::Status::Ok || confidence <= 0.0f ||
        buffer != reused.feature) {
        return -1;
    }
    return static_cast<int>(model.embed(face).feature.size());
}
