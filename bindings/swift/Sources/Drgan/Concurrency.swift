// async variants of the calls that take time (opening a model, aligning, embedding,
// frontalizing, searching a gallery), for Swift concurrency: each runs the synchronous call
// on a global dispatch queue and suspends the caller until it is done, so a @MainActor
// view model can `try await model.embed(face)` without blocking the main thread, and
// without tying up one of the concurrency pool's few threads for the length of an
// inference. Model and Gallery are thread-safe, so any number may run at once.
//
// Same names as the synchronous calls (Swift overloads on async): in an async context
// `try await model.embed(face)` takes this one; in synchronous code nothing changes.
// Once started, a call runs to its end: cancelling the task does not stop it.
//
// Not compiled in this repository's CI (no Swift toolchain there).
import Dispatch
import Foundation

/// Runs `work` on a global dispatch queue of about the current task's priority and
/// returns (or throws) what it did. The error of a drgan call is read on the thread that
/// made it (drgan's last error is per thread), inside `work`.
@available(iOS 13, macOS 10.15, tvOS 13, watchOS 6, *)
func offCallerThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    let priority = Task.currentPriority.rawValue
    let qos: DispatchQoS.QoSClass
    if priority >= TaskPriority.high.rawValue {
        qos = .userInitiated
    } else if priority >= TaskPriority.medium.rawValue {
        qos = .default
    } else if priority >= TaskPriority.low.rawValue {
        qos = .utility
    } else {
        qos = .background
    }
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
        DispatchQueue.global(qos: qos).async {
            continuation.resume(with: Result(catching: work))
        }
    }
}

@available(iOS 13, macOS 10.15, tvOS 13, watchOS 6, *)
extension Model {
    /// Opens the bundle directory at a file URL off the caller's thread (reading and
    /// checking the ONNX files takes a moment: keep it off the main thread).
    public static func open(bundle url: URL, options: Options? = nil) async throws -> Model {
        try await offCallerThread { () throws -> Model in try Model(bundle: url, options: options) }
    }

    /// Opens the bundle in directory `path` off the caller's thread.
    public static func open(bundle path: String, options: Options? = nil) async throws -> Model {
        try await offCallerThread { () throws -> Model in try Model(bundle: path, options: options) }
    }

    /// `embed(_:)` off the caller's thread.
    public func embed(_ face: PixelImage) async throws -> Embedding {
        try await offCallerThread { () throws -> Embedding in try self.embed(face) }
    }

    /// `embedBatch(_:)` off the caller's thread.
    public func embedBatch(_ faces: [PixelImage]) async throws -> [Embedding] {
        try await offCallerThread { () throws -> [Embedding] in try self.embedBatch(faces) }
    }

    /// `frontalize(_:seed:)` off the caller's thread.
    public func frontalize(_ face: PixelImage, seed: UInt64 = 0) async throws -> PixelImage {
        try await offCallerThread { () throws -> PixelImage in try self.frontalize(face, seed: seed) }
    }

    /// `align(_:landmarks:)` off the caller's thread.
    public func align(_ image: PixelImage, landmarks: [Float]) async throws -> PixelImage {
        try await offCallerThread { () throws -> PixelImage in
            try self.align(image, landmarks: landmarks)
        }
    }
}

@available(iOS 13, macOS 10.15, tvOS 13, watchOS 6, *)
extension Gallery {
    /// `search(_:k:minSimilarity:)` off the caller's thread.
    public func search(_ feature: [Float], k: Int, minSimilarity: Float = -1) async throws -> [GalleryMatch] {
        try await offCallerThread { () throws -> [GalleryMatch] in
            try self.search(feature, k: k, minSimilarity: minSimilarity)
        }
    }
}
