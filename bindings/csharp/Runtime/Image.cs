// Images decoded by drgan (owned natively, freed once), and RGB8 images drgan returns
// (plain managed arrays).
using System;
using System.Runtime.InteropServices;

namespace Drgan
{
    /// <summary>An image decoded by drgan from a PNG or JPEG (a <c>DrganDecodedImage</c>):
    /// tightly packed RGB8 in native memory, freed by <see cref="Dispose"/> (or the
    /// finalizer). <see cref="Load"/> and <see cref="Decode"/> take optional
    /// <see cref="Options"/> whose <see cref="Options.MaxImagePixels"/> bounds the image
    /// (Status.LimitExceeded over it, found from the header before decoding); null means
    /// the library's defaults.</summary>
    public sealed class Image : IDisposable
    {
        private readonly ImageHandle handle;

        /// <summary>Width in pixels.</summary>
        public int Width { get; private set; }
        /// <summary>Height in pixels.</summary>
        public int Height { get; private set; }
        /// <summary>Bytes from one row's start to the next's.</summary>
        public int StrideBytes { get; private set; }
        /// <summary>Pixel layout (always RGB8).</summary>
        public PixelFormat Format { get; private set; }

        private unsafe Image(ImageHandle handle)
        {
            this.handle = handle;
            NativeImage* raw = Raw(handle);
            Width = (int)raw->Width;
            Height = (int)raw->Height;
            StrideBytes = (int)(ulong)raw->StrideBytes;
            Format = (PixelFormat)raw->Format;
        }

        /// <summary>Reads and decodes a PNG or JPEG file, turned upright by its EXIF
        /// orientation. <paramref name="options"/> may be null for the defaults; its
        /// MaxImagePixels bounds the image.</summary>
        public static unsafe Image Load(string path, Options options = null)
        {
            Library.RequireAbi();
            byte[] utf8 = NativeLibrary.Utf8(path);
            NativeOptions raw = options != null ? options.ToNative() : default(NativeOptions);
            ImageHandle h;
            int status;
            fixed (byte* p = utf8)
            {
                status = Native.drgan_image_load(p, options != null ? &raw : null, out h);
            }
            return Wrap(status, h);
        }

        /// <summary>Decodes a PNG or JPEG held in memory, turned upright by its EXIF
        /// orientation. <paramref name="options"/> may be null for the defaults; its
        /// MaxImagePixels bounds the image.</summary>
        public static unsafe Image Decode(byte[] bytes, Options options = null)
        {
            if (bytes == null) throw new ArgumentNullException("bytes");
            Library.RequireAbi();
            NativeOptions raw = options != null ? options.ToNative() : default(NativeOptions);
            ImageHandle h;
            int status;
            byte* empty = stackalloc byte[1];
            fixed (byte* p = bytes)
            {
                status = Native.drgan_image_decode(p != null ? p : empty, (UIntPtr)bytes.Length,
                                                   options != null ? &raw : null, out h);
            }
            return Wrap(status, h);
        }

        // The image description of a DrganDecodedImage: its `image` member, at offset 0.
        private static unsafe NativeImage* Raw(ImageHandle h)
        {
            NativeDecodedImage* decoded = (NativeDecodedImage*)h.DangerousGetHandle();
            return &decoded->Image;
        }

        private static Image Wrap(int status, ImageHandle h)
        {
            if (status != (int)Status.Ok)
            {
                string message = Library.LastError();
                h.Dispose();
                throw new DrganException((Status)status, message);
            }
            return new Image(h);
        }

        /// <summary>True once disposed.</summary>
        public bool IsDisposed { get { return handle.IsClosed; } }

        /// <summary>A view of the pixels, for passing to <see cref="Model"/> calls. Using it
        /// after the image is disposed throws ObjectDisposedException.</summary>
        public unsafe ImageView View
        {
            get
            {
                ThrowIfDisposed();
                NativeImage* raw = Raw(handle);
                return new ImageView(raw->Data, this, Width, Height, StrideBytes, Format);
            }
        }

        /// <summary>Implicitly a view of its pixels.</summary>
        public static implicit operator ImageView(Image image)
        {
            if (image == null) throw new ArgumentNullException("image");
            return image.View;
        }

        /// <summary>A managed copy of the pixels (Height × StrideBytes bytes).</summary>
        public unsafe byte[] ToArray()
        {
            AddRef();
            try
            {
                NativeImage* raw = Raw(handle);
                var bytes = new byte[(long)Height * StrideBytes];
                Marshal.Copy(raw->Data, bytes, 0, bytes.Length);
                return bytes;
            }
            finally
            {
                Release();
            }
        }

        /// <summary>Writes the image to <paramref name="path"/> as a PNG.</summary>
        public void SavePng(string path)
        {
            Library.SavePng(path, View);
        }

        /// <summary>Frees the native image. Safe to call more than once.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        internal void AddRef()
        {
            ThrowIfDisposed();
            bool added = false;
            handle.DangerousAddRef(ref added);
        }

        internal void Release()
        {
            handle.DangerousRelease();
        }

        private void ThrowIfDisposed()
        {
            if (handle.IsClosed)
            {
                throw new ObjectDisposedException("Drgan.Image");
            }
        }

        private static class Native
        {
            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_image_load(byte* path, NativeOptions* options,
                                                             out ImageHandle image);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_image_decode(byte* bytes, UIntPtr len,
                                                               NativeOptions* options,
                                                               out ImageHandle image);
        }
    }

    /// <summary>A tightly packed RGB8 image in a managed array: what Align, Frontalize,
    /// Rotate and Synthesize return (square, the model's input size).</summary>
    public sealed class RgbImage
    {
        /// <summary>Width in pixels.</summary>
        public int Width { get; private set; }
        /// <summary>Height in pixels.</summary>
        public int Height { get; private set; }
        /// <summary>Width × Height × 3 bytes, rows first to last, R, G, B.</summary>
        public byte[] Pixels { get; private set; }

        internal RgbImage(int width, int height, byte[] pixels)
        {
            Width = width;
            Height = height;
            Pixels = pixels;
        }

        /// <summary>A view of the pixels.</summary>
        public ImageView View
        {
            get { return new ImageView(Pixels, Width, Height, PixelFormat.Rgb8); }
        }

        /// <summary>Implicitly a view of its pixels.</summary>
        public static implicit operator ImageView(RgbImage image)
        {
            if (image == null) throw new ArgumentNullException("image");
            return image.View;
        }

        /// <summary>Writes the image to <paramref name="path"/> as a PNG.</summary>
        public void SavePng(string path)
        {
            Library.SavePng(path, View);
        }
    }
}
