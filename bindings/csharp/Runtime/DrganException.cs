// Failed native calls as exceptions carrying the status and the library's message.
using System;

namespace Drgan
{
    /// <summary>A drgan call failed. <see cref="Status"/> says how; <see cref="NativeMessage"/>
    /// is the library's own message (<c>drgan_last_error()</c> of the failing call).</summary>
    public sealed class DrganException : Exception
    {
        /// <summary>The status the native call returned.</summary>
        public Status Status { get; private set; }

        /// <summary>The library's message, without the status name.</summary>
        public string NativeMessage { get; private set; }

        /// <summary>Creates an exception for <paramref name="status"/>.</summary>
        public DrganException(Status status, string nativeMessage)
            : base(Library.StatusName(status) + ": " + nativeMessage)
        {
            Status = status;
            NativeMessage = nativeMessage;
        }

        /// <summary>Throws for any status but OK, with this thread's native message. Call it
        /// right after the native call, on the same thread.</summary>
        internal static void Check(int status)
        {
            if (status != (int)Status.Ok)
            {
                throw new DrganException((Status)status, Library.LastError());
            }
        }
    }
}
