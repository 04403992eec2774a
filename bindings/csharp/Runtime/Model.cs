// A loaded DR-GAN bundle: embedding, fusion, synthesis, pose, alignment.
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

        /// <summary>The identity feature of one aligned face and the encoder's confidence.</summary>
        public unsafe Embedding Embed(ImageView face)
        {
            var feature = new float[info.FeatureDim];
            float confidence;
            UIntPtr needed;
            using (var pinned = new PinnedImages(new[] { face }))
            fixed (NativeImage* img = pinned.Images)
            fixed (float* f = feature)
            {
                DrganException.Check(Native.drgan_embed(
                    Live(), img, f, (UIntPtr)feature.Length, out needed, out confidence));
            }
            return new Embedding(feature, confidence);
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

        /// <summary>The face turned to yaw 0. The same seed gives the same pixels.</summary>
        public unsafe RgbImage Frontalize(ImageView face, ulong seed = 0)
        {
            var pixels = new byte[info.ImageBytes];
            UIntPtr needed;
            using (var pinned = new PinnedImages(new[] { face }))
            fixed (NativeImage* img = pinned.Images)
            fixed (byte* o = pixels)
            {
                DrganException.Check(Native.drgan_frontalize(
                    Live(), img, seed, o, (UIntPtr)pixels.Length, out needed));
            }
            return Square(pixels);
        }

        /// <summary>The face turned to <paramref name="yawDegrees"/> (within
        /// Info.MinYaw..Info.MaxYaw).</summary>
        public unsafe RgbImage Rotate(ImageView face, float yawDegrees, ulong seed = 0)
        {
            var pixels = new byte[info.ImageBytes];
            UIntPtr needed;
            using (var pinned = new PinnedImages(new[] { face }))
            fixed (NativeImage* img = pinned.Images)
            fixed (byte* o = pixels)
            {
                DrganException.Check(Native.drgan_rotate(
                    Live(), img, yawDegrees, seed, o, (UIntPtr)pixels.Length, out needed));
            }
            return Square(pixels);
        }

        /// <summary>A face drawn from an identity feature (FeatureDim floats; for example a
        /// fused one) at <paramref name="yawDegrees"/>.</summary>
        public unsafe RgbImage Synthesize(float[] feature, float yawDegrees, ulong seed = 0)
        {
            if (feature == null) throw new ArgumentNullException("feature");
            var pixels = new byte[info.ImageBytes];
            UIntPtr needed;
            float* empty = stackalloc float[1];
            fixed (float* f = feature)
            fixed (byte* o = pixels)
            {
                DrganException.Check(Native.drgan_synthesize(
                    Live(), f != null ? f : empty, (UIntPtr)feature.Length, yawDegrees, seed, o,
                    (UIntPtr)pixels.Length, out needed));
            }
            return Square(pixels);
        }

        /// <summary>The yaw of a face in degrees. Needs a pose head (Info.HasPoseHead);
        /// otherwise throws with Status.Unsupported.</summary>
        public unsafe float EstimateYaw(ImageView face)
        {
            float yaw;
            using (var pinned = new PinnedImages(new[] { face }))
            fixed (NativeImage* img = pinned.Images)
            {
                DrganException.Check(Native.drgan_estimate_yaw(Live(), img, out yaw));
            }
            return yaw;
        }

        /// <summary>The aligned crop every other call expects, of the face whose five
        /// detector landmarks are given (x1, y1, ..., x5, y5 in image pixels: the eye on the
        /// image's left, the other eye, the nose tip, the mouth corner on the image's left,
        /// the other one), at any yaw.</summary>
        public unsafe RgbImage Align(ImageView image, float[] landmarks)
        {
            if (landmarks == null) throw new ArgumentNullException("landmarks");
            var pixels = new byte[info.ImageBytes];
            UIntPtr needed;
            float* empty = stackalloc float[1];
            using (var pinned = new PinnedImages(new[] { image }))
            fixed (NativeImage* img = pinned.Images)
            fixed (float* l = landmarks)
            fixed (byte* o = pixels)
            {
                DrganException.Check(Native.drgan_align(
                    Live(), img, l != null ? l : empty, (UIntPtr)landmarks.Length, o,
                    (UIntPtr)pixels.Length, out needed));
            }
            return Square(pixels);
        }

        /// <summary>The aligned crop of the face in a detector's box
        /// <paramref name="faceBox"/> = { x1, y1, x2, y2 } (image pixels), for detectors
        /// without landmarks; five points frame better.</summary>
        public unsafe RgbImage AlignBox(ImageView image, float[] faceBox)
        {
            if (faceBox == null) throw new ArgumentNullException("faceBox");
            var pixels = new byte[info.ImageBytes];
            UIntPtr needed;
            float* empty = stackalloc float[1];
            using (var pinned = new PinnedImages(new[] { image }))
            fixed (NativeImage* img = pinned.Images)
            fixed (float* b = faceBox)
            fixed (byte* o = pixels)
            {
                DrganException.Check(Native.drgan_align_box(
                    Live(), img, b != null ? b : empty, (UIntPtr)faceBox.Length, o,
                    (UIntPtr)pixels.Length, out needed));
            }
            return Square(pixels);
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
