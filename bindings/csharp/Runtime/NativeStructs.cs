// The header's structs, blittable (no marshalling: the same bytes on every runtime).
// size_t is UIntPtr; fixed arrays are fixed buffers.
using System;
using System.Runtime.InteropServices;

namespace Drgan
{
    /// <summary><c>DrganImage</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeImage
    {
        public IntPtr Data;
        public uint Width;
        public uint Height;
        public UIntPtr StrideBytes;
        public int Format;
    }

    /// <summary><c>DrganDecodedImage</c>: what <c>drgan_image_load</c> and
    /// <c>drgan_image_decode</c> return (allocated by drgan only), its image description
    /// at offset 0.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeDecodedImage
    {
        public NativeImage Image;
    }

    /// <summary><c>DrganOptions</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeOptions
    {
        public UIntPtr StructSize;
        public int Backend;
        public uint Reserved;
        public ulong MaxImagePixels;
        public ulong MaxModelBytes;
        public uint Threads;
        public uint Reserved2;
    }

    /// <summary><c>DrganModelInfo</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NativeModelInfo
    {
        public const int ConfigLen = 64;     // DRGAN_INFO_CONFIG_LEN
        public const int TrainedOnLen = 256; // DRGAN_INFO_TRAINED_ON_LEN

        public UIntPtr StructSize;
        public uint FormatVersion;
        public uint InputSize;
        public UIntPtr FeatureDim;
        public UIntPtr NoiseDim;
        public UIntPtr PoseCount;
        public UIntPtr ImageBytes;
        public float MinYaw;
        public float MaxYaw;
        public fixed float Landmarks[10];
        public int HasPoseHead;
        public int EncoderBackend;
        public int DecoderBackend;
        public fixed byte Config[ConfigLen];
        public fixed byte TrainedOn[TrainedOnLen];
        public UIntPtr Threads;
    }

    /// <summary><c>DrganGalleryMatch</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NativeGalleryMatch
    {
        public const int IdCapacity = 256; // DRGAN_GALLERY_ID_CAPACITY

        public float Similarity;
        public fixed byte Id[IdCapacity];
    }
}
