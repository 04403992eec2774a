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

int second_translation_unit(const char *bundle);

int second_translation_unit(const char *bundle) {
    drgan::Options options = drgan::Options::defaults();
    options.backend = drgan::Backend::Cpu;
    const drgan::Model model = drgan::Model::open(bundle, options);
    const std::vector<float> zeros(model.feature_dim(), 0.0f);
    const drgan::RgbImage face = model.synthesize(zeros, 0.0f, 1);
    return static_cast<int>(model.embed(face).feature.size());
}
