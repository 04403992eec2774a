// Options for opening a model, and what a model is: plain managed data.
using System;
using System.Runtime.InteropServices;

namespace Drgan
{
    /// <summary>Options for opening a model, and for <see cref="Image.Load"/> and
    /// <see cref="Image.Decode"/> (their MaxImagePixels). A new one holds the library's defaults
    /// (<c>drgan_options_default</c>: Backend.Auto, 2^28 pixels, 2^30 bytes, 1 thread), so
    /// <c>new Options { Backend = Backend.Cpu }</c> changes the backend only;
    /// <see cref="Default"/> asks the loaded library itself.</summary>
    public sealed class Options
    {
        /// <summary>The library's default <see cref="MaxImagePixels"/>: 2^28.</summary>
        public const ulong DefaultMaxImagePixels = 1UL << 28;
        /// <summary>The library's default <see cref="MaxModelBytes"/>: 2^30.</summary>
        public const ulong DefaultMaxModelBytes = 1UL << 30;
        /// <summary>The library's default <see cref="Threads"/>: 1.</summary>
        public const uint DefaultThreads = 1;

        /// <summary>Options holding the library's defaults (no native call: this can run
        /// before the native library is loaded, e.g. in a Unity field initialiser).</summary>
        public Options()
        {
            Backend = Backend.Auto;
            MaxImagePixels = DefaultMaxImagePixels;
            MaxModelBytes = DefaultMaxModelBytes;
            Threads = DefaultThreads;
        }

        /// <summary>Where inference runs. Default Auto.</summary>
        public Backend Backend { get; set; }
        /// <summary>Largest input or decoded image, in pixels. Default 2^28; 0 is refused
        /// (Status.InvalidArgument).</summary>
        public ulong MaxImagePixels { get; set; }
        /// <summary>Largest model file, in bytes. Default 2^30; 0 is refused
        /// (Status.InvalidArgument).</summary>
        public ulong MaxModelBytes { get; set; }
        /// <summary>Threads one call may use: 1 runs each call on the calling thread alone,
        /// n &gt; 1 gives the model its own pool of n threads, 0 means one per available core;
        /// at most 256 (more is Status.InvalidArgument). Results are the same for every value.
        /// Default 1 (apps usually call from their own worker threads).</summary>
        public uint Threads { get; set; }

        /// <summary>The loaded library's defaults (<c>drgan_options_default</c>); the same
        /// as <c>new Options()</c>.</summary>
        public static Options Default()
        {
            NativeOptions raw = NativeDefaults();
            return new Options
            {
                Backend = (Backend)raw.Backend,
                MaxImagePixels = raw.MaxImagePixels,
                MaxModelBytes = raw.MaxModelBytes,
                Threads = raw.Threads,
            };
        }

        internal NativeOptions ToNative()
        {
            NativeOptions raw = NativeDefaults();
            raw.Backend = (int)Backend;
            raw.MaxImagePixels = MaxImagePixels;
            raw.MaxModelBytes = MaxModelBytes;
            raw.Threads = Threads;
            return raw;
        }

        private static NativeOptions NativeDefaults()
        {
            var raw = new NativeOptions();
            raw.StructSize = (UIntPtr)(uint)Marshal.SizeOf(typeof(NativeOptions));
            DrganException.Check(Native.drgan_options_default(ref raw));
            return raw;
        }

        private static class Native
        {
            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern int drgan_options_default(ref NativeOptions options);
        }
    }

    /// <summary>What a model is (<c>drgan_model_info</c>).</summary>
    public sealed class ModelInfo
    {
        /// <summary>The bundle's format version.</summary>
        public int FormatVersion { get; internal set; }
        /// <summary>Side of the square input and output images, in pixels.</summary>
        public int InputSize { get; internal set; }
        /// <summary>Length of an identity feature.</summary>
        public int FeatureDim { get; internal set; }
        /// <summary>Length of the decoder's noise vector.</summary>
        public int NoiseDim { get; internal set; }
        /// <summary>Number of pose bins.</summary>
        public int PoseCount { get; internal set; }
        /// <summary>Bytes of an image the model returns (InputSize² × 3).</summary>
        public int ImageBytes { get; internal set; }
        /// <summary>Smallest yaw the model can synthesize, in degrees.</summary>
        public float MinYaw { get; internal set; }
        /// <summary>Largest yaw the model can synthesize, in degrees.</summary>
        public float MaxYaw { get; internal set; }
        /// <summary>The canonical five points x1, y1, ..., x5, y5 in input pixels.</summary>
        public float[] Landmarks { get; internal set; }
        /// <summary>Whether EstimateYaw works (the bundle has a pose head).</summary>
        public bool HasPoseHead { get; internal set; }
        /// <summary>Where the encoder runs (Cpu or Gpu).</summary>
        public Backend EncoderBackend { get; internal set; }
        /// <summary>Where the decoder runs (Cpu or Gpu).</summary>
        public Backend DecoderBackend { get; internal set; }
        /// <summary>The bundle's network configuration name.</summary>
        public string Config { get; internal set; }
        /// <summary>What the bundle was trained on.</summary>
        public string TrainedOn { get; internal set; }
        /// <summary>Threads a call may use (<see cref="Options.Threads"/>, with 0 resolved to
        /// the number of cores).</summary>
        public int Threads { get; internal set; }
    }

    /// <summary>An identity feature and the encoder's confidence in it, in (0, 1).</summary>
    public sealed class Embedding
    {
        /// <summary>The identity feature (FeatureDim floats).</summary>
        public float[] Feature { get; private set; }
        /// <summary>The encoder's confidence (for a fused embedding, the mean).</summary>
        public float Confidence { get; private set; }

        /// <summary>An embedding from its parts.</summary>
        public Embedding(float[] feature, float confidence)
        {
            if (feature == null) throw new ArgumentNullException("feature");
            Feature = feature;
            Confidence = confidence;
        }
    }
}
