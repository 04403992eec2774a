// XCTest for the Swift layer (run with `swift test` where a Swift toolchain is). Needs
// DRGAN_TEST_BUNDLE (a bundle directory, e.g. from
// `cargo run --example fixture_bundle -- tiny DIR`) and DRGAN_TEST_DATA (examples/data);
// testDefaultModel also DRGAN_TEST_DEFAULT_MODEL (models/default, or "none").
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

    // The default model embedded in the library, against the same bundle on disk
    // (DRGAN_TEST_DEFAULT_MODEL=models/default), or "none" for a library built without it.
    func testDefaultModel() throws {
        let (_, data) = try paths()
        guard let dir = ProcessInfo.processInfo.environment["DRGAN_TEST_DEFAULT_MODEL"] else {
            throw XCTSkip("set DRGAN_TEST_DEFAULT_MODEL")
        }
        var options = Options()
        options.backend = .cpu
        if dir == "none" {
            XCTAssertThrowsError(try Model.defaultModel(options: options)) { error in
                XCTAssertEqual((error as? DrganError)?.status, .unsupported)
            }
            return
        }
        let embedded = try Model.defaultModel(options: options)
        let onDisk = try Model(bundle: dir, options: options)
        XCTAssertEqual(embedded.info.inputSize, onDisk.info.inputSize)
        XCTAssertEqual(embedded.info.config, onDisk.info.config)
        XCTAssertEqual(try embedded.poseYaws(), try onDisk.poseYaws())
        let photo = try PixelImage.load(path: data + "/astronaut.png")
        let points: [Float] = [205.1, 100.5, 245.5, 102.5, 224.7, 127.4, 205.6, 140.9, 243.3, 142.6]
        let crop = try embedded.align(photo, landmarks: points)
        XCTAssertEqual(try embedded.embed(crop).feature, try onDisk.embed(crop).feature)
    }
}
