// The overloads that write into a caller's buffers (Embed, Align, AlignBox, Frontalize,
// Rotate, Synthesize into float[]/byte[] from an offset, Gallery.Search into a
// GalleryMatch[]; with DRGAN_SPAN defined, their Span<T> forms too): the same results as
// the allocating calls, their argument errors, and no allocation at all across 1,000
// align + embed + search (+ frontalize + rotate) iterations, measured with
// GC.GetAllocatedBytesForCurrentThread() (which Mono has; the same loop with the
// allocating calls is measured too, to show the counter sees allocations). Also the
// default options of `new Options()`. Run by tests/bindings_csharp.rs, compiled once
// without and once with -define:DRGAN_SPAN.
//
// usage: mono BufferTests.exe BUNDLE_DIR DATA_DIR
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Drgan;

internal static class BufferTests
{
    private static int checks;
    private static int failures;

    private static void Check(bool ok, string what)
    {
        checks++;
        if (ok)
        {
            Console.WriteLine("ok   " + what);
        }
        else
        {
            failures++;
            Console.WriteLine("FAIL " + what + "\n" + new StackTrace(1, true));
        }
    }

    private static void Expect<T>(string what, Action body) where T : Exception
    {
        checks++;
        try
        {
            body();
            failures++;
            Console.WriteLine("FAIL " + what + ": no exception, want " + typeof(T).Name);
        }
        catch (T e)
        {
            Console.WriteLine("ok   " + what + " -> " + typeof(T).Name + ": " + e.Message);
        }
        catch (Exception e)
        {
            failures++;
            Console.WriteLine("FAIL " + what + ": want " + typeof(T).Name + ", got " + e);
        }
    }

    private static void ExpectStatus(string what, Status want, Action body)
    {
        checks++;
        try
        {
            body();
            failures++;
            Console.WriteLine("FAIL " + what + ": no exception, want " + want);
        }
        catch (DrganException e)
        {
            if (e.Status == want)
            {
                Console.WriteLine("ok   " + what + " -> " + e.Message);
            }
            else
            {
                failures++;
                Console.WriteLine("FAIL " + what + ": got " + e.Status + " (" + e.Message + "), want " + want);
            }
        }
        catch (Exception e)
        {
            failures++;
            Console.WriteLine("FAIL " + what + ": wrong exception " + e);
        }
    }

    private static readonly float[] AstronautPoints =
        { 205.1f, 100.5f, 245.5f, 102.5f, 224.7f, 127.4f, 205.6f, 140.9f, 243.3f, 142.6f };
    private static readonly float[] ObamaPoints =
        { 443.0f, 211.8f, 544.7f, 209.3f, 497.7f, 277.8f, 443.6f, 323.1f, 548.9f, 317.9f };

    private static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: BufferTests.exe BUNDLE DATA");
            return 2;
        }
        try
        {
            Run(args[0], args[1]);
        }
        catch (Exception e)
        {
            failures++;
            Console.WriteLine("FAIL uncaught " + e);
        }
        Console.WriteLine(checks + " checks, " + failures + " failures");
        return failures == 0 ? 0 : 1;
    }

    private static byte[] Slice(byte[] a, int offset, int count)
    {
        var r = new byte[count];
        Array.Copy(a, offset, r, 0, count);
        return r;
    }

    private static void Run(string bundle, string data)
    {
        // A new Options holds the library's defaults: the user's exact form opens.
        var fresh = new Options();
        Options native = Options.Default();
        Check(fresh.Backend == native.Backend && fresh.MaxImagePixels == native.MaxImagePixels &&
              fresh.MaxModelBytes == native.MaxModelBytes && fresh.Threads == native.Threads,
              "new Options() == Options.Default() (drgan_options_default)");
        Check(Options.DefaultMaxImagePixels == native.MaxImagePixels &&
              Options.DefaultMaxModelBytes == native.MaxModelBytes &&
              Options.DefaultThreads == native.Threads, "the Default* constants");
        using (Model m = Model.OpenMemory(File.ReadAllBytes(Path.Combine(bundle, "encoder.onnx")),
                                          File.ReadAllBytes(Path.Combine(bundle, "decoder.onnx")),
                                          null, new Options { Backend = Backend.Cpu }))
        {
            Check(m.Info.EncoderBackend == Backend.Cpu, "OpenMemory(..., new Options { Backend = Backend.Cpu })");
        }

        using (Model model = Model.Open(bundle, new Options { Backend = Backend.Cpu }))
        using (Image astronaut = Image.Load(Path.Combine(data, "astronaut.png")))
        using (Image obama = Image.Load(Path.Combine(data, "obama.jpg")))
        using (Gallery people = Gallery.OpenMemory(model))
        {
            Check(model.Info.EncoderBackend == Backend.Cpu, "Open(dir, new Options { Backend = Backend.Cpu })");
            ModelInfo info = model.Info;
            int bytes = info.ImageBytes, dim = info.FeatureDim;

            // The same results as the allocating calls, at an offset.
            RgbImage crop = model.Align(astronaut, AstronautPoints);
            RgbImage crop2 = model.Align(obama, ObamaPoints);
            var big = new byte[bytes + 11];
            ImageView view = model.Align(astronaut, AstronautPoints, big, 7);
            Check(Slice(big, 7, bytes).SequenceEqual(crop.Pixels) && big[6] == 0 && big[7 + bytes] == 0,
                  "Align into a byte[] at offset 7 == Align");
            Check(view.Width == info.InputSize && view.Height == info.InputSize &&
                  view.StrideBytes == info.InputSize * 3 && view.Format == PixelFormat.Rgb8,
                  "Align returns a view of the crop");
            Check(model.EstimateYaw(view) == model.EstimateYaw(crop), "EstimateYaw of the returned view");
            Embedding a = model.Embed(crop);
            Embedding b = model.Embed(crop2);
            var features = new float[dim + 5];
            float confidence = model.Embed(view, features, 3);
            Check(features.Skip(3).Take(dim).SequenceEqual(a.Feature) && confidence == a.Confidence &&
                  features[2] == 0f && features[3 + dim] == 0f, "Embed into a float[] at offset 3 == Embed");
            RgbImage boxed = model.AlignBox(astronaut, new[] { 150f, 60f, 350f, 330f });
            model.AlignBox(astronaut, new[] { 150f, 60f, 350f, 330f }, big, 1);
            Check(Slice(big, 1, bytes).SequenceEqual(boxed.Pixels), "AlignBox into a byte[] == AlignBox");
            var output = new byte[bytes];
            model.Frontalize(crop, output, 0, 7);
            Check(output.SequenceEqual(model.Frontalize(crop, 7).Pixels), "Frontalize into a byte[] == Frontalize");
            model.Rotate(crop, 37.5f, big, 11, 7);
            Check(Slice(big, 11, bytes).SequenceEqual(model.Rotate(crop, 37.5f, 7).Pixels), "Rotate into a byte[] == Rotate");
            ImageView synth = model.Synthesize(a.Feature, -45f, output, 0, 3);
            Check(output.SequenceEqual(model.Synthesize(a.Feature, -45f, 3).Pixels) && synth.Width == info.InputSize,
                  "Synthesize into a byte[] == Synthesize");

            // Argument errors: the library's own status for too little room.
            ExpectStatus("Embed into a buffer one float short", Status.BufferTooSmall,
                () => model.Embed(crop, new float[dim + 2], 3));
            ExpectStatus("Embed into an empty buffer", Status.BufferTooSmall, () => model.Embed(crop, new float[0], 0));
            ExpectStatus("Align into a buffer one byte short", Status.BufferTooSmall,
                () => model.Align(astronaut, AstronautPoints, new byte[bytes], 1));
            ExpectStatus("Frontalize at the end of the buffer", Status.BufferTooSmall,
                () => model.Frontalize(crop, output, bytes));
            ExpectStatus("Rotate out of range into a buffer", Status.OutOfRange,
                () => model.Rotate(crop, 120f, output, 0));
            ExpectStatus("Align with 8 numbers into a buffer", Status.InvalidArgument,
                () => model.Align(astronaut, AstronautPoints.Take(8).ToArray(), output, 0));
            Expect<ArgumentOutOfRangeException>("offset past the end", () => model.Embed(crop, features, features.Length + 1));
            Expect<ArgumentOutOfRangeException>("negative offset", () => model.Align(astronaut, AstronautPoints, output, -1));
            Expect<ArgumentNullException>("null feature buffer", () => model.Embed(crop, null, 0));
            Expect<ArgumentNullException>("null output buffer", () => model.Rotate(crop, 0f, null, 0));
            Expect<ArgumentNullException>("null landmarks", () => model.Align(astronaut, null, output, 0));
            using (Image gone = Image.Load(Path.Combine(data, "astronaut.png")))
            {
                ImageView goneView = gone.View;
                gone.Dispose();
                Expect<ObjectDisposedException>("a disposed Image's view into a buffer",
                    () => model.Align(goneView, AstronautPoints, output, 0));
            }

            // Gallery search into a GalleryMatch[].
            people.Enrol("alice", a.Feature);
            people.Enrol("bob", b.Feature);
            people.Enrol("zoë-顔-😀", b.Feature.Select((x, i) => i % 2 == 0 ? x : -x).ToArray());
            var matches = new GalleryMatch[2];
            int found = people.Search(features, 3, matches);
            GalleryMatch[] expected = people.Search(a.Feature, 2);
            Check(found == 2 && matches[0].Id == "alice" && matches[0].Similarity == expected[0].Similarity &&
                  matches[1].Id == expected[1].Id && matches[1].Similarity == expected[1].Similarity,
                  "Search into a GalleryMatch[] == Search: " + string.Join(", ", matches.Select(m => m.ToString())));
            GalleryMatch first = matches[0], second = matches[1];
            string firstId = first.Id, secondId = second.Id;
            Check(people.Search(a.Feature, 0, matches) == 2 && ReferenceEquals(matches[0], first) &&
                  ReferenceEquals(matches[0].Id, firstId) && ReferenceEquals(matches[1].Id, secondId),
                  "a second search reuses the objects and their id strings");
            people.Search(b.Feature, 0, matches);
            Check(matches[0].Id == "bob" && people.Search(b.Feature, 2)[1].Id == matches[1].Id,
                  "a search with another order: " + string.Join(", ", matches.Select(m => m.ToString())));
            float[] zoe = b.Feature.Select((x, i) => i % 2 == 0 ? x : -x).ToArray();
            var three = new GalleryMatch[3];
            Check(people.Search(zoe, 0, three) == 3 && three[0].Id == "zoë-顔-😀",
                  "a non-BMP id comes back whole: " + string.Join(", ", three.Select(m => m.ToString())));
            var keep = three.ToArray();
            people.Search(b.Feature, 0, three);
            Check(three.All(m => keep.Any(k => ReferenceEquals(k, m) && ReferenceEquals(k.Id, m.Id))),
                  "reordered results reuse the same objects and strings (non-ASCII included)");
            var one = new GalleryMatch[] { null, new GalleryMatch("untouched", 0.5f) };
            float ab = Library.Similarity(a, b);
            Check(people.Search(a.Feature, 0, one, (1f + ab) / 2f) == 1 && one[0].Id == "alice" &&
                  one[1].Id == "untouched", "a minimum: count 1, the rest left as it was");
            ExpectStatus("Search into an empty array (k 0)", Status.InvalidArgument,
                () => people.Search(a.Feature, 0, new GalleryMatch[0]));
            ExpectStatus("Search with half a feature left", Status.InvalidArgument,
                () => people.Search(features, 3 + dim / 2 + 5, matches));
            Expect<ArgumentNullException>("Search into null", () => people.Search(a.Feature, 0, (GalleryMatch[])null));
            Expect<ArgumentOutOfRangeException>("Search at a negative offset", () => people.Search(a.Feature, -1, matches));

#if DRGAN_SPAN
            Spans(model, people, astronaut, crop, a);
#else
            Console.WriteLine("Span overloads not compiled (no DRGAN_SPAN)");
#endif

            // No garbage per frame: warm up (JIT, the per-thread search scratch, the id
            // strings), then 1,000 iterations allocating nothing.
            var cropBuffer = new byte[bytes];
            var frontBuffer = new byte[bytes];
            var feature = new float[dim];
            var results = new GalleryMatch[2];
            Action frame = () =>
            {
                ImageView c = model.Align(astronaut, AstronautPoints, cropBuffer, 0);
                model.Embed(c, feature, 0);
                people.Search(feature, 0, results);
                model.Frontalize(c, frontBuffer, 0, 1);
                model.Rotate(c, 30f, frontBuffer, 0, 1);
            };
            Action allocating = () =>
            {
                RgbImage c = model.Align(astronaut, AstronautPoints);
                people.Search(model.Embed(c).Feature, 2);
                model.Frontalize(c, 1);
                model.Rotate(c, 30f, 1);
            };
            long garbage = Allocated(100, allocating);
            Console.WriteLine("allocating calls: 100 iterations allocated " + garbage + " bytes");
            Check(garbage > 100 * bytes, "the counter sees the allocating calls' garbage");
            long none = Allocated(1000, frame);
            Console.WriteLine("buffer overloads: 1000 embed+search iterations allocated " + none + " bytes");
            Check(none == 0, "1000 align+embed+search+frontalize+rotate iterations into buffers allocate nothing");
            Check(results[0].Id == "alice" && feature.SequenceEqual(a.Feature), "and give the right answer");
        }
    }

    private static long Allocated(int iterations, Action body)
    {
        for (int i = 0; i < 10; i++)
        {
            body();
        }
        int collections = GC.CollectionCount(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++)
        {
            body();
        }
        long after = GC.GetAllocatedBytesForCurrentThread();
        Console.WriteLine("  (gen-0 collections during the loop: " + (GC.CollectionCount(0) - collections) + ")");
        return after - before;
    }

#if DRGAN_SPAN
    private static void Spans(Model model, Gallery people, Image astronaut, RgbImage crop, Embedding a)
    {
        int bytes = model.Info.ImageBytes, dim = model.Info.FeatureDim;
        var big = new byte[bytes + 8];
        model.Align(astronaut, new ReadOnlySpan<float>(AstronautPoints), new Span<byte>(big, 4, bytes));
        Check(Slice(big, 4, bytes).SequenceEqual(crop.Pixels), "Align into a Span<byte> == Align");
        model.AlignBox(astronaut, new[] { 150f, 60f, 350f, 330f }, big.AsSpan(2));
        Check(Slice(big, 2, bytes).SequenceEqual(model.AlignBox(astronaut, new[] { 150f, 60f, 350f, 330f }).Pixels),
              "AlignBox into a Span<byte>");
        var features = new float[dim * 2];
        float confidence = model.Embed(crop, features.AsSpan(dim));
        Check(features.Skip(dim).SequenceEqual(a.Feature) && confidence == a.Confidence && features[0] == 0f,
              "Embed into a Span<float> == Embed");
        model.Frontalize(crop, big.AsSpan(1, bytes), 7);
        Check(Slice(big, 1, bytes).SequenceEqual(model.Frontalize(crop, 7).Pixels), "Frontalize into a Span<byte>");
        model.Rotate(crop, -20f, big.AsSpan(), 7);
        Check(Slice(big, 0, bytes).SequenceEqual(model.Rotate(crop, -20f, 7).Pixels), "Rotate into a Span<byte>");
        model.Synthesize(new ReadOnlySpan<float>(a.Feature), 10f, big.AsSpan(3), 2);
        Check(Slice(big, 3, bytes).SequenceEqual(model.Synthesize(a.Feature, 10f, 2).Pixels), "Synthesize into a Span<byte>");
        ExpectStatus("Embed into a short Span", Status.BufferTooSmall, () => model.Embed(crop, features.AsSpan(dim + 1)));
        ExpectStatus("Frontalize into an empty Span", Status.BufferTooSmall, () => model.Frontalize(crop, Span<byte>.Empty));
        ExpectStatus("Embed into default(Span)", Status.BufferTooSmall, () => model.Embed(crop, default(Span<float>)));

        var matches = new GalleryMatch[3];
        int found = people.Search(features.AsSpan(dim, dim), matches.AsSpan(1, 2));
        Check(found == 2 && matches[0] == null && matches[1].Id == "alice", "Search into a Span<GalleryMatch>");
        GalleryMatch kept = matches[1];
        people.Search(new ReadOnlySpan<float>(a.Feature), matches.AsSpan(1));
        Check(ReferenceEquals(matches[1], kept) && matches[0] == null, "a span search reuses the objects");
        ExpectStatus("Search with a Span of half a feature", Status.InvalidArgument,
            () => people.Search(features.AsSpan(0, dim / 2), matches.AsSpan()));

        var cropBuffer = new byte[bytes];
        var feature = new float[dim];
        var results = new GalleryMatch[2];
        long none = Allocated(1000, () =>
        {
            model.Align(astronaut, AstronautPoints, cropBuffer.AsSpan());
            var c = new ImageView(cropBuffer, model.Info.InputSize, model.Info.InputSize, PixelFormat.Rgb8);
            model.Embed(c, feature.AsSpan());
            people.Search(feature, results.AsSpan());
            model.Frontalize(c, big.AsSpan(), 1);
        });
        Console.WriteLine("span overloads: 1000 embed+search iterations allocated " + none + " bytes");
        Check(none == 0, "1000 iterations of the Span overloads allocate nothing");
    }
#endif
}
