// Library-wide calls: versions, status names, the last error, similarity, saving PNGs.
using System;
using System.Runtime.InteropServices;

namespace Drgan
{
    /// <summary>Calls that need no model. All are thread-safe.</summary>
    public static class Library
    {
        /// <summary>The ABI version this binding was written for (the header's
        /// <c>DRGAN_ABI_VERSION</c>); <see cref="AbiVersion"/> must equal it.</summary>
        public const uint BindingAbiVersion = 2;

        /// <summary>The version of the header this binding was written for.</summary>
        public const string BindingVersion = "0.1.0";

        /// <summary>The version of the loaded native library, e.g. "0.1.0".</summary>
        public static string Version
        {
            get { return NativeLibrary.FromUtf8(Native.drgan_version()); }
        }

        /// <summary>The ABI version of the loaded native library.</summary>
        public static uint AbiVersion
        {
            get { return Native.drgan_abi_version(); }
        }

        /// <summary>Whether the loaded library has the ABI this binding expects.</summary>
        public static bool IsAbiCompatible
        {
            get { return AbiVersion == BindingAbiVersion; }
        }

        /// <summary>The header's name of a status, e.g. "DRGAN_STATUS_IO", or
        /// "DRGAN_STATUS_UNKNOWN".</summary>
        public static string StatusName(Status status)
        {
            return NativeLibrary.FromUtf8(Native.drgan_status_name((int)status));
        }

        /// <summary>The message of the last failed call on this thread ("" if none).</summary>
        internal static string LastError()
        {
            return NativeLibrary.FromUtf8(Native.drgan_last_error());
        }

        /// <summary>Throws unless the loaded library has the ABI this binding expects.</summary>
        internal static void RequireAbi()
        {
            uint loaded = AbiVersion;
            if (loaded != BindingAbiVersion)
            {
                throw new DrganException(Status.InvalidArgument,
                    "the loaded drgan library has ABI version " + loaded +
                    ", this binding expects " + BindingAbiVersion);
            }
        }

        /// <summary>The cosine similarity of two features, in [-1, 1]; higher means more
        /// likely the same person.</summary>
        public static unsafe float Similarity(float[] a, float[] b)
        {
            if (a == null) throw new ArgumentNullException("a");
            if (b == null) throw new ArgumentNullException("b");
            float result;
            // `fixed` on an empty array gives NULL; pass a valid pointer with length 0 so
            // the library reports the length rather than a NULL.
            float* empty = stackalloc float[1];
            fixed (float* pa = a)
            fixed (float* pb = b)
            {
                DrganException.Check(Native.drgan_similarity(
                    pa != null ? pa : empty, (UIntPtr)a.Length,
                    pb != null ? pb : empty, (UIntPtr)b.Length, out result));
            }
            return result;
        }

        /// <summary>The similarity of two embeddings' features.</summary>
        public static float Similarity(Embedding a, Embedding b)
        {
            if (a == null) throw new ArgumentNullException("a");
            if (b == null) throw new ArgumentNullException("b");
            return Similarity(a.Feature, b.Feature);
        }

        /// <summary>The coarse yaw in degrees that five detector landmarks (as for
        /// <c>Model.Align</c>) imply; positive when the face is turned toward the image's
        /// right. Needs no model.</summary>
        public static unsafe float LandmarkYaw(float[] landmarks)
        {
            if (landmarks == null) throw new ArgumentNullException("landmarks");
            float yaw;
            float* empty = stackalloc float[1];
            fixed (float* l = landmarks)
            {
                DrganException.Check(Native.drgan_landmark_yaw(
                    l != null ? l : empty, (UIntPtr)landmarks.Length, out yaw));
            }
            return yaw;
        }

        /// <summary>The five points <c>Model.Align</c> takes (10 floats), from a dense
        /// detector's landmarks (<c>x, y</c> a point, image pixels): dlib's 68 points or
        /// MediaPipe Face Mesh's 468/478 (docs/landmarks.md).</summary>
        public static unsafe float[] LandmarksConvert(LandmarkScheme scheme, float[] points)
        {
            if (points == null) throw new ArgumentNullException("points");
            var five = new float[10];
            float* empty = stackalloc float[1];
            fixed (float* p = points)
            fixed (float* o = five)
            {
                DrganException.Check(Native.drgan_landmarks_convert(
                    (int)scheme, p != null ? p : empty, (UIntPtr)points.Length, o, (UIntPtr)10));
            }
            return five;
        }

        /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> as an 8-bit PNG
        /// (RGB, or grey for Gray8; alpha dropped).</summary>
        public static unsafe void SavePng(string path, ImageView image)
        {
            byte[] utf8 = NativeLibrary.Utf8(path);
            using (var pinned = new PinnedImages(new[] { image }))
            fixed (byte* p = utf8)
            fixed (NativeImage* img = pinned.Images)
            {
                DrganException.Check(Native.drgan_image_save_png(p, img));
            }
        }

        private static class Native
        {
            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern IntPtr drgan_status_name(int status);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern IntPtr drgan_last_error();

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern IntPtr drgan_version();

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern uint drgan_abi_version();

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_similarity(
                float* a, UIntPtr aLen, float* b, UIntPtr bLen, out float similarity);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_image_save_png(byte* path, NativeImage* image);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_landmark_yaw(
                float* landmarks, UIntPtr landmarksLen, out float yaw);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_landmarks_convert(
                int scheme, float* points, UIntPtr pointsLen, float* outLandmarks, UIntPtr outLen);
        }
    }
}
