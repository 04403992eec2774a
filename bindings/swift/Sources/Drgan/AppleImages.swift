// PixelImage from Apple's image types, compiled only where their frameworks exist:
//
// - CVPixelBuffer (CoreVideo): camera frames from AVCaptureVideoDataOutput, ARKit, Vision.
//   kCVPixelFormatType_32BGRA becomes .bgra8, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange
//   becomes .nv12 (drgan's NV12 is BT.601 full range with the CbCr rows right after the Y
//   rows, in one buffer: frames whose planes lie apart are copied into that layout).
// - CGImage (CoreGraphics): drawn into an RGBA8 bitmap; and back, `PixelImage.cgImage()`
//   to show a result (UIImage(cgImage:), NSImage(cgImage:size:)).
//
// `PixelImage.nv12(width:height:yPlane:yStride:uvPlane:uvStride:)`, the copy of two
// planes into one buffer, needs neither framework and is compiled everywhere.
//
// Not compiled in this repository's CI (no Swift toolchain there).
import Foundation
#if canImport(CoreVideo)
import CoreVideo
#endif
#if canImport(CoreGraphics)
import CoreGraphics
#endif

func invalidArgument(_ message: String) -> DrganError {
    DrganError(rawStatus: Status.invalidArgument.rawValue, message: message)
}

func unsupported(_ message: String) -> DrganError {
    DrganError(rawStatus: Status.unsupported.rawValue, message: message)
}

extension PixelImage {
    /// An NV12 image (.nv12, one buffer) from a Y plane and an interleaved CbCr plane that
    /// may lie apart, as camera APIs hand them out: `yPlane` holds `height` rows of `width`
    /// luma bytes, `yStride` bytes apart; `uvPlane` ⌈height/2⌉ rows of ⌈width/2⌉ Cb,Cr
    /// pairs, `uvStride` bytes apart. The bytes are copied, into rows of width rounded up
    /// to even bytes. Throws `.invalidArgument` when a plane is shorter than that.
    public static func nv12(width: Int, height: Int,
                            yPlane: UnsafeRawBufferPointer, yStride: Int,
                            uvPlane: UnsafeRawBufferPointer, uvStride: Int) throws -> PixelImage {
        guard width > 0, height > 0 else {
            throw invalidArgument("an NV12 image of \(width)x\(height) pixels")
        }
        let (chromaRows, pairBytes) = ((height + 1) / 2, 2 * ((width + 1) / 2))
        guard yStride >= width, uvStride >= pairBytes else {
            throw invalidArgument(
                "NV12 strides \(yStride) and \(uvStride) are shorter than rows of \(width) and \(pairBytes) bytes")
        }
        let yNeeded = (height - 1) * yStride + width
        let uvNeeded = (chromaRows - 1) * uvStride + pairBytes
        guard let y = yPlane.baseAddress, let uv = uvPlane.baseAddress,
              yPlane.count >= yNeeded, uvPlane.count >= uvNeeded else {
            throw invalidArgument(
                "NV12 planes of \(yPlane.count) and \(uvPlane.count) bytes; a \(width)x\(height) image needs \(yNeeded) and \(uvNeeded)")
        }
        let stride = pairBytes
        var data = Data(count: stride * (height + chromaRows))
        data.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) in
            let base = out.baseAddress!
            for row in 0..<height {
                (base + row * stride).copyMemory(from: y + row * yStride, byteCount: width)
            }
            let chroma = base + stride * height
            for row in 0..<chromaRows {
                (chroma + row * stride).copyMemory(from: uv + row * uvStride, byteCount: pairBytes)
            }
        }
        return PixelImage(data: data, width: width, height: height, format: .nv12, strideBytes: stride)
    }
}

#if canImport(CoreVideo)
extension PixelImage {
    /// A copy of a camera frame that owns its bytes: keep it, or hand it to the async
    /// calls. 32BGRA frames become .bgra8, 420YpCbCr8BiPlanarFullRange ('420f') frames
    /// .nv12; other formats throw `.unsupported` (for the camera's default video-range
    /// '420v', set the output's kCVPixelBufferPixelFormatTypeKey to
    /// kCVPixelFormatType_420YpCbCr8BiPlanarFullRange or kCVPixelFormatType_32BGRA).
    public init(pixelBuffer: CVPixelBuffer) throws {
        guard CVPixelBufferLockBaseAddress(pixelBuffer, .readOnly) == kCVReturnSuccess else {
            throw invalidArgument("cannot lock the pixel buffer's memory")
        }
        defer { CVPixelBufferUnlockBaseAddress(pixelBuffer, .readOnly) }
        self = try PixelImage.lockedFrame(pixelBuffer, copy: true)
    }

    /// Calls `body` with a camera frame as a PixelImage, without copying its pixels where
    /// drgan can read them in place (32BGRA always; 420f when the CbCr plane starts right
    /// after the Y plane's rows with the same bytes per row, else they are copied into one
    /// buffer). The image is valid only during `body`: do not keep it or let it escape
    /// (the frame's memory is locked only until `body` returns); `init(pixelBuffer:)`
    /// makes a copy to keep.
    ///
    ///     let crop = try PixelImage.withPixelBuffer(frame) { try model.align($0, landmarks: points) }
    public static func withPixelBuffer<R>(_ pixelBuffer: CVPixelBuffer,
                                          _ body: (PixelImage) throws -> R) throws -> R {
        guard CVPixelBufferLockBaseAddress(pixelBuffer, .readOnly) == kCVReturnSuccess else {
            throw invalidArgument("cannot lock the pixel buffer's memory")
        }
        defer { CVPixelBufferUnlockBaseAddress(pixelBuffer, .readOnly) }
        return try body(try lockedFrame(pixelBuffer, copy: false))
    }

    /// The frame of a locked pixel buffer: its bytes copied, or wrapped in place.
    private static func lockedFrame(_ buffer: CVPixelBuffer, copy: Bool) throws -> PixelImage {
        let width = CVPixelBufferGetWidth(buffer)
        let height = CVPixelBufferGetHeight(buffer)
        func bytes(_ base: UnsafeMutableRawPointer, _ count: Int) -> Data {
            copy ? Data(bytes: base, count: count)
                : Data(bytesNoCopy: base, count: count, deallocator: .none)
        }
        let type = CVPixelBufferGetPixelFormatType(buffer)
        switch type {
        case kCVPixelFormatType_32BGRA:
            guard let base = CVPixelBufferGetBaseAddress(buffer) else {
                throw invalidArgument("the pixel buffer has no memory")
            }
            let stride = CVPixelBufferGetBytesPerRow(buffer)
            let count = PixelFormat.bgra8.bytesNeeded(width: width, height: height, stride: stride)
            return PixelImage(data: bytes(base, count), width: width, height: height,
                              format: .bgra8, strideBytes: stride)
        case kCVPixelFormatType_420YpCbCr8BiPlanarFullRange:
            guard CVPixelBufferGetPlaneCount(buffer) == 2,
                  let y = CVPixelBufferGetBaseAddressOfPlane(buffer, 0),
                  let uv = CVPixelBufferGetBaseAddressOfPlane(buffer, 1) else {
                throw invalidArgument("the 420f pixel buffer has no Y and CbCr planes")
            }
            let yStride = CVPixelBufferGetBytesPerRowOfPlane(buffer, 0)
            let uvStride = CVPixelBufferGetBytesPerRowOfPlane(buffer, 1)
            // drgan's layout: CbCr rows right after the Y rows, both `yStride` apart.
            if uv == y + yStride * height, uvStride == yStride, yStride >= width + width % 2 {
                let count = PixelFormat.nv12.bytesNeeded(width: width, height: height, stride: yStride)
                return PixelImage(data: bytes(y, count), width: width, height: height,
                                  format: .nv12, strideBytes: yStride)
            }
            let yCount = yStride * CVPixelBufferGetHeightOfPlane(buffer, 0)
            let uvCount = uvStride * CVPixelBufferGetHeightOfPlane(buffer, 1)
            return try nv12(width: width, height: height,
                            yPlane: UnsafeRawBufferPointer(start: y, count: yCount), yStride: yStride,
                            uvPlane: UnsafeRawBufferPointer(start: uv, count: uvCount), uvStride: uvStride)
        case kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange:
            throw unsupported(
                "a video-range '420v' pixel buffer: drgan's NV12 is full range; ask the camera for kCVPixelFormatType_420YpCbCr8BiPlanarFullRange or kCVPixelFormatType_32BGRA")
        default:
            throw unsupported(
                "pixel buffers of format '\(fourCC(type))' (32BGRA and 420YpCbCr8BiPlanarFullRange are read)")
        }
    }
}

/// An OSType as its four characters, e.g. "420v".
func fourCC(_ type: OSType) -> String {
    let bytes = [24, 16, 8, 0].map { UInt8((type >> UInt32($0)) & 0xff) }
    if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) {
        return String(decoding: bytes, as: UTF8.self)
    }
    return String(type)
}
#endif

#if canImport(CoreGraphics)
extension PixelImage {
    /// `image` drawn into a new RGBA8 bitmap (sRGB, rows top to bottom, alpha
    /// premultiplied; drgan ignores alpha). A CGImage carries no orientation: draw a
    /// UIImage whose imageOrientation is not .up upright first.
    public init(cgImage image: CGImage) throws {
        let (width, height) = (image.width, image.height)
        guard width > 0, height > 0 else {
            throw invalidArgument("a CGImage of \(width)x\(height) pixels")
        }
        let stride = width * 4
        var data = Data(count: stride * height)
        let drawn = data.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Bool in
            guard let space = CGColorSpace(name: CGColorSpace.sRGB),
                  let context = CGContext(
                    data: out.baseAddress, width: width, height: height, bitsPerComponent: 8,
                    bytesPerRow: stride, space: space,
                    bitmapInfo: CGImageAlphaInfo.premultipliedLast.rawValue
                        | CGBitmapInfo.byteOrder32Big.rawValue)
            else { return false }
            context.draw(image, in: CGRect(x: 0, y: 0, width: width, height: height))
            return true
        }
        guard drawn else {
            throw unsupported("cannot make an RGBA8 bitmap context of \(width)x\(height) pixels")
        }
        self.init(data: data, width: width, height: height, format: .rgba8)
    }

    /// The image as a CGImage, to show it (`UIImage(cgImage:)`): RGB8 (what drgan's
    /// outputs are), RGBA8 and BGRA8 (alpha ignored, as drgan does) and GRAY8, rows top to
    /// bottom. Throws `.unsupported` for the YUV formats and bottom-up rows.
    public func cgImage() throws -> CGImage {
        guard !bottomUp else { throw unsupported("cgImage() of bottom-up rows") }
        let needed = format.bytesNeeded(width: width, height: height, stride: strideBytes)
        guard width > 0, height > 0, data.count >= needed else {
            throw invalidArgument(
                "a \(width)x\(height) \(format) image with stride \(strideBytes) needs \(needed) bytes, the data has \(data.count)")
        }
        let sRGB = CGColorSpace(name: CGColorSpace.sRGB)
        let layout: (bitsPerPixel: Int, info: UInt32, space: CGColorSpace?)
        switch format {
        case .rgb8:
            layout = (24, CGImageAlphaInfo.none.rawValue, sRGB)
        case .rgba8:
            layout = (32, CGImageAlphaInfo.noneSkipLast.rawValue | CGBitmapInfo.byteOrder32Big.rawValue, sRGB)
        case .bgra8:
            layout = (32, CGImageAlphaInfo.noneSkipFirst.rawValue | CGBitmapInfo.byteOrder32Little.rawValue, sRGB)
        case .gray8:
            layout = (8, CGImageAlphaInfo.none.rawValue, CGColorSpaceCreateDeviceGray())
        default:
            throw unsupported("cgImage() of \(format) pixels")
        }
        // CoreGraphics reads `strideBytes` bytes for every row, the last one included.
        var bytes = data
        if bytes.count < strideBytes * height {
            bytes.append(Data(count: strideBytes * height - bytes.count))
        }
        guard let space = layout.space, let provider = CGDataProvider(data: bytes as CFData),
              let image = CGImage(
                width: width, height: height, bitsPerComponent: 8, bitsPerPixel: layout.bitsPerPixel,
                bytesPerRow: strideBytes, space: space, bitmapInfo: CGBitmapInfo(rawValue: layout.info),
                provider: provider, decode: nil, shouldInterpolate: false, intent: .defaultIntent)
        else {
            throw unsupported("CoreGraphics made no CGImage of this \(format) image")
        }
        return image
    }
}
#endif
