// XCTest for the Swift idioms: DrganError as a LocalizedError, file URLs, the async
// variants (Concurrency.swift), the NV12 plane packing and the CVPixelBuffer / CGImage
// adapters (AppleImages.swift; those tests compile only where CoreVideo / CoreGraphics
// exist). Environment as DrganTests.swift: DRGAN_TEST_BUNDLE and DRGAN_TEST_DATA.
// Not run in this repository's CI, which has no Swift toolchain.
import Drgan
import Foundation
import XCTest
#if canImport(CoreVideo)
import CoreVideo
#endif
#if canImport(CoreGraphics)
import CoreGraphics
#endif

private let astronautPoints: [Float] =
    [205.1, 100.5, 245.5, 102.5, 224.7, 127.4, 205.6, 140.9, 243.3, 142.6]

private func testPaths() throws -> (bundle: String, data: String) {
    let env = ProcessInfo.processInfo.environment
    guard let bundle = env["DRGAN_TEST_BUNDLE"], let data = env["DRGAN_TEST_DATA"] else {
        throw XCTSkip("set DRGAN_TEST_BUNDLE and DRGAN_TEST_DATA")
    }
    return (bundle, data)
}

private func cpuModel(_ bundle: String) throws -> Model {
    var options = Options()
    options.backend = .cpu
    return try Model(bundle: bundle, options: options)
}

/// The synchronous results the async tests compare with. A synchronous function: here
/// `model.embed(crop)` is the synchronous overload.
private func syncResults(_ model: Model, _ photo: PixelImage, _ people: Gallery) throws
    -> (crop: PixelImage, embedding: Embedding, front: PixelImage, found: [GalleryMatch]) {
    let crop = try model.align(photo, landmarks: astronautPoints)
    let e = try model.embed(crop)
    let front = try model.frontalize(crop, seed: 3)
    let found = try people.search(e.feature, k: 2)
    return (crop, e, front, found)
}

final class AppleIdiomsTests: XCTestCase {
    func testErrorIsALocalizedErrorWithTheLibrarysMessage() throws {
        let made = DrganError(rawStatus: Status.io.rawValue, message: "cannot read x")
        XCTAssertEqual(made.errorDescription, "cannot read x")
        XCTAssertEqual(made.localizedDescription, "cannot read x")
        XCTAssertEqual(made.failureReason, "DRGAN_STATUS_IO")
        XCTAssertThrowsError(try Model(bundle: "/nonexistent/drgan-bundle")) { error in
            guard let drgan = error as? DrganError else {
                return XCTFail("\(error) is not a DrganError")
            }
            XCTAssertEqual(drgan.status, .io)
            XCTAssertFalse(drgan.message.isEmpty)
            // What an alert shows (error.localizedDescription) is the library's message.
            XCTAssertEqual(error.localizedDescription, drgan.message)
            XCTAssertEqual((error as? LocalizedError)?.errorDescription, drgan.message)
        }
    }

    func testFileURLs() throws {
        let (bundle, data) = try testPaths()
        let byPath = try cpuModel(bundle)
        var options = Options()
        options.backend = .cpu
        let byURL = try Model(bundle: URL(fileURLWithPath: bundle, isDirectory: true), options: options)
        XCTAssertEqual(byURL.info.config, byPath.info.config)
        XCTAssertEqual(byURL.info.featureDim, byPath.info.featureDim)
        XCTAssertThrowsError(try Model(bundle: URL(string: "https://example.com/bundle")!)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .invalidArgument)
        }
        XCTAssertThrowsError(try Model(bundle: URL(fileURLWithPath: "/nonexistent/drgan-bundle"))) { error in
            XCTAssertEqual((error as? DrganError)?.status, .io)
        }

        let photoURL = URL(fileURLWithPath: data).appendingPathComponent("astronaut.png")
        XCTAssertEqual(try PixelImage.load(url: photoURL).data,
                       try PixelImage.load(path: data + "/astronaut.png").data)

        let galleryURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("drgan-url-\(UUID().uuidString).drgan")
        defer {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: galleryURL.path + suffix)
            }
        }
        let feature = try byURL.embed(try byURL.align(try PixelImage.load(url: photoURL),
                                                      landmarks: astronautPoints)).feature
        do {
            let people = try Gallery(model: byURL, url: galleryURL)
            try people.enrol(id: "alice", features: feature)
        }
        XCTAssertTrue(try Gallery(model: byURL, path: galleryURL.path).contains(id: "alice"))
    }

    func testAsyncVariantsGiveTheSynchronousResults() async throws {
        let (bundle, data) = try testPaths()
        var options = Options()
        options.backend = .cpu
        let model = try await Model.open(bundle: URL(fileURLWithPath: bundle), options: options)
        let byPath = try await Model.open(bundle: bundle, options: options)
        XCTAssertEqual(model.info.config, byPath.info.config)
        let photo = try PixelImage.load(path: data + "/astronaut.png")
        let people = try Gallery.inMemory(model: model)
        let obama = try PixelImage.load(path: data + "/obama.jpg")
        let other = try await model.align(
            obama,
            landmarks: [443.0, 211.8, 544.7, 209.3, 497.7, 277.8, 443.6, 323.1, 548.9, 317.9])
        let b = try await model.embed(other)
        try people.enrol(id: "bob", embeddings: [b])

        let crop = try await model.align(photo, landmarks: astronautPoints)
        let a = try await model.embed(crop)
        try people.enrol(id: "alice", embeddings: [a])
        let expected = try syncResults(model, photo, people)
        XCTAssertEqual(crop.data, expected.crop.data)
        XCTAssertEqual(a.feature, expected.embedding.feature)
        XCTAssertEqual(a.confidence, expected.embedding.confidence)
        let front = try await model.frontalize(crop, seed: 3)
        XCTAssertEqual(front.data, expected.front.data)
        let found = try await people.search(a.feature, k: 2)
        XCTAssertEqual(found, expected.found)
        XCTAssertEqual(found.first?.id, "alice")
        let batch = try await model.embedBatch([crop, other])
        XCTAssertEqual(batch.count, 2)
        XCTAssertEqual(try similarity(batch[0].feature, a.feature), 1, accuracy: 1e-4)
        XCTAssertEqual(try similarity(batch[1].feature, b.feature), 1, accuracy: 1e-4)

        // Several at once (Model is thread-safe): each as alone.
        async let e1 = model.embed(crop)
        async let e2 = model.embed(other)
        async let e3 = model.embed(crop)
        let (r1, r2, r3) = try await (e1, e2, e3)
        XCTAssertEqual(r1.feature, a.feature)
        XCTAssertEqual(r2.feature, b.feature)
        XCTAssertEqual(r3.feature, a.feature)

        // A failure comes back with its message: Swift's own check, and the library's
        // (drgan's last error is per thread: read on the thread that failed).
        let tiny = PixelImage(data: Data(count: 3), width: 2, height: 2, format: .rgb8)
        do {
            _ = try await model.embed(tiny)
            XCTFail("a 2x2 RGB8 image in 3 bytes was accepted")
        } catch let error as DrganError {
            XCTAssertEqual(error.status, .invalidArgument)
            XCTAssertFalse(error.message.isEmpty)
        }
        do {
            _ = try await people.search([1, 2], k: 1)
            XCTFail("a feature of 2 floats was accepted")
        } catch let error as DrganError {
            XCTAssertEqual(error.status, .invalidArgument)
            XCTAssertFalse(error.message.isEmpty)
        }
        do {
            _ = try await Model.open(bundle: "/nonexistent/drgan-bundle")
            XCTFail("a missing bundle opened")
        } catch let error as DrganError {
            XCTAssertEqual(error.status, .io)
        }
    }

    /// NV12 planes that lie apart are copied into drgan's one-buffer layout.
    func testNV12PlanesArePackedIntoOneBuffer() throws {
        let (w, h) = (5, 3)  // odd: 3 pairs a chroma row, 2 chroma rows
        let (yStride, uvStride) = (8, 7)
        var y = [UInt8](repeating: 0xEE, count: yStride * h)
        for r in 0..<h { for c in 0..<w { y[r * yStride + c] = UInt8(10 * r + c) } }
        var uv = [UInt8](repeating: 0xEE, count: uvStride * 2)
        for r in 0..<2 { for c in 0..<6 { uv[r * uvStride + c] = UInt8(100 + 10 * r + c) } }
        let image = try y.withUnsafeBytes { yp in
            try uv.withUnsafeBytes { uvp in
                try PixelImage.nv12(width: w, height: h, yPlane: yp, yStride: yStride,
                                    uvPlane: uvp, uvStride: uvStride)
            }
        }
        XCTAssertEqual(image.format, .nv12)
        XCTAssertEqual(image.strideBytes, 6)
        XCTAssertEqual(image.data.count, 6 * (3 + 2))
        let bytes = [UInt8](image.data)
        for r in 0..<h { for c in 0..<w { XCTAssertEqual(bytes[r * 6 + c], UInt8(10 * r + c)) } }
        for r in 0..<2 { for c in 0..<6 { XCTAssertEqual(bytes[6 * h + r * 6 + c], UInt8(100 + 10 * r + c)) } }

        // Too short a plane, or a stride shorter than a row, is refused.
        XCTAssertThrowsError(try y.withUnsafeBytes { yp in
            try uv.withUnsafeBytes { uvp in
                try PixelImage.nv12(width: w, height: h, yPlane: UnsafeRawBufferPointer(rebasing: yp.prefix(10)),
                                    yStride: yStride, uvPlane: uvp, uvStride: uvStride)
            }
        }) { error in XCTAssertEqual((error as? DrganError)?.status, .invalidArgument) }
        XCTAssertThrowsError(try y.withUnsafeBytes { yp in
            try uv.withUnsafeBytes { uvp in
                try PixelImage.nv12(width: w, height: h, yPlane: yp, yStride: yStride,
                                    uvPlane: uvp, uvStride: 5)
            }
        }) { error in XCTAssertEqual((error as? DrganError)?.status, .invalidArgument) }

        // Flat grey 120 with neutral chroma embeds as GRAY8 120 does.
        let (bundle, _) = try testPaths()
        let model = try cpuModel(bundle)
        let (gw, gh) = (33, 31)
        let grey = [UInt8](repeating: 120, count: 40 * gh)
        let chroma = [UInt8](repeating: 128, count: 36 * 16)
        let packed = try grey.withUnsafeBytes { yp in
            try chroma.withUnsafeBytes { uvp in
                try PixelImage.nv12(width: gw, height: gh, yPlane: yp, yStride: 40, uvPlane: uvp, uvStride: 36)
            }
        }
        let gray = PixelImage(data: Data(repeating: 120, count: gw * gh), width: gw, height: gh,
                              format: .gray8)
        XCTAssertEqual(try model.embed(packed).feature, try model.embed(gray).feature)
    }

    #if canImport(CoreVideo)
    private func pixelBuffer(_ width: Int, _ height: Int, _ format: OSType) throws -> CVPixelBuffer {
        var out: CVPixelBuffer?
        XCTAssertEqual(CVPixelBufferCreate(kCFAllocatorDefault, width, height, format, nil, &out),
                       kCVReturnSuccess)
        return try XCTUnwrap(out)
    }

    func testBGRAPixelBuffer() throws {
        let (w, h) = (37, 29)
        let buffer = try pixelBuffer(w, h, kCVPixelFormatType_32BGRA)
        XCTAssertEqual(CVPixelBufferLockBaseAddress(buffer, []), kCVReturnSuccess)
        let stride = CVPixelBufferGetBytesPerRow(buffer)
        let base = try XCTUnwrap(CVPixelBufferGetBaseAddress(buffer)).assumingMemoryBound(to: UInt8.self)
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for r in 0..<h {
            for c in 0..<w {
                let (red, green, blue) = (UInt8((r * 7) % 256), UInt8((c * 5) % 256), UInt8((r * c) % 256))
                base[r * stride + 4 * c] = blue
                base[r * stride + 4 * c + 1] = green
                base[r * stride + 4 * c + 2] = red
                base[r * stride + 4 * c + 3] = 255
                rgb[(r * w + c) * 3] = red
                rgb[(r * w + c) * 3 + 1] = green
                rgb[(r * w + c) * 3 + 2] = blue
            }
        }
        CVPixelBufferUnlockBaseAddress(buffer, [])

        let copy = try PixelImage(pixelBuffer: buffer)
        XCTAssertEqual(copy.format, .bgra8)
        XCTAssertEqual(copy.width, w)
        XCTAssertEqual(copy.height, h)
        XCTAssertEqual(copy.strideBytes, stride)
        let inPlace = try PixelImage.withPixelBuffer(buffer) { image -> [UInt8] in
            XCTAssertEqual(image.format, .bgra8)
            XCTAssertEqual(image.strideBytes, stride)
            return [UInt8](image.data)  // a copy, to compare after the buffer is unlocked
        }
        XCTAssertEqual(inPlace, [UInt8](copy.data))

        let (bundle, _) = try testPaths()
        let model = try cpuModel(bundle)
        let expected = try model.embed(PixelImage(data: Data(rgb), width: w, height: h, format: .rgb8))
        XCTAssertEqual(try model.embed(copy).feature, expected.feature)
        XCTAssertEqual(try PixelImage.withPixelBuffer(buffer) { try model.embed($0) }.feature,
                       expected.feature)
    }

    /// Fills a 420f buffer's planes with grey 120 and neutral chroma.
    private func fillGrey(_ buffer: CVPixelBuffer) {
        CVPixelBufferLockBaseAddress(buffer, [])
        defer { CVPixelBufferUnlockBaseAddress(buffer, []) }
        for (plane, value) in [(0, UInt8(120)), (1, UInt8(128))] {
            let base = CVPixelBufferGetBaseAddressOfPlane(buffer, plane)!
            let bytes = CVPixelBufferGetBytesPerRowOfPlane(buffer, plane) * CVPixelBufferGetHeightOfPlane(buffer, plane)
            base.initializeMemory(as: UInt8.self, repeating: value, count: bytes)
        }
    }

    func testNV12PixelBuffer() throws {
        let (bundle, _) = try testPaths()
        let model = try cpuModel(bundle)
        let (w, h) = (33, 31)
        let gray = try model.embed(PixelImage(data: Data(repeating: 120, count: w * h), width: w,
                                              height: h, format: .gray8)).feature

        // As CoreVideo lays it out (planes together or apart: either way an .nv12 image).
        let buffer = try pixelBuffer(w, h, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange)
        fillGrey(buffer)
        let copy = try PixelImage(pixelBuffer: buffer)
        XCTAssertEqual(copy.format, .nv12)
        XCTAssertEqual(try model.embed(copy).feature, gray)
        XCTAssertEqual(try PixelImage.withPixelBuffer(buffer) { try model.embed($0) }.feature, gray)

        // Planes in memory of our own: one buffer (read in place), and 100 bytes apart (copied).
        for gap in [0, 100] {
            let (yStride, uvStride) = (48, 48)
            let yBytes = yStride * h, uvBytes = uvStride * 16
            let memory = UnsafeMutableRawPointer.allocate(byteCount: yBytes + gap + uvBytes, alignment: 64)
            defer { memory.deallocate() }
            memory.initializeMemory(as: UInt8.self, repeating: 120, count: yBytes + gap)
            (memory + yBytes + gap).initializeMemory(as: UInt8.self, repeating: 128, count: uvBytes)
            var planes: [UnsafeMutableRawPointer?] = [memory, memory + yBytes + gap]
            var widths = [w, (w + 1) / 2], heights = [h, (h + 1) / 2], strides = [yStride, uvStride]
            var out: CVPixelBuffer?
            XCTAssertEqual(CVPixelBufferCreateWithPlanarBytes(
                kCFAllocatorDefault, w, h, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange, nil, 0, 2,
                &planes, &widths, &heights, &strides, nil, nil, nil, &out), kCVReturnSuccess)
            let planar = try XCTUnwrap(out)
            let image = try PixelImage(pixelBuffer: planar)
            XCTAssertEqual(image.format, .nv12)
            // Apart: copied into rows of 34 bytes (33 rounded up to even); together: as is.
            XCTAssertEqual(image.strideBytes, gap == 0 ? yStride : 34)
            XCTAssertEqual(try model.embed(image).feature, gray)
            let inPlace = try PixelImage.withPixelBuffer(planar) { image -> (Int, [Float]) in
                try (image.strideBytes, model.embed(image).feature)
            }
            XCTAssertEqual(inPlace.0, gap == 0 ? yStride : 34)
            XCTAssertEqual(inPlace.1, gray)
        }

        // The camera's default video range is refused with a way out in the message.
        let videoRange = try pixelBuffer(w, h, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange)
        XCTAssertThrowsError(try PixelImage(pixelBuffer: videoRange)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .unsupported)
            XCTAssertTrue(error.localizedDescription.contains("FullRange"))
        }
        let other = try pixelBuffer(w, h, kCVPixelFormatType_32ARGB)
        XCTAssertThrowsError(try PixelImage(pixelBuffer: other)) { error in
            XCTAssertEqual((error as? DrganError)?.status, .unsupported)
        }
    }
    #endif

    #if canImport(CoreGraphics)
    func testCGImageRoundTrip() throws {
        let (w, h) = (23, 17)
        var rgb = [UInt8](repeating: 0, count: w * h * 3)
        for i in 0..<(w * h) {
            rgb[3 * i] = UInt8((i * 3) % 256)
            rgb[3 * i + 1] = UInt8((i * 11) % 256)
            rgb[3 * i + 2] = UInt8((i * 29) % 256)
        }
        let original = PixelImage(data: Data(rgb), width: w, height: h, format: .rgb8)
        let cg = try original.cgImage()
        XCTAssertEqual(cg.width, w)
        XCTAssertEqual(cg.height, h)
        let back = try PixelImage(cgImage: cg)
        XCTAssertEqual(back.format, .rgba8)
        XCTAssertEqual(back.width, w)
        XCTAssertEqual(back.height, h)
        XCTAssertEqual(back.strideBytes, 4 * w)
        let rgba = [UInt8](back.data)
        // Rows top to bottom, as they went in (sRGB to sRGB: the same values, at most 1 off).
        for i in 0..<(w * h) {
            for k in 0..<3 {
                XCTAssertLessThanOrEqual(abs(Int(rgba[4 * i + k]) - Int(rgb[3 * i + k])), 1, "pixel \(i)")
            }
            XCTAssertEqual(rgba[4 * i + 3], 255)
        }

        // BGRA8 and GRAY8 convert too; YUV and bottom-up rows do not.
        var bgra = [UInt8](repeating: 255, count: w * h * 4)
        for i in 0..<(w * h) {
            bgra[4 * i] = rgb[3 * i + 2]
            bgra[4 * i + 1] = rgb[3 * i + 1]
            bgra[4 * i + 2] = rgb[3 * i]
        }
        let fromBGRA = try PixelImage(cgImage: try PixelImage(data: Data(bgra), width: w, height: h,
                                                              format: .bgra8).cgImage())
        for i in 0..<(w * h) {
            for k in 0..<3 {
                XCTAssertLessThanOrEqual(abs(Int(fromBGRA.data[4 * i + k]) - Int(rgb[3 * i + k])), 1)
            }
        }
        XCTAssertEqual(try PixelImage(data: Data(count: w * h), width: w, height: h, format: .gray8)
            .cgImage().width, w)
        XCTAssertThrowsError(try PixelImage(data: Data(count: 6 * 6 * 2), width: 5, height: 3,
                                            format: .nv12, strideBytes: 6).cgImage()) { error in
            XCTAssertEqual((error as? DrganError)?.status, .unsupported)
        }
        XCTAssertThrowsError(try PixelImage(data: Data(rgb), width: w, height: h, format: .rgb8,
                                            bottomUp: true).cgImage()) { error in
            XCTAssertEqual((error as? DrganError)?.status, .unsupported)
        }

        // A photo through CoreGraphics embeds as the decoded photo does (to rounding).
        let (bundle, data) = try testPaths()
        let model = try cpuModel(bundle)
        let photo = try PixelImage.load(path: data + "/astronaut.png")
        let viaCG = try PixelImage(cgImage: try photo.cgImage())
        let a = try model.embed(try model.align(photo, landmarks: astronautPoints))
        let b = try model.embed(try model.align(viaCG, landmarks: astronautPoints))
        XCTAssertGreaterThan(try similarity(a.feature, b.feature), 0.99)
        // And a result shows: frontalize's RGB8 as a CGImage of the model's size.
        let front = try model.frontalize(try model.align(viaCG, landmarks: astronautPoints)).cgImage()
        XCTAssertEqual(front.width, model.info.inputSize)
    }
    #endif
}
