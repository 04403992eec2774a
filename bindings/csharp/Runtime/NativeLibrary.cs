// Where the native library is found, and UTF-8 strings marshalled by hand (the same on
// Mono, IL2CPP and .NET, whatever their default string marshalling).
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Drgan
{
    internal static class NativeLibrary
    {
        /// <summary>The DllImport name: <c>"__Internal"</c> in Unity players for Apple's
        /// iOS, tvOS and visionOS (IL2CPP links the static libdrgan.a into the app; no
        /// dynamic library may be loaded there), else libdrgan.so / libdrgan.dylib /
        /// drgan.dll found by the runtime (for .NET, the NuGet package's
        /// runtimes/&lt;rid&gt;/native/; for Unity, Runtime/Plugins/; for Mono, the library
        /// search path, e.g. LD_LIBRARY_PATH). The Unity editor loads the dynamic library
        /// of the machine it runs on, whatever the build target.</summary>
#if (UNITY_IOS || UNITY_TVOS || UNITY_VISIONOS) && !UNITY_EDITOR
        internal const string Name = "__Internal";
#else
        internal const string Name = "drgan";
#endif

        /// <summary>Checks a caller's output buffer and the offset where writing starts
        /// (at most its length: how much room is left is for the library to judge).</summary>
        internal static void CheckBuffer(Array buffer, int offset, string name,
                                         string offsetName = "offset")
        {
            if (buffer == null)
            {
                throw new ArgumentNullException(name);
            }
            if (offset < 0 || offset > buffer.Length)
            {
                throw new ArgumentOutOfRangeException(offsetName, offset,
                    "offset must be within " + name + " (0 to " + buffer.Length + ")");
            }
        }

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

        /// <summary>The length of the NUL-terminated string in a field of
        /// <paramref name="capacity"/> bytes.</summary>
        internal static unsafe int Length(byte* chars, int capacity)
        {
            int n = 0;
            while (n < capacity && chars[n] != 0)
            {
                n++;
            }
            return n;
        }

        /// <summary>Whether <paramref name="length"/> bytes of UTF-8 spell
        /// <paramref name="s"/>, compared without allocating (false for malformed UTF-8).</summary>
        internal static unsafe bool Utf8Equals(byte* utf8, int length, string s)
        {
            if (s == null)
            {
                return false;
            }
            int at = 0;
            for (int i = 0; i < length;)
            {
                uint c = utf8[i++];
                int more;
                if (c < 0x80)
                {
                    more = 0;
                }
                else if ((c & 0xE0) == 0xC0)
                {
                    c &= 0x1F;
                    more = 1;
                }
                else if ((c & 0xF0) == 0xE0)
                {
                    c &= 0x0F;
                    more = 2;
                }
                else if ((c & 0xF8) == 0xF0)
                {
                    c &= 0x07;
                    more = 3;
                }
                else
                {
                    return false;
                }
                for (; more > 0; more--)
                {
                    if (i >= length || (utf8[i] & 0xC0) != 0x80)
                    {
                        return false;
                    }
                    c = (c << 6) | (uint)(utf8[i++] & 0x3F);
                }
                if (c >= 0x10000)
                {
                    c -= 0x10000;
                    if (at + 1 >= s.Length || s[at] != (char)(0xD800 + (c >> 10)) ||
                        s[at + 1] != (char)(0xDC00 + (c & 0x3FF)))
                    {
                        return false;
                    }
                    at += 2;
                }
                else
                {
                    if (at >= s.Length || s[at] != (char)c)
                    {
                        return false;
                    }
                    at++;
                }
            }
            return at == s.Length;
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
