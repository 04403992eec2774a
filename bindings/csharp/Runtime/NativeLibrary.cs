// Where the native library is found, and UTF-8 strings marshalled by hand (the same on
// Mono, IL2CPP and .NET, whatever their default string marshalling).
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Drgan
{
    internal static class NativeLibrary
    {
        /// <summary>The DllImport name: statically linked into the app on iOS (IL2CPP),
        /// else libdrgan.so / libdrgan.dylib / drgan.dll found by the runtime (for .NET, the
        /// NuGet package's runtimes/&lt;rid&gt;/native/; for Unity, Plugins/; for Mono, the
        /// library search path, e.g. LD_LIBRARY_PATH).</summary>
#if UNITY_IOS && !UNITY_EDITOR
        internal const string Name = "__Internal";
#else
        internal const string Name = "drgan";
#endif

        /// <summary>A NUL-terminated UTF-8 copy of <paramref name="s"/>.</summary>
        internal static byte[] Utf8(string s)
        {
            if (s == null)
            {
                throw new ArgumentNullException("s");
            }
            var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, bytes, 0);
            return bytes; // the last byte stays 0
        }

        /// <summary>The NUL-terminated UTF-8 string at <paramref name="p"/> (empty for NULL).</summary>
        internal static string FromUtf8(IntPtr p)
        {
            if (p == IntPtr.Zero)
            {
                return string.Empty;
            }
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0)
            {
                n++;
            }
            var bytes = new byte[n];
            Marshal.Copy(p, bytes, 0, n);
            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>The UTF-8 string in a fixed-size, NUL-terminated field.</summary>
        internal static unsafe string FromUtf8(byte* chars, int capacity)
        {
            int n = 0;
            while (n < capacity && chars[n] != 0)
            {
                n++;
            }
            var bytes = new byte[n];
            Marshal.Copy((IntPtr)chars, bytes, 0, n);
            return Encoding.UTF8.GetString(bytes);
        }
    }
}
