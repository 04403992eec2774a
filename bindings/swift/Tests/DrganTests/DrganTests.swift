// XCTest for the Swift layer (run with `swift test` where a Swift toolchain is). Needs
// DRGAN_TEST_BUNDLE (a bundle directory, e.g. from
// `cargo run --example fixture_bundle -- tiny DIR`) and DRGAN_TEST_DATA (examples/data).
// Not run in this repository's CI, which has no Swift toolchain.
import Drgan
import Foundation
import XCTest

final class DrganTests: XCTestCase {
    private func paths() throws -> (String, String) {
        let env = ProcessInfo.processInfo.environment
        guard let bundle = env["DRGAN_TEST_BUNDLE"], let data = env["DRGAN_TEST_DATA"] else {
            throw XCTSkip("set DRGAN_TEST_BUNDLE and DRGAN_TEST_DATA")
        }
        return (bundle, data)
    }

    func testEverything() throws {
        let (bundle, data) = try paths()
        XCTAssertEqual(Drgan.abiVersion, Drgan.bindingAbiVersion)
        var options = Options()
        options.backend = .cpu
        let model = try Model(bundle: bundle, options: options)
        XCTAssertEqual(try model.poseYaws().count, model.info.poseCount)
        let photo = try PixelImage.load(path: data + "/astronaut.png")
        let crop = try model.align(
            photo,
            landmarks: [205.1, 100.5, 245.5, 102.5, 224.7, 127.4, 205.6, 140.9, 243.3, 142.6])
        XCTAssertEqual(crop.width, model.info.inputSize)
        let a = try model.embed(crop)
        XCTAssertEqual(a.feature.count, model.info.featureDim)
        XCTAssertEqual(try similarity(a.feature, a.feature), 1, accuracy: 1e-4)
        XCTAssertEqual(try model.embedBatch([crop, crop]).count, 2)
        XCTAssertEqual(try model.embedFused([crop, crop]).feature.count, model.info.featureDim)
        XCTAssertEqual(try model.frontalize(crop, seed: 1).data, try model.rotate(crop, yaw: 0, seed: 1).data)
        XCTAssertEqual(try model.synthesize(a.feature, yaw: 30).data.count, model.info.imageBytes)
        if model.info.hasPoseHead {
            _ = try model.estimateYaw(crop)
        }
        XCTAssertThrowsError(try model.rotate(crop, yaw: 500)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .outOfRange)
        }
        XCTAssertThrowsError(try Model(bundle: "/nonexistent")) { error in
            XCTAssertEqual((error as? DrganError)?.status, .io)
        }
    }
}
