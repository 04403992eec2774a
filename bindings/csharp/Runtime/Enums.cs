// The C API's enums as .NET enums; their numbers are the header's and never change.
namespace Drgan
{
    /// <summary>The result of a native call (<c>DrganStatus</c>). Every value but
    /// <see cref="Ok"/> is thrown as a <see cref="DrganException"/>.</summary>
    public enum Status
    {
        /// <summary>Success.</summary>
        Ok = 0,
        /// <summary>A pointer argument that must not be NULL was NULL.</summary>
        NullArgument = 1,
        /// <summary>A malformed argument (sizes, strides, formats, lengths, paths).</summary>
        InvalidArgument = 2,
        /// <summary>An output buffer is too short.</summary>
        BufferTooSmall = 3,
        /// <summary>A file could not be read or written.</summary>
        Io = 4,
        /// <summary>A model file is not a valid DR-GAN bundle part.</summary>
        InvalidModel = 5,
        /// <summary>The parts of a bundle do not belong together.</summary>
        ModelMismatch = 6,
        /// <summary>Image bytes could not be decoded, or a PNG not encoded.</summary>
        ImageDecode = 7,
        /// <summary>A value outside what the model supports (a yaw beyond its range).</summary>
        OutOfRange = 8,
        /// <summary>The model cannot do this (no pose head).</summary>
        Unsupported = 9,
        /// <summary>The requested compute backend is not available.</summary>
        BackendUnavailable = 10,
        /// <summary>The inference engine failed, or produced NaN/infinity.</summary>
        Inference = 11,
        /// <summary>An input exceeds a limit of <see cref="Options"/>.</summary>
        LimitExceeded = 12,
        /// <summary>drgan panicked inside the call (a bug in drgan; please report it).</summary>
        Panic = 13,
        /// <summary>A gallery file is not a drgan gallery, is corrupt, or could not be
        /// written (a gallery of another model is <see cref="ModelMismatch"/>).</summary>
        Gallery = 14,
    }

    /// <summary>Layout of one pixel (<c>DrganPixelFormat</c>).</summary>
    public enum PixelFormat
    {
        /// <summary>3 bytes: red, green, blue.</summary>
        Rgb8 = 0,
        /// <summary>4 bytes: red, green, blue, alpha (ignored). Unity's Color32.</summary>
        Rgba8 = 1,
        /// <summary>3 bytes: blue, green, red.</summary>
        Bgr8 = 2,
        /// <summary>4 bytes: blue, green, red, alpha (ignored).</summary>
        Bgra8 = 3,
        /// <summary>1 byte: luminance.</summary>
        Gray8 = 4,
        /// <summary>YUV 4:2:0, BT.601 full range: a Y plane, then interleaved U,V rows
        /// (iOS bi-planar camera buffers), in one buffer.</summary>
        Nv12 = 5,
        /// <summary>As Nv12 with V before U: Android's camera preview.</summary>
        Nv21 = 6,
        /// <summary>YUV 4:2:0: a Y plane, a U plane, a V plane (rows of ⌈stride/2⌉
        /// bytes), in one buffer.</summary>
        I420 = 7,
    }

    /// <summary>A detector's landmark set, for <see cref="Library.LandmarksConvert"/>
    /// (<c>DrganLandmarkScheme</c>).</summary>
    public enum LandmarkScheme
    {
        /// <summary>dlib's 68 points (iBUG 300-W layout, 0-based).</summary>
        Dlib68 = 0,
        /// <summary>MediaPipe Face Mesh: 468 points, or 478 with irises.</summary>
        FaceMesh = 1,
    }

    /// <summary>Where inference runs (<c>DrganBackend</c>).</summary>
    public enum Backend
    {
        /// <summary>A GPU when one is usable, otherwise the CPU.</summary>
        Auto = 0,
        /// <summary>The CPU.</summary>
        Cpu = 1,
        /// <summary>A GPU; opening fails with BackendUnavailable when there is none.</summary>
        Gpu = 2,
    }
}
