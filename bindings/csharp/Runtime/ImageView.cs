// A description of pixels to pass in: a managed byte[] (pinned only during each call),
// a drgan-decoded Image (kept alive during each call), or native memory the caller owns.
using System;
using System.Runtime.InteropServices;

namespace Drgan
{
    /// <summary>Pixels to pass to drgan: <see cref="Height"/> rows of <see cref="StrideBytes"/>
    /// bytes, each starting with <see cref="Width"/> pixels of <see cref="Format"/>. drgan
    /// reads them only during the call the view is passed to.</summary>
    public struct ImageView
    {
        private readonly byte[] array;
        private readonly int offset;
        private readonly Image owner;
        private readonly IntPtr pointer;

        /// <summary>Width in pixels.</summary>
        public int Width { get; private set; }
        /// <summary>Height in pixels.</summary>
        public int Height { get; private set; }
        /// <summary>Bytes from one row's start to the next's.</summary>
        public int StrideBytes { get; private set; }
        /// <summary>Pixel layout.</summary>
        public PixelFormat Format { get; private set; }
        /// <summary>Whether the rows are stored bottom row first (see
        /// <see cref="AsBottomUp"/>).</summary>
        public bool IsBottomUp { get; private set; }

        /// <summary>The same pixels read as stored bottom row first (Unity textures,
        /// <c>Texture2D.GetPixels32</c>, OpenGL read-backs): the first row in memory is the
        /// image's bottom one. Landmarks stay in top-down image coordinates.</summary>
        public ImageView AsBottomUp()
        {
            ImageView v = this;
            v.IsBottomUp = true;
            return v;
        }

        /// <summary>Tightly packed pixels in a managed array, first row first.</summary>
        public ImageView(byte[] pixels, int width, int height, PixelFormat format)
            : this(pixels, 0, width, height, width * BytesPerPixel(format), format)
        {
        }

        /// <summary>Pixels in a managed array from <paramref name="offset"/>, rows
        /// <paramref name="strideBytes"/> apart. The array must hold every row (checked
        /// here, so drgan never reads past it).</summary>
        public ImageView(byte[] pixels, int offset, int width, int height, int strideBytes,
                         PixelFormat format)
            : this()
        {
            if (pixels == null) throw new ArgumentNullException("pixels");
            CheckNonNegative(offset, width, height, strideBytes);
            long needed = Extent(width, height, strideBytes, format);
            if ((long)offset + needed > pixels.Length)
            {
                throw new ArgumentException(
                    "a " + width + "x" + height + " " + format + " image with stride " + strideBytes +
                    " needs " + needed + " bytes from offset " + offset + ", the array has " +
                    pixels.Length, "pixels");
            }
            array = pixels;
            this.offset = offset;
            Width = width;
            Height = height;
            StrideBytes = strideBytes;
            Format = format;
        }

        /// <summary>Pixels in memory the caller owns and keeps valid during each call (a
        /// NativeArray, a camera buffer, a pinned Color32[]). Not checked: the caller
        /// answers for the extent.</summary>
        public static ImageView FromPointer(IntPtr data, int width, int height, int strideBytes,
                                            PixelFormat format)
        {
            CheckNonNegative(0, width, height, strideBytes);
            return new ImageView(data, null, width, height, strideBytes, format);
        }

        internal ImageView(IntPtr data, Image owner, int width, int height, int strideBytes,
                           PixelFormat format)
            : this()
        {
            pointer = data;
            this.owner = owner;
            Width = width;
            Height = height;
            StrideBytes = strideBytes;
            Format = format;
        }

        /// <summary>Bytes per pixel of a format (0 for a value that is no format).</summary>
        public static int BytesPerPixel(PixelFormat format)
        {
            switch (format)
            {
                case PixelFormat.Rgb8:
                case PixelFormat.Bgr8:
                    return 3;
                case PixelFormat.Rgba8:
                case PixelFormat.Bgra8:
                    return 4;
                case PixelFormat.Gray8:
                case PixelFormat.Nv12:
                case PixelFormat.Nv21:
                case PixelFormat.I420:
                    return 1; // YUV: of the Y plane
                default:
                    return 0;
            }
        }

        private static void CheckNonNegative(int offset, int width, int height, int stride)
        {
            if (offset < 0) throw new ArgumentOutOfRangeException("offset");
            if (width < 0) throw new ArgumentOutOfRangeException("width");
            if (height < 0) throw new ArgumentOutOfRangeException("height");
            if (stride < 0) throw new ArgumentOutOfRangeException("strideBytes");
        }

        // Bytes the library may read: every row but the last in full, then one row of pixels.
        private static long Extent(int width, int height, int stride, PixelFormat format)
        {
            if (width == 0 || height == 0)
            {
                return 0; // the library refuses it before reading
            }
            long row = (long)width * BytesPerPixel(format);
            long s = Math.Max(stride, 0);
            long chromaRows = (height + 1) / 2, chromaRow = (width + 1) / 2;
            switch (format)
            {
                case PixelFormat.Nv12:
                case PixelFormat.Nv21:
                    return s * height + s * (chromaRows - 1) + 2 * chromaRow;
                case PixelFormat.I420:
                    long c = (s + 1) / 2;
                    return s * height + c * chromaRows + c * (chromaRows - 1) + chromaRow;
                default:
                    return (long)(height - 1) * s + row;
            }
        }

        /// <summary>Keeps a drgan-decoded Image alive for one native call (throws
        /// ObjectDisposedException once it is disposed); pair with <see cref="Exit"/>.
        /// Together with <see cref="ToNative"/> inside a <c>fixed</c> on <see cref="Array"/>
        /// this passes one view without allocating.</summary>
        internal void Enter()
        {
            if (owner != null)
            {
                owner.AddRef();
            }
        }

        /// <summary>Ends what <see cref="Enter"/> began.</summary>
        internal void Exit()
        {
            if (owner != null)
            {
                owner.Release();
            }
        }

        /// <summary>The <c>DrganImage</c> of this view; <paramref name="pinnedArray"/> is
        /// <see cref="Array"/> pinned by the caller (ignored for other views).</summary>
        internal unsafe NativeImage ToNative(byte* pinnedArray)
        {
            IntPtr data;
            if (array != null)
            {
                data = pinnedArray == null ? IntPtr.Zero : (IntPtr)(pinnedArray + offset);
            }
            else
            {
                data = pointer; // NULL for default(ImageView): the library says so
            }
            return new NativeImage
            {
                Data = data,
                Width = (uint)Width,
                Height = (uint)Height,
                StrideBytes = (UIntPtr)(uint)StrideBytes,
                Format = NativeFormat,
            };
        }

        /// <summary>The <c>format</c> field: the pixel format, with
        /// <c>DRGAN_IMAGE_BOTTOM_UP</c> (0x100) for bottom-up rows.</summary>
        internal int NativeFormat
        {
            get { return (int)Format | (IsBottomUp ? 0x100 : 0); }
        }

        internal byte[] Array { get { return array; } }
        internal int Offset { get { return offset; } }
        internal Image Owner { get { return owner; } }
        internal IntPtr Pointer { get { return pointer; } }
    }

    /// <summary>Pins the views' memory for one native call and describes it as
    /// <c>DrganImage</c>s; Dispose unpins.</summary>
    internal sealed class PinnedImages : IDisposable
    {
        private readonly GCHandle[] pins;
        private readonly Image[] owners;

        public NativeImage[] Images { get; private set; }

        public PinnedImages(ImageView[] views)
        {
            if (views == null) throw new ArgumentNullException("views");
            pins = new GCHandle[views.Length];
            owners = new Image[views.Length];
            // At least one element, so `fixed` gives a valid pointer even for no views.
            Images = new NativeImage[Math.Max(views.Length, 1)];
            try
            {
                for (int i = 0; i < views.Length; i++)
                {
                    ImageView v = views[i];
                    IntPtr data;
                    if (v.Array != null)
                    {
                        pins[i] = GCHandle.Alloc(v.Array, GCHandleType.Pinned);
                        data = v.Array.Length == 0
                            ? IntPtr.Zero
                            : Marshal.UnsafeAddrOfPinnedArrayElement(v.Array, v.Offset);
                    }
                    else if (v.Owner != null)
                    {
                        v.Owner.AddRef(); // throws ObjectDisposedException when disposed
                        owners[i] = v.Owner;
                        data = v.Pointer;
                    }
                    else
                    {
                        data = v.Pointer; // NULL for default(ImageView): the library says so
                    }
                    Images[i] = new NativeImage
                    {
                        Data = data,
                        Width = (uint)v.Width,
                        Height = (uint)v.Height,
                        StrideBytes = (UIntPtr)(uint)v.StrideBytes,
                        Format = v.NativeFormat,
                    };
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            for (int i = 0; i < pins.Length; i++)
            {
                if (pins[i].IsAllocated)
                {
                    pins[i].Free();
                }
                if (owners[i] != null)
                {
                    owners[i].Release();
                    owners[i] = null;
                }
            }
        }
    }
}
