// A loaded DR-GAN bundle: embedding, fusion, synthesis, pose, alignment.
#if UNITY_2021_2_OR_NEWER || NETSTANDARD2_1_OR_GREATER || NETCOREAPP2_1_OR_GREATER
#define DRGAN_SPAN // Span<T> overloads; the tests define it for Mono
#endif
using System;
using System.Runtime.InteropServices;

namespace Drgan
{
    /// <summary>A loaded DR-GAN bundle. Immutable: any number of threads may call it at
    /// once. Dispose it (or let the finalizer) to free the native model; a call still
    /// running keeps it alive until it returns, and calls after Dispose throw
    /// ObjectDisposedException.</summary>
    public sealed class Model : IDisposable
    {
        private readonly ModelHandle handle;
        private readonly ModelInfo info;

        private Model(ModelHandle handle)
        {
            this.handle = handle;
            info = ReadInfo();
        }

        /// <summary>Opens the bundle in directory <paramref name="dir"/>
        /// (encoder.onnx, decoder.onnx, optional pose.onnx). <paramref name="options"/>
        /// may be null for the defaults.</summary>
        public static unsafe Model Open(string dir, Options options = null)
        {
            Library.RequireAbi();
            byte[] utf8 = NativeLibrary.Utf8(dir);
            NativeOptions raw = options != null ? options.ToNative() : default(NativeOptions);
            ModelHandle h;
            int status;
            fixed (byte* p = utf8)
            {
                status = Native.drgan_model_open(p, options != null ? &raw : null, out h);
            }
            return Wrap(status, h);
        }

        /// <summary>Opens a bundle from ONNX files in memory; <paramref name="pose"/> may
        /// be null (no pose head). The bytes are only read during the call.</summary>
        public static unsafe Model OpenMemory(byte[] encoder, byte[] decoder, byte[] pose = null,
                                              Options options = null)
        {
            if (encoder == null) throw new ArgumentNullException("encoder");
            if (decoder == null) throw new ArgumentNullException("decoder");
            Library.RequireAbi();
            NativeOptions raw = options != null ? options.ToNative() : default(NativeOptions);
            ModelHandle h;
            int status;
            byte* empty = stackalloc byte[1];
            fixed (byte* e = encoder)
            fixed (byte* d = decoder)
            fixed (byte* p = pose)
            {
                status = Native.drgan_model_open_memory(
                    e != null ? e : empty, (UIntPtr)encoder.Length,
                    d != null ? d : empty, (UIntPtr)decoder.Length,
                    pose == null ? null : (p != null ? p : empty),
                    (UIntPtr)(pose == null ? 0 : pose.Length),
                    options != null ? &raw : null, out h);
            }
            return Wrap(status, h);
        }

        /// <summary>Opens the default model embedded in the native library (models/default
        /// of the drgan sources; no file is read). <paramref name="options"/> may be null for
        /// the defaults. Each call builds a new model: open it once and share it. Throws a
        /// DrganException with Status.Unsupported when the library was built without it
        /// (cargo feature <c>default-model</c>).</summary>
        public static unsafe Model OpenDefault(Options options = null)
        {
            Library.RequireAbi();
            NativeOptions raw = options != null ? options.ToNative() : default(NativeOptions);
            ModelHandle h;
            int status = Native.drgan_model_open_default(options != null ? &raw : null, out h);
            return Wrap(status, h);
        }

        private static Model Wrap(int status, ModelHandle h)
        {
            if (status != (int)Status.Ok)
            {
                string message = Library.LastError();
                h.Dispose();
                throw new DrganException((Status)status, message);
            }
            try
            {
                return new Model(h);
            }
            catch
            {
                h.Dispose();
                throw;
            }
        }

        /// <summary>What the model is (read once, at open).</summary>
        public ModelInfo Info { get { return info; } }

        /// <summary>True once disposed.</summary>
        public bool IsDisposed { get { return handle.IsClosed; } }

        /// <summary>Frees the native model. Safe to call more than once.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        private unsafe ModelInfo ReadInfo()
        {
            var raw = new NativeModelInfo();
            raw.StructSize = (UIntPtr)(uint)sizeof(NativeModelInfo);
            DrganException.Check(Native.drgan_model_info(Live(), ref raw));
            var landmarks = new float[10];
            for (int i = 0; i < 10; i++)
            {
                landmarks[i] = raw.Landmarks[i];
            }
            return new ModelInfo
            {
                FormatVersion = (int)raw.FormatVersion,
                InputSize = (int)raw.InputSize,
                FeatureDim = (int)(ulong)raw.FeatureDim,
                NoiseDim = (int)(ulong)raw.NoiseDim,
                PoseCount = (int)(ulong)raw.PoseCount,
                ImageBytes = (int)(ulong)raw.ImageBytes,
                MinYaw = raw.MinYaw,
                MaxYaw = raw.MaxYaw,
                Landmarks = landmarks,
                HasPoseHead = raw.HasPoseHead != 0,
                EncoderBackend = (Backend)raw.EncoderBackend,
                DecoderBackend = (Backend)raw.DecoderBackend,
                Config = NativeLibrary.FromUtf8(raw.Config, NativeModelInfo.ConfigLen),
                TrainedOn = NativeLibrary.FromUtf8(raw.TrainedOn, NativeModelInfo.TrainedOnLen),
                Threads = (int)(ulong)raw.Threads,
            };
        }

        /// <summary>The pose bins: yaws in degrees, ascending.</summary>
        public unsafe float[] PoseYaws()
        {
            var yaws = new float[Math.Max(info.PoseCount, 1)];
            UIntPtr needed;
            fixed (float* y = yaws)
            {
                DrganException.Check(Native.drgan_model_pose_yaws(
                    Live(), y, (UIntPtr)yaws.Length, out needed));
            }
            if ((int)(ulong)needed != yaws.Length)
            {
                Array.Resize(ref yaws, (int)(ulong)needed);
            }
            return yaws;
        }

        /// <summary>The identity feature of one aligned face and the encoder's confidence.
        /// Allocates the Embedding; <see cref="Embed(ImageView, float[], int)"/> writes into
        /// a buffer of yours instead.</summary>
        public Embedding Embed(ImageView face)
        {
            var feature = new float[info.FeatureDim];
            float confidence = Embed(face, feature, 0);
            return new Embedding(feature, confidence);
        }

        /// <summary>Writes the identity feature of one aligned face (Info.FeatureDim floats)
        /// into <paramref name="feature"/> from <paramref name="offset"/> and returns the
        /// encoder's confidence. Allocates nothing (for a loop per frame). Too short a
        /// buffer throws with Status.BufferTooSmall.</summary>
        public unsafe float Embed(ImageView face, float[] feature, int offset)
        {
            NativeLibrary.CheckBuffer(feature, offset, "feature");
            float* empty = stackalloc float[1];
            fixed (float* f = feature)
            {
                return EmbedInto(face, f != null ? f + offset : empty, feature.Length - offset);
            }
        }

#if DRGAN_SPAN
        /// <summary>Writes the identity feature of one aligned face (Info.FeatureDim floats)
        /// into <paramref name="feature"/> and returns the encoder's confidence. Allocates
        /// nothing.</summary>
        public unsafe float Embed(ImageView face, Span<float> feature)
        {
            float* empty = stackalloc float[1];
            fixed (float* f = &MemoryMarshal.GetReference(feature))
            {
                return EmbedInto(face, f != null ? f : empty, feature.Length);
            }
        }
#endif

        private unsafe float EmbedInto(ImageView face, float* feature, int length)
        {
            float confidence;
            UIntPtr needed;
            face.Enter();
            try
            {
                fixed (byte* pixels = face.Array)
                {
                    NativeImage img = face.ToNative(pixels);
                    DrganException.Check(Native.drgan_embed(
                        Live(), &img, feature, (UIntPtr)length, out needed, out confidence));
                }
            }
            finally
            {
                face.Exit();
            }
            return confidence;
        }

        /// <summary>The features of several aligned faces in one batched run, in order.</summary>
        public unsafe Embedding[] EmbedBatch(params ImageView[] faces)
        {
            if (faces == null) throw new ArgumentNullException("faces");
            int dim = info.FeatureDim;
            var features = new float[Math.Max(faces.Length * dim, 1)];
            var confidences = new float[Math.Max(faces.Length, 1)];
            UIntPtr needed;
            using (var pinned = new PinnedImages(faces))
            fixed (NativeImage* img = pinned.Images)
            fixed (float* f = features)
            fixed (float* c = confidences)
            {
                DrganException.Check(Native.drgan_embed_batch(
                    Live(), img, (UIntPtr)faces.Length, f, (UIntPtr)(faces.Length * dim),
                    out needed, c));
            }
            var result = new Embedding[faces.Length];
            for (int i = 0; i < faces.Length; i++)
            {
                var one = new float[dim];
                Array.Copy(features, i * dim, one, 0, dim);
                result[i] = new Embedding(one, confidences[i]);
            }
            return result;
        }

        /// <summary>One feature for several images of one person, weighted by the encoder's
        /// confidences (Σωᵢfᵢ / Σωᵢ); the confidence is their mean.</summary>
        public unsafe Embedding EmbedFused(params ImageView[] faces)
        {
            if (faces == null) throw new ArgumentNullException("faces");
            var feature = new float[info.FeatureDim];
            float confidence;
            UIntPtr needed;
            using (var pinned = new PinnedImages(faces))
            fixed (NativeImage* img = pinned.Images)
            fixed (float* f = feature)
            {
                DrganException.Check(Native.drgan_embed_fused(
                    Live(), img, (UIntPtr)faces.Length, f, (UIntPtr)feature.Length, out needed,
                    out confidence));
            }
            return new Embedding(feature, confidence);
        }

        // Every call that returns an image has three forms: one allocating an RgbImage, one
        // writing into a byte[] of yours from an offset (returning a view of what it wrote,
        // to pass on), and, where Span exists (Unity 2021.2+, .NET Standard 2.1, .NET Core
        // 2.1+), one writing into a Span<byte>. The last two allocate nothing. The buffer
        // must hold Info.ImageBytes bytes (InputSize × InputSize RGB8, rows top to bottom),
        // else the call throws with Status.BufferTooSmall and writes nothing.

        /// <summary>The face turned to yaw 0. The same seed gives the same pixels.</summary>
        public RgbImage Frontalize(ImageView face, ulong seed = 0)
        {
            var pixels = new byte[info.ImageBytes];
            Frontalize(face, pixels, 0, seed);
            return Square(pixels);
        }

        /// <summary>Frontalize into <paramref name="output"/> from <paramref name="offset"/>;
        /// returns a view of the pixels written. Allocates nothing.</summary>
        public unsafe ImageView Frontalize(ImageView face, byte[] output, int offset, ulong seed = 0)
        {
            NativeLibrary.CheckBuffer(output, offset, "output");
            byte* empty = stackalloc byte[1];
            fixed (byte* o = output)
            {
                RotateInto(face, 0f, true, seed, o != null ? o + offset : empty, output.Length - offset);
            }
            return OutputView(output, offset);
        }

        /// <summary>The face turned to <paramref name="yawDegrees"/> (within
        /// Info.MinYaw..Info.MaxYaw).</summary>
        public RgbImage Rotate(ImageView face, float yawDegrees, ulong seed = 0)
        {
            var pixels = new byte[info.ImageBytes];
            Rotate(face, yawDegrees, pixels, 0, seed);
            return Square(pixels);
        }

        /// <summary>Rotate into <paramref name="output"/> from <paramref name="offset"/>;
        /// returns a view of the pixels written. Allocates nothing.</summary>
        public unsafe ImageView Rotate(ImageView face, float yawDegrees, byte[] output, int offset,
                                       ulong seed = 0)
        {
            NativeLibrary.CheckBuffer(output, offset, "output");
            byte* empty = stackalloc byte[1];
            fixed (byte* o = output)
            {
                RotateInto(face, yawDegrees, false, seed, o != null ? o + offset : empty,
                           output.Length - offset);
            }
            return OutputView(output, offset);
        }

#if DRGAN_SPAN
        /// <summary>Frontalize into <paramref name="output"/>. Allocates nothing.</summary>
        public unsafe void Frontalize(ImageView face, Span<byte> output, ulong seed = 0)
        {
            byte* empty = stackalloc byte[1];
            fixed (byte* o = &MemoryMarshal.GetReference(output))
            {
                RotateInto(face, 0f, true, seed, o != null ? o : empty, output.Length);
            }
        }

        /// <summary>Rotate into <paramref name="output"/>. Allocates nothing.</summary>
        public unsafe void Rotate(ImageView face, float yawDegrees, Span<byte> output, ulong seed = 0)
        {
            byte* empty = stackalloc byte[1];
            fixed (byte* o = &MemoryMarshal.GetReference(output))
            {
                RotateInto(face, yawDegrees, false, seed, o != null ? o : empty, output.Length);
            }
        }
#endif

        private unsafe void RotateInto(ImageView face, float yawDegrees, bool frontal, ulong seed,
                                       byte* output, int length)
        {
            UIntPtr needed;
            face.Enter();
            try
            {
                fixed (byte* pixels = face.Array)
                {
                    NativeImage img = face.ToNative(pixels);
                    DrganException.Check(frontal
                        ? Native.drgan_frontalize(Live(), &img, seed, output, (UIntPtr)length, out needed)
                        : Native.drgan_rotate(Live(), &img, yawDegrees, seed, output, (UIntPtr)length,
                                              out needed));
                }
            }
            finally
            {
                face.Exit();
            }
        }

        /// <summary>A face drawn from an identity feature (FeatureDim floats; for example a
        /// fused one) at <paramref name="yawDegrees"/>.</summary>
        public RgbImage Synthesize(float[] feature, float yawDegrees, ulong seed = 0)
        {
            if (feature == null) throw new ArgumentNullException("feature");
            var pixels = new byte[info.ImageBytes];
            Synthesize(feature, yawDegrees, pixels, 0, seed);
            return Square(pixels);
        }

        /// <summary>Synthesize into <paramref name="output"/> from <paramref name="offset"/>;
        /// returns a view of the pixels written. Allocates nothing.</summary>
        public unsafe ImageView Synthesize(float[] feature, float yawDegrees, byte[] output, int offset,
                                           ulong seed = 0)
        {
            if (feature == null) throw new ArgumentNullException("feature");
            NativeLibrary.CheckBuffer(output, offset, "output");
            float* emptyFeature = stackalloc float[1];
            byte* empty = stackalloc byte[1];
            fixed (float* f = feature)
            fixed (byte* o = output)
            {
                SynthesizeInto(f != null ? f : emptyFeature, feature.Length, yawDegrees, seed,
                               o != null ? o + offset : empty, output.Length - offset);
            }
            return OutputView(output, offset);
        }

#if DRGAN_SPAN
        /// <summary>Synthesize into <paramref name="output"/>. Allocates nothing.</summary>
        public unsafe void Synthesize(ReadOnlySpan<float> feature, float yawDegrees, Span<byte> output,
                                      ulong seed = 0)
        {
            float* emptyFeature = stackalloc float[1];
            byte* empty = stackalloc byte[1];
            fixed (float* f = &MemoryMarshal.GetReference(feature))
            fixed (byte* o = &MemoryMarshal.GetReference(output))
            {
                SynthesizeInto(f != null ? f : emptyFeature, feature.Length, yawDegrees, seed,
                               o != null ? o : empty, output.Length);
            }
        }
#endif

        private unsafe void SynthesizeInto(float* feature, int featureLength, float yawDegrees,
                                           ulong seed, byte* output, int length)
        {
            UIntPtr needed;
            DrganException.Check(Native.drgan_synthesize(
                Live(), feature, (UIntPtr)featureLength, yawDegrees, seed, output, (UIntPtr)length,
                out needed));
        }

        /// <summary>The yaw of a face in degrees. Needs a pose head (Info.HasPoseHead);
        /// otherwise throws with Status.Unsupported. Allocates nothing.</summary>
        public unsafe float EstimateYaw(ImageView face)
        {
            float yaw;
            face.Enter();
            try
            {
                fixed (byte* pixels = face.Array)
                {
                    NativeImage img = face.ToNative(pixels);
                    DrganException.Check(Native.drgan_estimate_yaw(Live(), &img, out yaw));
                }
            }
            finally
            {
                face.Exit();
            }
            return yaw;
        }

        /// <summary>The aligned crop every other call expects, of the face whose five
        /// detector landmarks are given (x1, y1, ..., x5, y5 in image pixels: the eye on the
        /// image's left, the other eye, the nose tip, the mouth corner on the image's left,
        /// the other one), at any yaw.</summary>
        public RgbImage Align(ImageView image, float[] landmarks)
        {
            if (landmarks == null) throw new ArgumentNullException("landmarks");
            var pixels = new byte[info.ImageBytes];
            Align(image, landmarks, pixels, 0);
            return Square(pixels);
        }

        /// <summary>Align into <paramref name="output"/> from <paramref name="offset"/>;
        /// returns a view of the crop (to pass to Embed). Allocates nothing.</summary>
        public unsafe ImageView Align(ImageView image, float[] landmarks, byte[] output, int offset)
        {
            if (landmarks == null) throw new ArgumentNullException("landmarks");
            NativeLibrary.CheckBuffer(output, offset, "output");
            float* emptyPoints = stackalloc float[1];
            byte* empty = stackalloc byte[1];
            fixed (float* l = landmarks)
            fixed (byte* o = output)
            {
                AlignInto(image, false, l != null ? l : emptyPoints, landmarks.Length,
                          o != null ? o + offset : empty, output.Length - offset);
            }
            return OutputView(output, offset);
        }

        /// <summary>The aligned crop of the face in a detector's box
        /// <paramref name="faceBox"/> = { x1, y1, x2, y2 } (image pixels), for detectors
        /// without landmarks; five points frame better.</summary>
        public RgbImage AlignBox(ImageView image, float[] faceBox)
        {
            if (faceBox == null) throw new ArgumentNullException("faceBox");
            var pixels = new byte[info.ImageBytes];
            AlignBox(image, faceBox, pixels, 0);
            return Square(pixels);
        }

        /// <summary>AlignBox into <paramref name="output"/> from <paramref name="offset"/>;
        /// returns a view of the crop. Allocates nothing.</summary>
        public unsafe ImageView AlignBox(ImageView image, float[] faceBox, byte[] output, int offset)
        {
            if (faceBox == null) throw new ArgumentNullException("faceBox");
            NativeLibrary.CheckBuffer(output, offset, "output");
            float* emptyBox = stackalloc float[1];
            byte* empty = stackalloc byte[1];
            fixed (float* b = faceBox)
            fixed (byte* o = output)
            {
                AlignInto(image, true, b != null ? b : emptyBox, faceBox.Length,
                          o != null ? o + offset : empty, output.Length - offset);
            }
            return OutputView(output, offset);
        }

#if DRGAN_SPAN
        /// <summary>Align into <paramref name="output"/>. Allocates nothing.</summary>
        public unsafe void Align(ImageView image, ReadOnlySpan<float> landmarks, Span<byte> output)
        {
            float* emptyPoints = stackalloc float[1];
            byte* empty = stackalloc byte[1];
            fixed (float* l = &MemoryMarshal.GetReference(landmarks))
            fixed (byte* o = &MemoryMarshal.GetReference(output))
            {
                AlignInto(image, false, l != null ? l : emptyPoints, landmarks.Length,
                          o != null ? o : empty, output.Length);
            }
        }

        /// <summary>AlignBox into <paramref name="output"/>. Allocates nothing.</summary>
        public unsafe void AlignBox(ImageView image, ReadOnlySpan<float> faceBox, Span<byte> output)
        {
            float* emptyBox = stackalloc float[1];
            byte* empty = stackalloc byte[1];
            fixed (float* b = &MemoryMarshal.GetReference(faceBox))
            fixed (byte* o = &MemoryMarshal.GetReference(output))
            {
                AlignInto(image, true, b != null ? b : emptyBox, faceBox.Length,
                          o != null ? o : empty, output.Length);
            }
        }
#endif

        private unsafe void AlignInto(ImageView image, bool box, float* points, int pointsLength,
                                      byte* output, int length)
        {
            UIntPtr needed;
            image.Enter();
            try
            {
                fixed (byte* pixels = image.Array)
                {
                    NativeImage img = image.ToNative(pixels);
                    DrganException.Check(box
                        ? Native.drgan_align_box(Live(), &img, points, (UIntPtr)pointsLength, output,
                                                 (UIntPtr)length, out needed)
                        : Native.drgan_align(Live(), &img, points, (UIntPtr)pointsLength, output,
                                             (UIntPtr)length, out needed));
                }
            }
            finally
            {
                image.Exit();
            }
        }

        /// <summary>The model's square RGB8 image in a caller's buffer.</summary>
        private ImageView OutputView(byte[] output, int offset)
        {
            int side = info.InputSize;
            return new ImageView(output, offset, side, side, side * 3, PixelFormat.Rgb8);
        }

        private RgbImage Square(byte[] pixels)
        {
            return new RgbImage(info.InputSize, info.InputSize, pixels);
        }

        /// <summary>The native handle, for a call on this model from another class of the
        /// binding; throws ObjectDisposedException once disposed.</summary>
        internal ModelHandle Live()
        {
            if (handle.IsClosed)
            {
                throw new ObjectDisposedException("Drgan.Model");
            }
            return handle;
        }

        private static class Native
        {
            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_model_open(
                byte* dir, NativeOptions* options, out ModelHandle model);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_model_open_memory(
                byte* encoder, UIntPtr encoderLen, byte* decoder, UIntPtr decoderLen,
                byte* pose, UIntPtr poseLen, NativeOptions* options, out ModelHandle model);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_model_open_default(
                NativeOptions* options, out ModelHandle model);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern int drgan_model_info(ModelHandle model, ref NativeModelInfo info);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_model_pose_yaws(
                ModelHandle model, float* yaws, UIntPtr len, out UIntPtr needed);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_embed(
                ModelHandle model, NativeImage* face, float* feature, UIntPtr len,
                out UIntPtr needed, out float confidence);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_embed_batch(
                ModelHandle model, NativeImage* faces, UIntPtr count, float* features,
                UIntPtr len, out UIntPtr needed, float* confidences);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_embed_fused(
                ModelHandle model, NativeImage* faces, UIntPtr count, float* feature,
                UIntPtr len, out UIntPtr needed, out float confidence);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_frontalize(
                ModelHandle model, NativeImage* face, ulong seed, byte* rgb, UIntPtr len,
                out UIntPtr needed);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_rotate(
                ModelHandle model, NativeImage* face, float yaw, ulong seed, byte* rgb,
                UIntPtr len, out UIntPtr needed);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_synthesize(
                ModelHandle model, float* feature, UIntPtr featureLen, float yaw, ulong seed,
                byte* rgb, UIntPtr len, out UIntPtr needed);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_estimate_yaw(
                ModelHandle model, NativeImage* face, out float yaw);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_align(
                ModelHandle model, NativeImage* image, float* landmarks, UIntPtr landmarksLen,
                byte* rgb, UIntPtr len, out UIntPtr needed);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_align_box(
                ModelHandle model, NativeImage* image, float* faceBox, UIntPtr faceBoxLen,
                byte* rgb, UIntPtr len, out UIntPtr needed);
        }
    }
}
