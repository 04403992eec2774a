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

    // Options.threads: 1 by default, reported by info.threads (0 resolved to the cores),
    // the same bits at every count, and an absurd count refused.
    func testThreads() throws {
        let (bundle, data) = try paths()
        var options = Options()
        XCTAssertEqual(options.threads, 1)
        options.backend = .cpu
        let one = try Model(bundle: bundle, options: options)
        XCTAssertEqual(one.info.threads, 1)
        let crop = try one.align(
            try PixelImage.load(path: data + "/astronaut.png"),
            landmarks: [205.1, 100.5, 245.5, 102.5, 224.7, 127.4, 205.6, 140.9, 243.3, 142.6])
        let want = try one.embed(crop)
        for threads: UInt32 in [2, 0] {
            options.threads = threads
            let model = try Model(bundle: bundle, options: options)
            if threads == 0 {
                // One per core the library may run on: at least one, at most the machine's.
                let cores = ProcessInfo.processInfo.processorCount
                XCTAssertTrue((1...cores).contains(model.info.threads), "\(model.info.threads)")
            } else {
                XCTAssertEqual(model.info.threads, Int(threads))
            }
            let e = try model.embed(crop)
            XCTAssertEqual(e.feature.map(\.bitPattern), want.feature.map(\.bitPattern))
            XCTAssertEqual(e.confidence.bitPattern, want.confidence.bitPattern)
            XCTAssertEqual(try model.embedBatch([crop, crop]).map { $0.feature.map(\.bitPattern) },
                           [want.feature.map(\.bitPattern), want.feature.map(\.bitPattern)])
        }
        options.threads = 100_000
        XCTAssertThrowsError(try Model(bundle: bundle, options: options)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .invalidArgument)
            XCTAssertTrue((error as? DrganError)?.message.contains("threads") ?? false)
        }
    }

    // ABI 2: decoding takes Options, whose maxImagePixels bounds the image.
    func testDecodingRespectsMaxImagePixels() throws {
        let (_, data) = try paths()
        let path = data + "/astronaut.png"
        let photo = try PixelImage.load(path: path)
        XCTAssertEqual(photo.format, .rgb8)
        XCTAssertEqual(try PixelImage.load(path: path, options: Options()).data, photo.data)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(try PixelImage.decode(bytes).data, photo.data)
        var small = Options()
        small.maxImagePixels = UInt64(photo.width * photo.height - 1)
        XCTAssertThrowsError(try PixelImage.load(path: path, options: small)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .limitExceeded)
        }
        XCTAssertThrowsError(try PixelImage.decode(bytes, options: small)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .limitExceeded)
        }
        small.maxImagePixels = UInt64(photo.width * photo.height)
        XCTAssertEqual(try PixelImage.decode(bytes, options: small).data, photo.data)
        XCTAssertThrowsError(try PixelImage.decode(Data([1, 2, 3]))) { error in
            XCTAssertEqual((error as? DrganError)?.status, .imageDecode)
        }
    }

    // The gallery: enrol two people from the model's embeddings, search finds the right
    // one first, batch calls, remove, count, a file that persists across reopening, and a
    // feature of the wrong length throwing .invalidArgument.
    func testLandmarksAndCameraLayouts() throws {
        let dlib = (0..<136).map { Float(($0 * 53) % 97) }
        let five = try landmarksConvert(.dlib68, dlib)
        XCTAssertEqual(five.count, 10)
        XCTAssertEqual(five[4], dlib[60])  // the nose tip, point 30
        XCTAssertThrowsError(try landmarksConvert(.dlib68, Array(dlib.prefix(134))))

        // One grey level in NV21 embeds as the same grey in GRAY8.
        let (bundle, _) = try paths()
        let model = try Model(bundle: bundle)
        let (w, h, stride) = (33, 31, 36)
        var nv21 = Data(repeating: 128, count: stride * h + stride * 16)
        nv21.replaceSubrange(0..<(stride * h), with: Data(repeating: 120, count: stride * h))
        let gray = PixelImage(data: Data(repeating: 120, count: w * h), width: w, height: h,
                              format: .gray8)
        let yuv = PixelImage(data: nv21, width: w, height: h, format: .nv21, strideBytes: stride)
        XCTAssertEqual(try model.embed(yuv).feature, try model.embed(gray).feature)
    }

    func testGallery() throws {
        let (bundle, data) = try paths()
        var options = Options()
        options.backend = .cpu
        let model = try Model(bundle: bundle, options: options)
        let astronaut = try model.align(
            try PixelImage.load(path: data + "/astronaut.png"),
            landmarks: [205.1, 100.5, 245.5, 102.5, 224.7, 127.4, 205.6, 140.9, 243.3, 142.6])
        let obama = try model.align(
            try PixelImage.load(path: data + "/obama.jpg"),
            landmarks: [443.0, 211.8, 544.7, 209.3, 497.7, 277.8, 443.6, 323.1, 548.9, 317.9])
        let a = try model.embed(astronaut)
        let b = try model.embed(obama)
        XCTAssertLessThan(try similarity(a.feature, b.feature), 0.999)

        let people = try Gallery.inMemory(model: model)
        XCTAssertEqual(people.featureDim, model.info.featureDim)
        XCTAssertEqual(try people.count(), 0)
        XCTAssertEqual(try people.search(a.feature, k: 3), [])
        try people.enrol(id: "alice", features: a.feature)
        try people.enrol(id: "bob", embeddings: [b])
        XCTAssertEqual(try people.count(), 2)
        XCTAssertTrue(try people.contains(id: "alice"))
        XCTAssertFalse(try people.contains(id: "carol"))

        let found = try people.search(a.feature, k: 2)
        XCTAssertEqual(found.map(\.id), ["alice", "bob"])
        XCTAssertEqual(found.first?.similarity ?? 0, 1, accuracy: 1e-4)
        XCTAssertEqual(try people.search(b.feature, k: 5).first?.id, "bob")
        XCTAssertEqual(try people.search(a.feature, k: 2, minSimilarity: 0.9999).map(\.id), ["alice"])
        let batch = try people.searchBatch(a.feature + b.feature, k: 1)
        XCTAssertEqual(batch.map { $0.map(\.id) }, [["alice"], ["bob"]])

        try people.enrolBatch(
            ids: ["carol", "dave", "carol"], features: a.feature + b.feature + b.feature,
            confidences: [a.confidence, b.confidence, b.confidence])
        XCTAssertEqual(try people.count(), 4)
        try people.replace(id: "carol", features: b.feature)
        try people.replace(id: "dave", embeddings: [a])
        XCTAssertEqual(try people.search(b.feature, k: 2).map(\.id).sorted(), ["bob", "carol"])
        XCTAssertTrue(try people.remove(id: "carol"))
        XCTAssertFalse(try people.remove(id: "carol"))
        XCTAssertEqual(try people.count(), 3)
        XCTAssertFalse(try people.refresh())

        XCTAssertThrowsError(try people.search(Array(a.feature.prefix(4)), k: 1)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .invalidArgument)
        }
        XCTAssertThrowsError(try people.enrol(id: "erin", features: Array(a.feature.prefix(4)))) { error in
            XCTAssertEqual((error as? DrganError)?.status, .invalidArgument)
        }
        XCTAssertThrowsError(try people.enrol(id: "", features: a.feature)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .invalidArgument)
        }
        XCTAssertThrowsError(try people.search(a.feature, k: 0)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .invalidArgument)
        }

        // A file persists across handles; a second handle sees writes after refresh().
        let path = NSTemporaryDirectory() + "/drgan-gallery-\(UUID().uuidString).drgan"
        defer {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: path + suffix)
            }
        }
        do {
            let file = try Gallery(model: model, path: path)
            try file.enrol(id: "alice", features: a.feature)
            try file.enrol(id: "bob", features: b.feature)
        }
        let reopened = try Gallery(model: model, path: path)
        let second = try Gallery(model: model, path: path)
        XCTAssertEqual(try reopened.count(), 2)
        XCTAssertEqual(try reopened.search(b.feature, k: 1).first?.id, "bob")
        try reopened.enrol(id: "carol", features: a.feature)
        XCTAssertFalse(try second.contains(id: "carol"))
        XCTAssertTrue(try second.refresh())
        XCTAssertTrue(try second.contains(id: "carol"))
        let text = path + ".txt"
        defer { try? FileManager.default.removeItem(atPath: text) }
        try "plain text, not an SQLite database, long enough for SQLite to read a header from it."
            .write(toFile: text, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Gallery(model: model, path: text)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .gallery)
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
