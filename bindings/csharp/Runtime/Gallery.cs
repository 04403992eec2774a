// Enrolled people of one model, searchable by identity feature: in an SQLite file or in
// memory.
#if UNITY_2021_2_OR_NEWER || NETSTANDARD2_1_OR_GREATER || NETCOREAPP2_1_OR_GREATER
#define DRGAN_SPAN // Span<T> overloads; the tests define it for Mono
#endif
using System;
using System.Runtime.InteropServices;

namespace Drgan
{
    /// <summary>Enrolled people of one model, searchable by identity feature
    /// (<c>DrganGallery</c>): kept in an SQLite file (<see cref="Open"/>) or in memory
    /// (<see cref="OpenMemory"/>). Thread-safe: searches run at once, writes take turns.
    /// Dispose it (or let the finalizer) to free the native gallery; every acknowledged
    /// change is already in its file. It does not borrow the model it was opened with.
    ///
    /// <para>A person's template is the confidence-weighted mean of their pictures'
    /// features (Σωᵢfᵢ / Σωᵢ). Ids are UTF-8, 1 to 255 bytes, without NUL. Several
    /// pictures' features are passed one after the other in one array (as
    /// <c>Model.EmbedBatch</c> gives them), with one confidence each (null: equal
    /// weights).</para></summary>
    public sealed class Gallery : IDisposable
    {
        private readonly GalleryHandle handle;
        private readonly int featureDim;

        private Gallery(GalleryHandle handle, int featureDim)
        {
            this.handle = handle;
            this.featureDim = featureDim;
        }

        /// <summary>Opens the gallery file at <paramref name="path"/> for
        /// <paramref name="model"/>, creating it when missing. Throws with Status.Gallery
        /// (not a drgan gallery, corrupt, cannot be created) or Status.ModelMismatch (a
        /// gallery of another model).</summary>
        public static unsafe Gallery Open(Model model, string path)
        {
            if (model == null) throw new ArgumentNullException("model");
            byte[] utf8 = NativeLibrary.Utf8(path);
            GalleryHandle h;
            int status;
            fixed (byte* p = utf8)
            {
                status = Native.drgan_gallery_open(model.Live(), p, out h);
            }
            return Wrap(status, h, model.Info.FeatureDim);
        }

        /// <summary>A new, empty gallery for <paramref name="model"/> kept in memory only.</summary>
        public static Gallery OpenMemory(Model model)
        {
            if (model == null) throw new ArgumentNullException("model");
            GalleryHandle h;
            int status = Native.drgan_gallery_open_memory(model.Live(), out h);
            return Wrap(status, h, model.Info.FeatureDim);
        }

        private static Gallery Wrap(int status, GalleryHandle h, int featureDim)
        {
            if (status != (int)Status.Ok)
            {
                string message = Library.LastError();
                h.Dispose();
                throw new DrganException((Status)status, message);
            }
            return new Gallery(h, featureDim);
        }

        /// <summary>Length of the features it holds (the model's FeatureDim).</summary>
        public int FeatureDim { get { return featureDim; } }

        /// <summary>True once disposed.</summary>
        public bool IsDisposed { get { return handle.IsClosed; } }

        /// <summary>Frees the native gallery. Safe to call more than once.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        /// <summary>Enrols pictures of person <paramref name="id"/>: creates the person, or
        /// adds the pictures to their template. <paramref name="features"/> holds the
        /// pictures' features one after the other; <paramref name="confidences"/> one
        /// confidence a picture, or null to weigh them equally. One transaction: when this
        /// returns the person is in the file.</summary>
        public unsafe void Enrol(string id, float[] features, float[] confidences = null)
        {
            if (features == null) throw new ArgumentNullException("features");
            byte[] utf8 = Id(id);
            float* empty = stackalloc float[1];
            fixed (byte* i = utf8)
            fixed (float* f = features)
            fixed (float* c = confidences)
            {
                DrganException.Check(Native.drgan_gallery_enrol(
                    Live(), i, f != null ? f : empty, (UIntPtr)features.Length,
                    confidences == null ? null : (c != null ? c : empty),
                    (UIntPtr)Pictures(features, confidences)));
            }
        }

        /// <summary>Enrols embeddings (from Model.Embed, EmbedBatch or EmbedFused) of person
        /// <paramref name="id"/>, weighted by their confidences.</summary>
        public void Enrol(string id, params Embedding[] pictures)
        {
            float[] features, confidences;
            Flatten(pictures, out features, out confidences);
            Enrol(id, features, confidences);
        }

        /// <summary>Enrols many pictures in one transaction, picture i of person ids[i] (an
        /// id may repeat): much faster than one Enrol a picture. All or nothing.
        /// <paramref name="features"/> holds ids.Length features;
        /// <paramref name="confidences"/> ids.Length values, or is null.</summary>
        public unsafe void EnrolBatch(string[] ids, float[] features, float[] confidences = null)
        {
            if (ids == null) throw new ArgumentNullException("ids");
            if (features == null) throw new ArgumentNullException("features");
            if (confidences != null && confidences.Length != ids.Length)
            {
                throw new DrganException(Status.InvalidArgument,
                    "confidences has " + confidences.Length + " values for " + ids.Length + " ids");
            }
            // All ids in one pinned buffer, NUL after each; a pointer to each start.
            var utf8 = new byte[ids.Length][];
            int total = 0;
            for (int k = 0; k < ids.Length; k++)
            {
                utf8[k] = Id(ids[k]);
                total += utf8[k].Length;
            }
            var all = new byte[Math.Max(total, 1)];
            var starts = new int[ids.Length];
            for (int k = 0, at = 0; k < ids.Length; at += utf8[k].Length, k++)
            {
                starts[k] = at;
                Buffer.BlockCopy(utf8[k], 0, all, at, utf8[k].Length);
            }
            var pointers = new IntPtr[Math.Max(ids.Length, 1)];
            float* empty = stackalloc float[1];
            fixed (byte* a = all)
            fixed (IntPtr* p = pointers)
            fixed (float* f = features)
            fixed (float* c = confidences)
            {
                for (int k = 0; k < ids.Length; k++)
                {
                    pointers[k] = (IntPtr)(a + starts[k]);
                }
                DrganException.Check(Native.drgan_gallery_enrol_batch(
                    Live(), p, f != null ? f : empty, (UIntPtr)features.Length,
                    confidences == null ? null : (c != null ? c : empty), (UIntPtr)ids.Length));
            }
        }

        /// <summary>Replaces person <paramref name="id"/>'s template with one built from
        /// these pictures only (creates the person when new). Arguments as Enrol.</summary>
        public unsafe void Replace(string id, float[] features, float[] confidences = null)
        {
            if (features == null) throw new ArgumentNullException("features");
            byte[] utf8 = Id(id);
            float* empty = stackalloc float[1];
            fixed (byte* i = utf8)
            fixed (float* f = features)
            fixed (float* c = confidences)
            {
                DrganException.Check(Native.drgan_gallery_replace(
                    Live(), i, f != null ? f : empty, (UIntPtr)features.Length,
                    confidences == null ? null : (c != null ? c : empty),
                    (UIntPtr)Pictures(features, confidences)));
            }
        }

        /// <summary>Replaces person <paramref name="id"/>'s template with one built from
        /// these embeddings only.</summary>
        public void Replace(string id, params Embedding[] pictures)
        {
            float[] features, confidences;
            Flatten(pictures, out features, out confidences);
            Replace(id, features, confidences);
        }

        /// <summary>Removes person <paramref name="id"/>; false when nobody had that id.</summary>
        public unsafe bool Remove(string id)
        {
            byte[] utf8 = Id(id);
            int removed;
            fixed (byte* i = utf8)
            {
                DrganException.Check(Native.drgan_gallery_remove(Live(), i, out removed));
            }
            return removed != 0;
        }

        /// <summary>How many people are enrolled.</summary>
        public int Count
        {
            get
            {
                UIntPtr count;
                DrganException.Check(Native.drgan_gallery_count(Live(), out count));
                return (int)(ulong)count;
            }
        }

        /// <summary>Whether person <paramref name="id"/> is enrolled.</summary>
        public unsafe bool Contains(string id)
        {
            byte[] utf8 = Id(id);
            int contains;
            fixed (byte* i = utf8)
            {
                DrganException.Check(Native.drgan_gallery_contains(Live(), i, out contains));
            }
            return contains != 0;
        }

        /// <summary>The <paramref name="k"/> enrolled people most similar to
        /// <paramref name="feature"/> (FeatureDim floats), best first, at or above
        /// <paramref name="minSimilarity"/> (-1 keeps every match); fewer when fewer people
        /// are enrolled or pass the minimum. Exact (no approximate index).</summary>
        public unsafe GalleryMatch[] Search(float[] feature, int k, float minSimilarity = -1f)
        {
            if (feature == null) throw new ArgumentNullException("feature");
            if (k < 0) throw new ArgumentOutOfRangeException("k", k, "k must not be negative");
            var matches = new NativeGalleryMatch[Math.Max(k, 1)];
            UIntPtr found;
            float* empty = stackalloc float[1];
            fixed (float* f = feature)
            fixed (NativeGalleryMatch* m = matches)
            {
                DrganException.Check(Native.drgan_gallery_search(
                    Live(), f != null ? f : empty, (UIntPtr)feature.Length, (UIntPtr)k,
                    minSimilarity, m, (UIntPtr)matches.Length, out found));
                return Matches(m, (int)(ulong)found);
            }
        }

        /// <summary>Search into <paramref name="matches"/>, a buffer of yours: the
        /// matches.Length enrolled people most similar to the feature at
        /// <paramref name="featureOffset"/> of <paramref name="feature"/> (FeatureDim floats;
        /// the array may hold more, e.g. several features one after the other), best first,
        /// at or above <paramref name="minSimilarity"/>. Returns how many entries were
        /// written, from the first; the rest are left as they were.
        ///
        /// <para>Allocates nothing once warm: the GalleryMatch objects already in the
        /// buffer are reused (their Id and Similarity overwritten: copy what you keep past
        /// the next call), and an id one of them already holds is reused as is, so only a
        /// person new to the buffer costs a string. Empty (null) entries get new
        /// GalleryMatch objects. The native results go through a per-thread scratch array,
        /// allocated on a thread's first search and when a larger one is needed.</para></summary>
        public unsafe int Search(float[] feature, int featureOffset, GalleryMatch[] matches,
                                 float minSimilarity = -1f)
        {
            NativeLibrary.CheckBuffer(feature, featureOffset, "feature", "featureOffset");
            if (matches == null) throw new ArgumentNullException("matches");
            // Exactly FeatureDim floats when the array has them; fewer (which the library
            // reports) when it does not.
            int length = Math.Min(featureDim, feature.Length - featureOffset);
            NativeGalleryMatch[] buffer = Scratch(matches.Length);
            float* empty = stackalloc float[1];
            fixed (float* f = feature)
            fixed (NativeGalleryMatch* m = buffer)
            {
                int found = SearchInto(f != null ? f + featureOffset : empty, length, matches.Length,
                                       minSimilarity, m, buffer.Length);
                for (int i = 0; i < found; i++)
                {
                    int j = Reusable(m + i, matches, i);
                    if (j >= 0)
                    {
                        GalleryMatch same = matches[j];
                        matches[j] = matches[i];
                        matches[i] = same;
                    }
                    matches[i] = Update(matches[i], m + i, j >= 0);
                }
                return found;
            }
        }

#if DRGAN_SPAN
        /// <summary>Search into <paramref name="matches"/>: the matches.Length enrolled
        /// people most similar to <paramref name="feature"/> (FeatureDim floats), best
        /// first, at or above <paramref name="minSimilarity"/>; returns how many entries
        /// were written. Reuses the GalleryMatch objects in the buffer and allocates
        /// nothing once warm, as <see cref="Search(float[], int, GalleryMatch[], float)"/>.</summary>
        public unsafe int Search(ReadOnlySpan<float> feature, Span<GalleryMatch> matches,
                                 float minSimilarity = -1f)
        {
            NativeGalleryMatch[] buffer = Scratch(matches.Length);
            float* empty = stackalloc float[1];
            fixed (float* f = &MemoryMarshal.GetReference(feature))
            fixed (NativeGalleryMatch* m = buffer)
            {
                int found = SearchInto(f != null ? f : empty, feature.Length, matches.Length,
                                       minSimilarity, m, buffer.Length);
                for (int i = 0; i < found; i++)
                {
                    int j = -1;
                    for (int c = i; c < matches.Length && j < 0; c++)
                    {
                        if (Holds(matches[c], m + i)) j = c;
                    }
                    if (j >= 0)
                    {
                        GalleryMatch same = matches[j];
                        matches[j] = matches[i];
                        matches[i] = same;
                    }
                    matches[i] = Update(matches[i], m + i, j >= 0);
                }
                return found;
            }
        }
#endif

        // A thread's scratch array for native search results (260 bytes a match).
        [ThreadStatic] private static NativeGalleryMatch[] scratch;

        private static NativeGalleryMatch[] Scratch(int k)
        {
            NativeGalleryMatch[] buffer = scratch;
            if (buffer == null || buffer.Length < k)
            {
                buffer = new NativeGalleryMatch[Math.Max(k, 8)];
                scratch = buffer;
            }
            return buffer;
        }

        private unsafe int SearchInto(float* feature, int length, int k, float minSimilarity,
                                      NativeGalleryMatch* matches, int capacity)
        {
            UIntPtr found;
            DrganException.Check(Native.drgan_gallery_search(
                Live(), feature, (UIntPtr)length, (UIntPtr)k, minSimilarity, matches,
                (UIntPtr)capacity, out found));
            return (int)(ulong)found;
        }

        /// <summary>The first entry at or after <paramref name="from"/> that already holds
        /// <paramref name="m"/>'s id, or -1.</summary>
        private static unsafe int Reusable(NativeGalleryMatch* m, GalleryMatch[] matches, int from)
        {
            for (int j = from; j < matches.Length; j++)
            {
                if (Holds(matches[j], m))
                {
                    return j;
                }
            }
            return -1;
        }

        private static unsafe bool Holds(GalleryMatch entry, NativeGalleryMatch* m)
        {
            return entry != null && NativeLibrary.Utf8Equals(
                m->Id, NativeLibrary.Length(m->Id, NativeGalleryMatch.IdCapacity), entry.Id);
        }

        /// <summary><paramref name="entry"/> (a new one when null) holding result
        /// <paramref name="m"/>; its id string is kept when <paramref name="sameId"/>.</summary>
        private static unsafe GalleryMatch Update(GalleryMatch entry, NativeGalleryMatch* m, bool sameId)
        {
            string id = sameId ? entry.Id : NativeLibrary.FromUtf8(m->Id, NativeGalleryMatch.IdCapacity);
            if (entry == null)
            {
                return new GalleryMatch(id, m->Similarity);
            }
            entry.Set(id, m->Similarity);
            return entry;
        }

        /// <summary>Search for several features at once (one after the other in
        /// <paramref name="features"/>), spread over every core; result i is feature i's,
        /// the same as its own Search.</summary>
        public unsafe GalleryMatch[][] SearchBatch(float[] features, int k, float minSimilarity = -1f)
        {
            if (features == null) throw new ArgumentNullException("features");
            if (k < 0) throw new ArgumentOutOfRangeException("k", k, "k must not be negative");
            // A length that is no whole number of features is reported by the library.
            int count = featureDim > 0 ? (features.Length + featureDim - 1) / featureDim : 0;
            var matches = new NativeGalleryMatch[Math.Max(checked(count * k), 1)];
            var found = new UIntPtr[Math.Max(count, 1)];
            float* empty = stackalloc float[1];
            fixed (float* f = features)
            fixed (NativeGalleryMatch* m = matches)
            fixed (UIntPtr* n = found)
            {
                DrganException.Check(Native.drgan_gallery_search_batch(
                    Live(), f != null ? f : empty, (UIntPtr)features.Length, (UIntPtr)count,
                    (UIntPtr)k, minSimilarity, m, (UIntPtr)matches.Length, n));
                var result = new GalleryMatch[count][];
                for (int q = 0; q < count; q++)
                {
                    result[q] = Matches(m + q * k, (int)(ulong)found[q]);
                }
                return result;
            }
        }

        /// <summary>Loads what other processes (or other Gallery objects on the same file)
        /// have written since this one last read or wrote; true when there was anything. A
        /// memory gallery never changes this way.</summary>
        public bool Refresh()
        {
            int changed;
            DrganException.Check(Native.drgan_gallery_refresh(Live(), out changed));
            return changed != 0;
        }

        private static unsafe GalleryMatch[] Matches(NativeGalleryMatch* m, int found)
        {
            var result = new GalleryMatch[found];
            for (int i = 0; i < found; i++)
            {
                result[i] = new GalleryMatch(
                    NativeLibrary.FromUtf8(m[i].Id, NativeGalleryMatch.IdCapacity), m[i].Similarity);
            }
            return result;
        }

        /// <summary>A NUL-terminated UTF-8 id; one holding NUL would be cut short in C, so it
        /// is refused.</summary>
        private static byte[] Id(string id)
        {
            if (id == null) throw new ArgumentNullException("id");
            if (id.IndexOf('\0') >= 0)
            {
                throw new DrganException(Status.InvalidArgument, "the id contains a NUL character");
            }
            return NativeLibrary.Utf8(id);
        }

        /// <summary>The number of pictures: the confidences' when given (the library then
        /// checks the features' length against it), else the features' rounded up (the
        /// same).</summary>
        private int Pictures(float[] features, float[] confidences)
        {
            if (confidences != null)
            {
                return confidences.Length;
            }
            return featureDim > 0 ? (features.Length + featureDim - 1) / featureDim : 0;
        }

        private static void Flatten(Embedding[] pictures, out float[] features, out float[] confidences)
        {
            if (pictures == null) throw new ArgumentNullException("pictures");
            int total = 0;
            foreach (Embedding e in pictures)
            {
                if (e == null) throw new ArgumentNullException("pictures", "an embedding is null");
                total += e.Feature.Length;
            }
            features = new float[total];
            confidences = new float[pictures.Length];
            for (int i = 0, at = 0; i < pictures.Length; at += pictures[i].Feature.Length, i++)
            {
                Array.Copy(pictures[i].Feature, 0, features, at, pictures[i].Feature.Length);
                confidences[i] = pictures[i].Confidence;
            }
        }

        private GalleryHandle Live()
        {
            if (handle.IsClosed)
            {
                throw new ObjectDisposedException("Drgan.Gallery");
            }
            return handle;
        }

        private static class Native
        {
            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_gallery_open(
                ModelHandle model, byte* path, out GalleryHandle gallery);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern int drgan_gallery_open_memory(
                ModelHandle model, out GalleryHandle gallery);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_gallery_enrol(
                GalleryHandle gallery, byte* id, float* features, UIntPtr featuresLen,
                float* confidences, UIntPtr count);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_gallery_enrol_batch(
                GalleryHandle gallery, IntPtr* ids, float* features, UIntPtr featuresLen,
                float* confidences, UIntPtr count);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_gallery_replace(
                GalleryHandle gallery, byte* id, float* features, UIntPtr featuresLen,
                float* confidences, UIntPtr count);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_gallery_remove(
                GalleryHandle gallery, byte* id, out int removed);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern int drgan_gallery_count(GalleryHandle gallery, out UIntPtr count);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_gallery_contains(
                GalleryHandle gallery, byte* id, out int contains);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_gallery_search(
                GalleryHandle gallery, float* feature, UIntPtr featureLen, UIntPtr k,
                float minSimilarity, NativeGalleryMatch* matches, UIntPtr capacity,
                out UIntPtr found);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern unsafe int drgan_gallery_search_batch(
                GalleryHandle gallery, float* features, UIntPtr featuresLen, UIntPtr count,
                UIntPtr k, float minSimilarity, NativeGalleryMatch* matches, UIntPtr capacity,
                UIntPtr* found);

            [DllImport(NativeLibrary.Name, CallingConvention = CallingConvention.Cdecl)]
            public static extern int drgan_gallery_refresh(GalleryHandle gallery, out int changed);
        }
    }

    /// <summary>One search result: an enrolled person's id and the cosine similarity of the
    /// query and the person's template, in [-1, 1] (higher is more alike). The Search
    /// overloads that fill a buffer of yours reuse the objects in it, overwriting
    /// both.</summary>
    public sealed class GalleryMatch
    {
        /// <summary>The person's id.</summary>
        public string Id { get; private set; }
        /// <summary>Cosine similarity of the query and the person's template.</summary>
        public float Similarity { get; private set; }

        /// <summary>A match from its parts.</summary>
        public GalleryMatch(string id, float similarity)
        {
            if (id == null) throw new ArgumentNullException("id");
            Id = id;
            Similarity = similarity;
        }

        /// <summary>Reused by the Search overloads that fill a caller's buffer.</summary>
        internal void Set(string id, float similarity)
        {
            Id = id;
            Similarity = similarity;
        }

        /// <summary>"id (similarity)".</summary>
        public override string ToString()
        {
            return Id + " (" + Similarity.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) + ")";
        }
    }
}
