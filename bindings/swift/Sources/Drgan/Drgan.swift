// Drgan: a thin Swift layer over the drgan C API (module CDrgan).
//
// - `Model` is a final class that owns a DrganModel and frees it in deinit. It is
//   immutable after it is opened: share it between threads and tasks freely.
// - `Gallery` is a final class that owns a DrganGallery (enrolled people, searchable by
//   feature; an SQLite file or memory) and frees it in deinit. Thread-safe too.
// - Failures throw `DrganError` (a LocalizedError), carrying the status and the library's
//   message.
// - Outputs are `[Float]` and `Data`; images are `PixelImage`, plain bytes with a width,
//   height, stride and pixel format. AppleImages.swift makes them from a CVPixelBuffer or a
//   CGImage where CoreVideo / CoreGraphics exist; Concurrency.swift has the async variants.
//
// Not compiled in this repository's CI (no Swift toolchain there): CI checks the CDrgan
// module map with clang -fmodules and calls the library through it.
import CDrgan
import Foundation

/// The result of a C call; every value but `.ok` is thrown as a `DrganError`.
public enum Status: Int32, Sendable {
    case ok = 0
    case nullArgument = 1
    case invalidArgument = 2
    case bufferTooSmall = 3
    case io = 4
    case invalidModel = 5
    case modelMismatch = 6
    case imageDecode = 7
    case outOfRange = 8
    case unsupported = 9
    case backendUnavailable = 10
    case inference = 11
    case limitExceeded = 12
    case panic = 13
    case gallery = 14
}

/// A failed drgan call: the status (`rawStatus` for a number this binding does not know)
/// and the library's message. A `LocalizedError`: `error.localizedDescription` (what an
/// alert shows) is the library's message.
public struct DrganError: Error, LocalizedError, CustomStringConvertible, Sendable {
    public let rawStatus: Int32
    public let message: String

    public init(rawStatus: Int32, message: String) {
        self.rawStatus = rawStatus
        self.message = message
    }

    public var status: Status? { Status(rawValue: rawStatus) }

    /// The header's name of the status, e.g. "DRGAN_STATUS_IO".
    public var statusName: String { String(cString: drgan_status_name(rawStatus)) }

    public var description: String { "\(statusName): \(message)" }

    /// The library's message, e.g. "cannot read /x/encoder.onnx: No such file or directory".
    public var errorDescription: String? { message }

    /// The status's name (`statusName`).
    public var failureReason: String? { statusName }
}

/// Throws for any status but OK, with this thread's last-error message.
@inline(__always)
func check(_ status: Int32) throws {
    if status != 0 {
        throw DrganError(rawStatus: status, message: String(cString: drgan_last_error()))
    }
}

/// Layout of one pixel.
public enum PixelFormat: Int32, Sendable {
    case rgb8 = 0
    case rgba8 = 1
    case bgr8 = 2
    case bgra8 = 3
    case gray8 = 4
    /// YUV 4:2:0, Y plane then interleaved U,V rows (iOS bi-planar full-range buffers,
    /// `kCVPixelFormatType_420YpCbCr8BiPlanarFullRange`), planes in one buffer.
    case nv12 = 5
    /// As nv12 with V before U (Android's camera preview).
    case nv21 = 6
    /// YUV 4:2:0, Y plane, then U plane, then V plane (rows of ⌈stride/2⌉ bytes).
    case i420 = 7

    /// Bytes one pixel takes in a row (of the Y plane for the YUV formats).
    public var bytesPerPixel: Int {
        switch self {
        case .rgb8, .bgr8: return 3
        case .rgba8, .bgra8: return 4
        case .gray8, .nv12, .nv21, .i420: return 1
        }
    }

    /// Bytes a `width`x`height` image with rows `stride` bytes apart needs, chroma
    /// planes included (the library checks the same).
    func bytesNeeded(width: Int, height: Int, stride: Int) -> Int {
        guard width > 0, height > 0 else { return 0 }
        let (chromaRows, chromaRow) = ((height + 1) / 2, (width + 1) / 2)
        switch self {
        case .nv12, .nv21:
            return stride * height + stride * (chromaRows - 1) + 2 * chromaRow
        case .i420:
            let c = (stride + 1) / 2
            return stride * height + c * chromaRows + c * (chromaRows - 1) + chromaRow
        default:
            return (height - 1) * stride + width * bytesPerPixel
        }
    }
}

/// Where inference runs.
public enum Backend: Int32, Sendable {
    case auto = 0
    case cpu = 1
    case gpu = 2
}

/// The version of the loaded library, e.g. "0.1.0".
public var version: String { String(cString: drgan_version()) }

/// The ABI version of the loaded library.
public var abiVersion: UInt32 { drgan_abi_version() }

/// The ABI version this binding was written for (the header's DRGAN_ABI_VERSION).
public let bindingAbiVersion: UInt32 = 2

/// Options for opening a model (and `maxImagePixels` for decoding images); `Options()`
/// holds the library's defaults.
public struct Options: Sendable {
    public var backend: Backend
    /// Largest input or decoded image, in pixels.
    public var maxImagePixels: UInt64
    /// Largest model file, in bytes.
    public var maxModelBytes: UInt64
    /// Threads one call may use: 1 runs each call on the calling thread alone, n > 1 gives
    /// the model its own pool of n threads, 0 means one per available core; at most 256.
    /// Results are the same for every value. Default 1 (apps usually call from their own
    /// worker threads).
    public var threads: UInt32

    public init() {
        let raw = Options.nativeDefaults()
        backend = Backend(rawValue: raw.backend) ?? .auto
        maxImagePixels = raw.max_image_pixels
        maxModelBytes = raw.max_model_bytes
        threads = raw.threads
    }

    static func nativeDefaults() -> DrganOptions {
        var raw = DrganOptions()
        raw.struct_size = MemoryLayout<DrganOptions>.size
        // Cannot fail with struct_size set.
        _ = drgan_options_default(&raw)
        return raw
    }

    var native: DrganOptions {
        var raw = Options.nativeDefaults()
        raw.backend = backend.rawValue
        raw.max_image_pixels = maxImagePixels
        raw.max_model_bytes = maxModelBytes
        raw.threads = threads
        return raw
    }
}

/// Pixels: `height` rows of `strideBytes` bytes, each starting with `width` pixels of
/// `format`. Owns its bytes (a `Data`).
public struct PixelImage: Sendable {
    public var data: Data
    public var width: Int
    public var height: Int
    public var strideBytes: Int
    public var format: PixelFormat
    /// Rows stored bottom row first (Unity textures, OpenGL read-backs): `data` starts
    /// with the image's last row.
    public var bottomUp: Bool

    /// Rows `strideBytes` apart (default: tightly packed).
    public init(data: Data, width: Int, height: Int, format: PixelFormat, strideBytes: Int? = nil,
                bottomUp: Bool = false) {
        self.data = data
        self.width = width
        self.height = height
        self.format = format
        self.strideBytes = strideBytes ?? width * format.bytesPerPixel
        self.bottomUp = bottomUp
    }

    /// Reads and decodes a PNG or JPEG file (into tightly packed RGB8), turned upright by
    /// its EXIF orientation. `options.maxImagePixels` bounds the image (checked before
    /// decoding; `.limitExceeded` beyond it); nil: the library's defaults.
    public static func load(path: String, options: Options? = nil) throws -> PixelImage {
        var raw: UnsafeMutablePointer<DrganDecodedImage>?
        var native = (options ?? Options()).native
        try check(drgan_image_load(path, &native, &raw))
        return copyAndFree(raw!)
    }

    /// Reads and decodes the PNG or JPEG file at a file URL (e.g. from
    /// `Bundle.main.url(forResource:withExtension:)`).
    public static func load(url: URL, options: Options? = nil) throws -> PixelImage {
        try load(path: try filePath(url), options: options)
    }

    /// Decodes a PNG or JPEG in memory; `options` as for `load(path:options:)`.
    public static func decode(_ bytes: Data, options: Options? = nil) throws -> PixelImage {
        var raw: UnsafeMutablePointer<DrganDecodedImage>?
        var native = (options ?? Options()).native
        try bytes.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            var one: UInt8 = 0
            let base = buf.bindMemory(to: UInt8.self).baseAddress
            try withUnsafePointer(to: &one) { dummy in
                try check(drgan_image_decode(base ?? dummy, buf.count, &native, &raw))
            }
        }
        return copyAndFree(raw!)
    }

    /// Copies a decoded image (a DrganDecodedImage, drgan's own) and frees it.
    private static func copyAndFree(_ raw: UnsafeMutablePointer<DrganDecodedImage>) -> PixelImage {
        defer { drgan_image_free(raw) }
        let img = raw.pointee.image
        let count = Int(img.height) * img.stride_bytes
        return PixelImage(
            data: Data(bytes: img.data, count: count), width: Int(img.width),
            height: Int(img.height), format: PixelFormat(rawValue: img.format) ?? .rgb8,
            strideBytes: img.stride_bytes)
    }

    /// Writes the image to `path` as an 8-bit PNG.
    public func savePNG(path: String) throws {
        try withNative { image in try check(drgan_image_save_png(path, image)) }
    }

    /// Calls `body` with a DrganImage over these bytes, valid only during the call.
    func withNative<R>(_ body: (UnsafePointer<DrganImage>) throws -> R) throws -> R {
        let needed = format.bytesNeeded(width: width, height: height, stride: strideBytes)
        guard width >= 0, height >= 0, strideBytes >= 0, data.count >= needed else {
            throw DrganError(
                rawStatus: Status.invalidArgument.rawValue,
                message: "a \(width)x\(height) \(format) image with stride \(strideBytes) needs \(needed) bytes, the data has \(data.count)")
        }
        return try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            var image = DrganImage(
                data: buf.bindMemory(to: UInt8.self).baseAddress, width: UInt32(width),
                height: UInt32(height), stride_bytes: strideBytes,
                format: format.rawValue | (bottomUp ? Int32(0x100) : 0))  // DRGAN_IMAGE_BOTTOM_UP
            return try withUnsafePointer(to: &image) { try body($0) }
        }
    }
}

/// Calls `body` with DrganImages over all `images`, valid only during the call.
func withNativeImages<R>(
    _ images: ArraySlice<PixelImage>, _ done: [DrganImage] = [],
    _ body: ([DrganImage]) throws -> R
) throws -> R {
    guard let first = images.first else { return try body(done) }
    return try first.withNative { image in
        try withNativeImages(images.dropFirst(), done + [image.pointee], body)
    }
}

/// An identity feature and the encoder's confidence in it, in (0, 1).
public struct Embedding: Sendable {
    public var feature: [Float]
    public var confidence: Float
}

/// What a model is.
public struct ModelInfo: Sendable {
    public var formatVersion: UInt32
    public var inputSize: Int
    public var featureDim: Int
    public var noiseDim: Int
    public var poseCount: Int
    public var imageBytes: Int
    public var minYaw: Float
    public var maxYaw: Float
    /// The canonical five points x1, y1, ..., x5, y5 in input pixels.
    public var landmarks: [Float]
    public var hasPoseHead: Bool
    public var encoderBackend: Backend
    public var decoderBackend: Backend
    public var config: String
    public var trainedOn: String
    /// Threads a call may use (`Options.threads`, with 0 resolved to the number of cores).
    public var threads: Int
}

/// The cosine similarity of two features, in [-1, 1].
public func similarity(_ a: [Float], _ b: [Float]) throws -> Float {
    var out: Float = 0
    try a.withUnsafeBufferPointer { pa in
        try b.withUnsafeBufferPointer { pb in
            var zero: Float = 0
            try withUnsafePointer(to: &zero) { dummy in
                try check(drgan_similarity(
                    pa.baseAddress ?? dummy, pa.count, pb.baseAddress ?? dummy, pb.count, &out))
            }
        }
    }
    return out
}

/// The coarse yaw in degrees that five detector landmarks (as for `Model.align`) imply;
/// positive when the face is turned toward the image's right. Needs no model.
public func landmarkYaw(_ landmarks: [Float]) throws -> Float {
    var yaw: Float = 0
    try landmarks.withUnsafeBufferPointer { l in
        var zero: Float = 0
        try withUnsafePointer(to: &zero) { dummy in
            try check(drgan_landmark_yaw(l.baseAddress ?? dummy, l.count, &yaw))
        }
    }
    return yaw
}

/// A detector's landmark set, for `landmarksConvert` (`DrganLandmarkScheme`).
public enum LandmarkScheme: Int32, Sendable {
    /// dlib's 68 points (iBUG 300-W layout, 0-based).
    case dlib68 = 0
    /// MediaPipe Face Mesh: 468 points, or 478 with irises.
    case faceMesh = 1
}

/// The five points `Model.align` takes (10 floats), from a dense detector's landmarks
/// (`x, y` a point, image pixels): dlib's 68 points or MediaPipe Face Mesh's 468/478
/// (docs/landmarks.md).
public func landmarksConvert(_ scheme: LandmarkScheme, _ points: [Float]) throws -> [Float] {
    var five = [Float](repeating: 0, count: 10)
    try points.withUnsafeBufferPointer { p in
        var zero: Float = 0
        try withUnsafePointer(to: &zero) { dummy in
            try five.withUnsafeMutableBufferPointer { o in
                try check(drgan_landmarks_convert(
                    scheme.rawValue, p.baseAddress ?? dummy, p.count, o.baseAddress, 10))
            }
        }
    }
    return five
}

/// A loaded DR-GAN bundle, freed when the last reference goes. Thread-safe.
public final class Model: @unchecked Sendable {
    /// The native model, for calls from other types of this module (Gallery).
    let handle: OpaquePointer
    public let info: ModelInfo

    /// Opens the bundle in directory `path` (encoder.onnx, decoder.onnx, optional
    /// pose.onnx).
    public convenience init(bundle path: String, options: Options? = nil) throws {
        var raw: OpaquePointer?
        if let options = options {
            var native = options.native
            try check(drgan_model_open(path, &native, &raw))
        } else {
            try check(drgan_model_open(path, nil, &raw))
        }
        try self.init(handle: raw!)
    }

    /// Opens the bundle directory at a file URL: in an app, a folder reference copied into
    /// the app bundle, e.g. `Bundle.main.url(forResource: "faces", withExtension: "drgan")`.
    public convenience init(bundle url: URL, options: Options? = nil) throws {
        try self.init(bundle: try filePath(url), options: options)
    }

    /// Opens a bundle from ONNX files in memory; `pose` may be nil (no pose head).
    public convenience init(encoder: Data, decoder: Data, pose: Data? = nil,
                            options: Options? = nil) throws {
        var raw: OpaquePointer?
        var native = (options ?? Options()).native
        try encoder.withUnsafeBytes { (e: UnsafeRawBufferPointer) in
            try decoder.withUnsafeBytes { (d: UnsafeRawBufferPointer) in
                try (pose ?? Data()).withUnsafeBytes { (p: UnsafeRawBufferPointer) in
                    var one: UInt8 = 0
                    try withUnsafePointer(to: &one) { dummy in
                        let ep = e.bindMemory(to: UInt8.self).baseAddress ?? dummy
                        let dp = d.bindMemory(to: UInt8.self).baseAddress ?? dummy
                        let pp = pose == nil ? nil : (p.bindMemory(to: UInt8.self).baseAddress ?? dummy)
                        try check(drgan_model_open_memory(
                            ep, e.count, dp, d.count, pp, p.count, &native, &raw))
                    }
                }
            }
        }
        try self.init(handle: raw!)
    }

    /// Opens the default model embedded in the library (models/default of the drgan
    /// sources; no file is read). Each call builds a new model: open it once and share
    /// it. Throws `.unsupported` when the library was built without it (cargo feature
    /// `default-model`).
    public static func defaultModel(options: Options? = nil) throws -> Model {
        var raw: OpaquePointer?
        if let options = options {
            var native = options.native
            try check(drgan_model_open_default(&native, &raw))
        } else {
            try check(drgan_model_open_default(nil, &raw))
        }
        return try Model(handle: raw!)
    }

    private init(handle: OpaquePointer) throws {
        var raw = DrganModelInfo()
        raw.struct_size = MemoryLayout<DrganModelInfo>.size
        let status = drgan_model_info(handle, &raw)
        if status != 0 {
            let message = String(cString: drgan_last_error())
            drgan_model_free(handle)
            throw DrganError(rawStatus: status, message: message)
        }
        self.handle = handle
        let landmarks = withUnsafeBytes(of: raw.landmarks) { Array($0.bindMemory(to: Float.self)) }
        let text = { (bytes: UnsafeRawBufferPointer) -> String in
            let chars = bytes.bindMemory(to: UInt8.self)
            let end = chars.firstIndex(of: 0) ?? chars.count
            return String(decoding: chars[0..<end], as: UTF8.self)
        }
        info = ModelInfo(
            formatVersion: raw.format_version, inputSize: Int(raw.input_size),
            featureDim: raw.feature_dim, noiseDim: raw.noise_dim, poseCount: raw.pose_count,
            imageBytes: raw.image_bytes, minYaw: raw.min_yaw, maxYaw: raw.max_yaw,
            landmarks: landmarks, hasPoseHead: raw.has_pose_head != 0,
            encoderBackend: Backend(rawValue: raw.encoder_backend) ?? .cpu,
            decoderBackend: Backend(rawValue: raw.decoder_backend) ?? .cpu,
            config: withUnsafeBytes(of: raw.config, text),
            trainedOn: withUnsafeBytes(of: raw.trained_on, text),
            threads: raw.threads)
    }

    deinit {
        drgan_model_free(handle)
    }

    /// The pose bins: yaws in degrees, ascending.
    public func poseYaws() throws -> [Float] {
        let count = max(info.poseCount, 1)
        var yaws = [Float](repeating: 0, count: count)
        var needed = 0
        try check(drgan_model_pose_yaws(handle, &yaws, count, &needed))
        return Array(yaws.prefix(needed))
    }

    /// The identity feature of one aligned face and the encoder's confidence.
    public func embed(_ face: PixelImage) throws -> Embedding {
        let dim = info.featureDim
        var feature = [Float](repeating: 0, count: dim)
        var confidence: Float = 0
        try face.withNative { image in
            try check(drgan_embed(handle, image, &feature, dim, nil, &confidence))
        }
        return Embedding(feature: feature, confidence: confidence)
    }

    /// The features of several aligned faces in one batched run, in order.
    public func embedBatch(_ faces: [PixelImage]) throws -> [Embedding] {
        let dim = info.featureDim
        var features = [Float](repeating: 0, count: max(faces.count * dim, 1))
        var confidences = [Float](repeating: 0, count: max(faces.count, 1))
        try withNativeImages(faces[...]) { images in
            var one = DrganImage()
            try withUnsafePointer(to: &one) { dummy in
                try images.withUnsafeBufferPointer { buf in
                    try check(drgan_embed_batch(
                        handle, buf.baseAddress ?? dummy, faces.count, &features,
                        faces.count * dim, nil, &confidences))
                }
            }
        }
        return (0..<faces.count).map { i in
            Embedding(feature: Array(features[(i * dim)..<((i + 1) * dim)]),
                      confidence: confidences[i])
        }
    }

    /// One feature for several images of one person (Σωᵢfᵢ / Σωᵢ); the confidence is
    /// their mean.
    public func embedFused(_ faces: [PixelImage]) throws -> Embedding {
        let dim = info.featureDim
        var feature = [Float](repeating: 0, count: dim)
        var confidence: Float = 0
        try withNativeImages(faces[...]) { images in
            var one = DrganImage()
            try withUnsafePointer(to: &one) { dummy in
                try images.withUnsafeBufferPointer { buf in
                    try check(drgan_embed_fused(
                        handle, buf.baseAddress ?? dummy, faces.count, &feature, dim, nil,
                        &confidence))
                }
            }
        }
        return Embedding(feature: feature, confidence: confidence)
    }

    /// The face turned to yaw 0; the same seed gives the same pixels.
    public func frontalize(_ face: PixelImage, seed: UInt64 = 0) throws -> PixelImage {
        try output { out in
            try face.withNative { image in
                try check(drgan_frontalize(handle, image, seed, out.baseAddress, out.count, nil))
            }
        }
    }

    /// The face turned to `yaw` degrees (within info.minYaw...info.maxYaw).
    public func rotate(_ face: PixelImage, yaw: Float, seed: UInt64 = 0) throws -> PixelImage {
        try output { out in
            try face.withNative { image in
                try check(drgan_rotate(handle, image, yaw, seed, out.baseAddress, out.count, nil))
            }
        }
    }

    /// A face drawn from an identity feature (featureDim floats) at `yaw` degrees.
    public func synthesize(_ feature: [Float], yaw: Float, seed: UInt64 = 0) throws -> PixelImage {
        try output { out in
            try feature.withUnsafeBufferPointer { f in
                var zero: Float = 0
                try withUnsafePointer(to: &zero) { dummy in
                    try check(drgan_synthesize(
                        handle, f.baseAddress ?? dummy, f.count, yaw, seed, out.baseAddress,
                        out.count, nil))
                }
            }
        }
    }

    /// The yaw of a face in degrees; needs a pose head (info.hasPoseHead).
    public func estimateYaw(_ face: PixelImage) throws -> Float {
        var yaw: Float = 0
        try face.withNative { image in try check(drgan_estimate_yaw(handle, image, &yaw)) }
        return yaw
    }

    /// Warps `image` so that its five landmarks (x1, y1, ..., x5, y5 in image pixels:
    /// eyes, nose tip, mouth corners, image-left first) land on the model's canonical
    /// points: the aligned crop every other call expects.
    public func align(_ image: PixelImage, landmarks: [Float]) throws -> PixelImage {
        try output { out in
            try image.withNative { img in
                try landmarks.withUnsafeBufferPointer { l in
                    var zero: Float = 0
                    try withUnsafePointer(to: &zero) { dummy in
                        try check(drgan_align(
                            handle, img, l.baseAddress ?? dummy, l.count, out.baseAddress,
                            out.count, nil))
                    }
                }
            }
        }
    }

    /// The aligned crop of the face in a detector's box `[x1, y1, x2, y2]` (image pixels),
    /// for detectors without landmarks; five points frame better.
    public func alignBox(_ image: PixelImage, faceBox: [Float]) throws -> PixelImage {
        try output { out in
            try image.withNative { img in
                try faceBox.withUnsafeBufferPointer { b in
                    var zero: Float = 0
                    try withUnsafePointer(to: &zero) { dummy in
                        try check(drgan_align_box(
                            handle, img, b.baseAddress ?? dummy, b.count, out.baseAddress,
                            out.count, nil))
                    }
                }
            }
        }
    }

    /// A square RGB8 image of the model's size, filled by `fill`.
    private func output(_ fill: (UnsafeMutableBufferPointer<UInt8>) throws -> Void) throws -> PixelImage {
        var bytes = [UInt8](repeating: 0, count: info.imageBytes)
        try bytes.withUnsafeMutableBufferPointer { try fill($0) }
        return PixelImage(data: Data(bytes), width: info.inputSize, height: info.inputSize,
                          format: .rgb8)
    }
}

/// The UTF-8 string in a fixed-size, NUL-terminated C char array (imported as a tuple).
func fixedString<T>(_ field: T) -> String {
    withUnsafeBytes(of: field) { (bytes: UnsafeRawBufferPointer) -> String in
        let chars = bytes.bindMemory(to: UInt8.self)
        let end = chars.firstIndex(of: 0) ?? chars.count
        return String(decoding: chars[0..<end], as: UTF8.self)
    }
}

/// The file system path of a file URL; throws `.invalidArgument` for any other URL
/// (http and the like: drgan reads local files only).
func filePath(_ url: URL) throws -> String {
    guard url.isFileURL else {
        throw DrganError(
            rawStatus: Status.invalidArgument.rawValue,
            message: "\(url.absoluteString) is not a file URL")
    }
    return url.path
}

/// Throws `.invalidArgument` for an id holding NUL, which C would cut short there.
func checkID(_ id: String) throws {
    if id.utf8.contains(0) {
        throw DrganError(
            rawStatus: Status.invalidArgument.rawValue, message: "the id contains a NUL character")
    }
}

/// One search result of a `Gallery`: an enrolled person's id and the cosine similarity of
/// the query and the person's template, in [-1, 1] (higher is more alike).
public struct GalleryMatch: Sendable, Equatable {
    public var id: String
    public var similarity: Float

    public init(id: String, similarity: Float) {
        self.id = id
        self.similarity = similarity
    }

    init(native m: DrganGalleryMatch) {
        self.init(id: fixedString(m.id), similarity: m.similarity)
    }
}

/// Enrolled people of one model, searchable by identity feature: kept in an SQLite file
/// (`Gallery(model:path:)`) or in memory (`Gallery.inMemory(model:)`). Freed when the last
/// reference goes; every acknowledged change is already in the file. Thread-safe: searches
/// run at once, writes take turns. It does not need the model it was opened with.
///
/// A person's template is the confidence-weighted mean of their pictures' features
/// (Σωᵢfᵢ / Σωᵢ). Ids are UTF-8, 1 to 255 bytes, without NUL. Several pictures' features
/// go one after the other in one array (as `Model.embedBatch` gives them), with one
/// confidence each (nil: equal weights).
public final class Gallery: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Length of the features it holds (the model's featureDim).
    public let featureDim: Int

    /// Opens the gallery file at `path` for `model`, creating it when missing. Throws
    /// `.gallery` (not a drgan gallery, corrupt, cannot be created) or `.modelMismatch`
    /// (a gallery of another model).
    public convenience init(model: Model, path: String) throws {
        var raw: OpaquePointer?
        try withExtendedLifetime(model) {
            try check(drgan_gallery_open(model.handle, path, &raw))
        }
        self.init(handle: raw!, featureDim: model.info.featureDim)
    }

    /// Opens the gallery file at a file URL (e.g. in the app's Application Support
    /// folder), creating it when missing. Throws as `init(model:path:)`.
    public convenience init(model: Model, url: URL) throws {
        try self.init(model: model, path: try filePath(url))
    }

    /// A new, empty gallery for `model` kept in memory only.
    public static func inMemory(model: Model) throws -> Gallery {
        var raw: OpaquePointer?
        try withExtendedLifetime(model) {
            try check(drgan_gallery_open_memory(model.handle, &raw))
        }
        return Gallery(handle: raw!, featureDim: model.info.featureDim)
    }

    private init(handle: OpaquePointer, featureDim: Int) {
        self.handle = handle
        self.featureDim = featureDim
    }

    deinit {
        drgan_gallery_free(handle)
    }

    /// Enrols pictures of person `id`: creates the person, or adds the pictures to their
    /// template. `features` holds the pictures' features one after the other;
    /// `confidences` one confidence a picture, or nil to weigh them equally. One
    /// transaction: when this returns the person is in the file.
    public func enrol(id: String, features: [Float], confidences: [Float]? = nil) throws {
        try withPictures(id: id, features: features, confidences: confidences) { cid, f, n, c, count in
            try check(drgan_gallery_enrol(handle, cid, f, n, c, count))
        }
    }

    /// Enrols embeddings (from `Model.embed`, `embedBatch` or `embedFused`) of person `id`,
    /// weighted by their confidences.
    public func enrol(id: String, embeddings: [Embedding]) throws {
        try enrol(id: id, features: embeddings.flatMap { $0.feature },
                  confidences: embeddings.map { $0.confidence })
    }

    /// Enrols many pictures in one transaction, picture i of person `ids[i]` (an id may
    /// repeat): much faster than one `enrol` a picture. All or nothing. `features` holds
    /// `ids.count` features; `confidences` `ids.count` values, or is nil.
    public func enrolBatch(ids: [String], features: [Float], confidences: [Float]? = nil) throws {
        if let c = confidences, c.count != ids.count {
            throw DrganError(
                rawStatus: Status.invalidArgument.rawValue,
                message: "confidences has \(c.count) values for \(ids.count) ids")
        }
        for id in ids {
            try checkID(id)
        }
        let copies = ids.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        // One valid pointer even for no ids: the library then reports the count.
        let pointers: [UnsafePointer<CChar>?] =
            copies.isEmpty ? [nil] : copies.map { $0.map { UnsafePointer($0) } }
        try features.withUnsafeBufferPointer { f in
            try (confidences ?? []).withUnsafeBufferPointer { c in
                var zero: Float = 0
                try withUnsafePointer(to: &zero) { dummy in
                    try check(drgan_gallery_enrol_batch(
                        handle, pointers, f.baseAddress ?? dummy, f.count,
                        confidences == nil ? nil : (c.baseAddress ?? dummy), ids.count))
                }
            }
        }
    }

    /// Replaces person `id`'s template with one built from these pictures only (creates
    /// the person when new). Arguments as `enrol`.
    public func replace(id: String, features: [Float], confidences: [Float]? = nil) throws {
        try withPictures(id: id, features: features, confidences: confidences) { cid, f, n, c, count in
            try check(drgan_gallery_replace(handle, cid, f, n, c, count))
        }
    }

    /// Replaces person `id`'s template with one built from these embeddings only.
    public func replace(id: String, embeddings: [Embedding]) throws {
        try replace(id: id, features: embeddings.flatMap { $0.feature },
                    confidences: embeddings.map { $0.confidence })
    }

    /// Removes person `id`; false when nobody had that id.
    @discardableResult
    public func remove(id: String) throws -> Bool {
        try checkID(id)
        var removed: Int32 = 0
        try check(drgan_gallery_remove(handle, id, &removed))
        return removed != 0
    }

    /// How many people are enrolled.
    public func count() throws -> Int {
        var n = 0
        try check(drgan_gallery_count(handle, &n))
        return n
    }

    /// Whether person `id` is enrolled.
    public func contains(id: String) throws -> Bool {
        try checkID(id)
        var found: Int32 = 0
        try check(drgan_gallery_contains(handle, id, &found))
        return found != 0
    }

    /// The `k` enrolled people most similar to `feature` (featureDim floats), best first,
    /// at or above `minSimilarity` (-1 keeps every match); fewer when fewer people are
    /// enrolled or pass the minimum. Exact (no approximate index).
    public func search(_ feature: [Float], k: Int, minSimilarity: Float = -1) throws -> [GalleryMatch] {
        try Gallery.checkK(k)
        var raw = [DrganGalleryMatch](repeating: DrganGalleryMatch(), count: max(k, 1))
        let capacity = raw.count
        var found = 0
        try feature.withUnsafeBufferPointer { f in
            var zero: Float = 0
            try withUnsafePointer(to: &zero) { dummy in
                try check(drgan_gallery_search(
                    handle, f.baseAddress ?? dummy, f.count, k, minSimilarity, &raw, capacity,
                    &found))
            }
        }
        return raw.prefix(found).map { GalleryMatch(native: $0) }
    }

    /// `search` for several features at once (one after the other in `features`), spread
    /// over every core; result i is feature i's, the same as its own `search`.
    public func searchBatch(_ features: [Float], k: Int, minSimilarity: Float = -1) throws -> [[GalleryMatch]] {
        try Gallery.checkK(k)
        // A length that is no whole number of features is reported by the library.
        let count = featureDim > 0 ? (features.count + featureDim - 1) / featureDim : 0
        let (total, overflow) = count.multipliedReportingOverflow(by: k)
        if overflow {
            throw DrganError(
                rawStatus: Status.invalidArgument.rawValue, message: "\(count) features times k \(k) overflow")
        }
        var raw = [DrganGalleryMatch](repeating: DrganGalleryMatch(), count: max(total, 1))
        let capacity = raw.count
        var found = [Int](repeating: 0, count: max(count, 1))
        try features.withUnsafeBufferPointer { f in
            var zero: Float = 0
            try withUnsafePointer(to: &zero) { dummy in
                try check(drgan_gallery_search_batch(
                    handle, f.baseAddress ?? dummy, f.count, count, k, minSimilarity, &raw,
                    capacity, &found))
            }
        }
        return (0..<count).map { q in
            raw[(q * k)..<(q * k + found[q])].map { GalleryMatch(native: $0) }
        }
    }

    /// Loads what other processes (or other Gallery objects on the same file) have written
    /// since this one last read or wrote; true when there was anything. A memory gallery
    /// never changes this way.
    @discardableResult
    public func refresh() throws -> Bool {
        var changed: Int32 = 0
        try check(drgan_gallery_refresh(handle, &changed))
        return changed != 0
    }

    private static func checkK(_ k: Int) throws {
        if k < 0 {
            throw DrganError(rawStatus: Status.invalidArgument.rawValue, message: "k is \(k)")
        }
    }

    /// Calls `body` with the id as a C string, the features (pointer and count), the
    /// confidences (nil when nil) and the number of pictures: the confidences' count when
    /// given, else the features' rounded up (the library checks the features' length
    /// against it).
    private func withPictures(
        id: String, features: [Float], confidences: [Float]?,
        _ body: (UnsafePointer<CChar>, UnsafePointer<Float>, Int, UnsafePointer<Float>?, Int) throws -> Void
    ) throws {
        try checkID(id)
        let count = confidences?.count
            ?? (featureDim > 0 ? (features.count + featureDim - 1) / featureDim : 0)
        try id.withCString { cid in
            try features.withUnsafeBufferPointer { f in
                try (confidences ?? []).withUnsafeBufferPointer { c in
                    var zero: Float = 0
                    try withUnsafePointer(to: &zero) { dummy in
                        try body(cid, f.baseAddress ?? dummy, f.count,
                                 confidences == nil ? nil : (c.baseAddress ?? dummy), count)
                    }
                }
            }
        }
    }
}
