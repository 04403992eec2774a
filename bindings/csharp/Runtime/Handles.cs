// One SafeHandle per native handle: the runtime frees each exactly once (Dispose or the
// finalizer), and keeps it alive while a native call is using it.
using System;
using System.Runtime.InteropServices;

namespace Drgan
{
    /// <summary>Owns a <c>DrganModel*</c>; released with <c>drgan_model_free</c>.</summary>
    internal sealed class ModelHandle : SafeHandle
    {
        public ModelHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.drgan_model_free(handle);
            return true;
        }

        private static class Native
        {
            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern void drgan_model_free(IntPtr model);
        }
    }

    /// <summary>Owns a <c>DrganDecodedImage*</c> (an image drgan decoded); released with
    /// <c>drgan_image_free</c>.</summary>
    internal sealed class ImageHandle : SafeHandle
    {
        public ImageHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.drgan_image_free(handle);
            return true;
        }

        private static class Native
        {
            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern void drgan_image_free(IntPtr decodedImage);
        }
    }

    /// <summary>Owns a <c>DrganGallery*</c>; released with <c>drgan_gallery_free</c>.</summary>
    internal sealed class GalleryHandle : SafeHandle
    {
        public GalleryHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.drgan_gallery_free(handle);
            return true;
        }

        private static class Native
        {
            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern void drgan_gallery_free(IntPtr gallery);
        }
    }
}
