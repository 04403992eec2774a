// Tests of the C# binding against the real native library, compiled with mcs and run with
// mono by tests/bindings_csharp.rs: every call, the error paths (status and native
// message), UTF-8 paths, Options.Threads (the same bits at every count), disposal (no
// double free, finalizers, use after Dispose), and RSS measured around 10,000 image
// decode/dispose cycles and (by default 300; opening a model costs 60-150 ms) model
// open/close cycles.
//
// usage: mono DrganTests.exe BUNDLE_DIR OTHER_BUNDLE_DIR DATA_DIR SCRATCH_DIR
//                            [MODEL_CYCLES (300)] [IMAGE_CYCLES (10000)]
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Drgan;

internal static class DrganTests
{
    private static int checks;
    private static int failures;

    private static void Check(bool ok, string what)
    {
        Interlocked.Increment(ref checks);
        if (ok)
        {
            Console.WriteLine("ok   " + what);
        }
        else
        {
            Interlocked.Increment(ref failures);
            Console.WriteLine("FAIL " + what + "\n" + new StackTrace(1, true));
        }
    }

    private static void ExpectStatus(string what, Status want, Action body)
    {
        Interlocked.Increment(ref checks);
        try
        {
            body();
            Interlocked.Increment(ref failures);
            Console.WriteLine("FAIL " + what + ": no exception, want " + want);
        }
        catch (DrganException e)
        {
            string name = Library.StatusName(want);
            if (e.Status != want)
            {
                Interlocked.Increment(ref failures);
                Console.WriteLine("FAIL " + what + ": got " + e.Status + " (" + e.Message + "), want " + want);
            }
            else if (string.IsNullOrEmpty(e.NativeMessage) || !e.Message.StartsWith(name + ": ") ||
                     !e.Message.EndsWith(e.NativeMessage))
            {
                Interlocked.Increment(ref failures);
                Console.WriteLine("FAIL " + what + ": message \"" + e.Message + "\" / \"" + e.NativeMessage + "\"");
            }
            else
            {
                Console.WriteLine("ok   " + what + " -> " + e.Message);
            }
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref failures);
            Console.WriteLine("FAIL " + what + ": wrong exception " + e);
        }
    }

    private static void Expect<T>(string what, Action body) where T : Exception
    {
        Interlocked.Increment(ref checks);
        try
        {
            body();
            Interlocked.Increment(ref failures);
            Console.WriteLine("FAIL " + what + ": no exception, want " + typeof(T).Name);
        }
        catch (T e)
        {
            Console.WriteLine("ok   " + what + " -> " + typeof(T).Name + ": " + e.Message);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref failures);
            Console.WriteLine("FAIL " + what + ": want " + typeof(T).Name + ", got " + e);
        }
    }

    // examples/data/landmarks.json
    private static readonly float[] AstronautPoints =
        { 205.1f, 100.5f, 245.5f, 102.5f, 224.7f, 127.4f, 205.6f, 140.9f, 243.3f, 142.6f };
    private static readonly float[] ObamaPoints =
        { 443.0f, 211.8f, 544.7f, 209.3f, 497.7f, 277.8f, 443.6f, 323.1f, 548.9f, 317.9f };

    private static Options Cpu()
    {
        Options o = Options.Default();
        o.Backend = Backend.Cpu;
        return o;
    }

    private static long RssKiB()
    {
        foreach (string line in File.ReadAllLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:"))
            {
                return long.Parse(line.Substring(6).Trim().Split(' ')[0]);
            }
        }
        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    private static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    // The same floats, bit for bit (== would let -0.0 equal 0.0).
    private static bool SameBits(float[] x, float[] y)
    {
        var bx = new byte[x.Length * 4];
        var by = new byte[y.Length * 4];
        Buffer.BlockCopy(x, 0, bx, 0, bx.Length);
        Buffer.BlockCopy(y, 0, by, 0, by.Length);
        return bx.SequenceEqual(by);
    }

    // Options.Threads: Info.Threads reports the count (0 resolved to the cores), every
    // count gives the results of one thread bit for bit, and an absurd count is refused.
    private static void Threads(Model one, string bundle, RgbImage crop, RgbImage crop2)
    {
        Check(one.Info.Threads == 1, "Info.Threads at the default");
        Embedding[] want = one.EmbedBatch(crop, crop2);
        Embedding wantFused = one.EmbedFused(crop, crop2);
        byte[] wantTurned = one.Rotate(crop, 37.5f, 3).Pixels;
        Options two = Cpu();
        two.Threads = 2;
        Options perCore = Cpu();
        perCore.Threads = 0;
        using (Model pooled = Model.Open(bundle, two))
        using (Model all = Model.Open(bundle, perCore))
        {
            Check(pooled.Info.Threads == 2, "Info.Threads with Threads = 2");
            Check(all.Info.Threads >= 1 && all.Info.Threads <= Environment.ProcessorCount,
                  "Info.Threads with Threads = 0: one per core (" + all.Info.Threads + ")");
            foreach (Model m in new[] { pooled, all })
            {
                int n = m.Info.Threads;
                Embedding e = m.Embed(crop);
                Check(SameBits(e.Feature, want[0].Feature) && e.Confidence == want[0].Confidence,
                      "Embed on " + n + " threads == on 1, bit for bit");
                Embedding[] batch = m.EmbedBatch(crop, crop2);
                Check(batch.Length == 2 && SameBits(batch[0].Feature, want[0].Feature) &&
                      SameBits(batch[1].Feature, want[1].Feature), "EmbedBatch on " + n + " threads == on 1");
                Check(SameBits(m.EmbedFused(crop, crop2).Feature, wantFused.Feature),
                      "EmbedFused on " + n + " threads == on 1");
                Check(m.Rotate(crop, 37.5f, 3).Pixels.SequenceEqual(wantTurned), "Rotate on " + n + " threads == on 1");
            }
        }
        Options absurd = Cpu();
        absurd.Threads = 100000;
        ExpectStatus("Threads over 256", Status.InvalidArgument, () => Model.Open(bundle, absurd));
        try
        {
            Model.Open(bundle, absurd).Dispose();
        }
        catch (DrganException e)
        {
            Check(e.NativeMessage.Contains("threads"), "the message names threads: " + e.NativeMessage);
        }
    }

    private static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)), true);
        }
    }

    private static int Main(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: DrganTests.exe BUNDLE OTHER DATA SCRATCH [MODEL_CYCLES] [IMAGE_CYCLES]");
            return 2;
        }
        int modelCycles = args.Length > 4 ? int.Parse(args[4]) : 300;
        int imageCycles = args.Length > 5 ? int.Parse(args[5]) : 10000;
        try
        {
            Run(args[0], args[1], args[2], args[3], modelCycles, imageCycles);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref failures);
            Console.WriteLine("FAIL uncaught " + e);
        }
        Console.WriteLine(checks + " checks, " + failures + " failures");
        return failures == 0 ? 0 : 1;
    }

    private static void Run(string bundle, string other, string data, string scratch,
                            int modelCycles, int imageCycles)
    {
        // Library.
        Check(Library.Version == Library.BindingVersion, "Version " + Library.Version);
        Check(Library.AbiVersion == Library.BindingAbiVersion, "AbiVersion");
        Check(Library.BindingAbiVersion == 2 && Library.AbiVersion == 2, "ABI version 2");
        Check(Library.IsAbiCompatible, "IsAbiCompatible");
        Check(Library.StatusName(Status.Ok) == "DRGAN_STATUS_OK", "StatusName(Ok)");
        foreach (Status s in Enum.GetValues(typeof(Status)))
        {
            string expected = "DRGAN_STATUS_" + string.Concat(s.ToString().Select(
                (c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();
            Check(Library.StatusName(s) == expected, "StatusName(" + s + ") == " + expected);
        }
        Check(Library.StatusName((Status)999) == "DRGAN_STATUS_UNKNOWN", "StatusName(999)");

        // Options.
        Options defaults = Options.Default();
        Check(defaults.Backend == Backend.Auto, "default backend Auto");
        Check(defaults.MaxImagePixels == 1UL << 28, "default MaxImagePixels");
        Check(defaults.MaxModelBytes == 1UL << 30, "default MaxModelBytes");
        Check(defaults.Threads == 1, "default Threads");
        // A new Options holds the same defaults, so setting one property is enough.
        var fresh = new Options();
        Check(fresh.Backend == defaults.Backend && fresh.MaxImagePixels == defaults.MaxImagePixels &&
              fresh.MaxModelBytes == defaults.MaxModelBytes && fresh.Threads == defaults.Threads,
              "new Options() == drgan_options_default");
        using (Model cpu = Model.Open(bundle, new Options { Backend = Backend.Cpu }))
        {
            Check(cpu.Info.EncoderBackend == Backend.Cpu, "Open(dir, new Options { Backend = Backend.Cpu })");
        }

        // Opening and its errors.
        Model model = Model.Open(bundle, Cpu());
        using (Model plain = Model.Open(bundle))
        {
            Check(plain.Info.FeatureDim == 16, "Open with default options");
        }
        ExpectStatus("Open a missing directory", Status.Io, () => Model.Open(Path.Combine(scratch, "nope")));
        ExpectStatus("Open a file", Status.Io, () => Model.Open(Path.Combine(data, "astronaut.png"), Cpu()));
        {
            Options bad = Cpu();
            bad.Backend = (Backend)7;
            ExpectStatus("unknown backend", Status.InvalidArgument, () => Model.Open(bundle, bad));
            Options small = Cpu();
            small.MaxModelBytes = 16;
            ExpectStatus("model over MaxModelBytes", Status.LimitExceeded, () => Model.Open(bundle, small));
            Options zero = Cpu();
            zero.MaxImagePixels = 0;
            ExpectStatus("MaxImagePixels 0", Status.InvalidArgument, () => Model.Open(bundle, zero));
        }
        Expect<ArgumentNullException>("Open(null)", () => Model.Open(null));
        string unicode = Path.Combine(scratch, "bündle-顔");
        CopyDir(bundle, unicode);
        using (Model m = Model.Open(unicode, Cpu()))
        {
            Check(m.Info.Config == "tiny", "Open a non-ASCII (UTF-8) path");
        }
        ExpectStatus("Open a missing non-ASCII path", Status.Io, () => Model.Open(unicode + "-ø"));

        byte[] encoder = File.ReadAllBytes(Path.Combine(bundle, "encoder.onnx"));
        byte[] decoder = File.ReadAllBytes(Path.Combine(bundle, "decoder.onnx"));
        byte[] pose = File.ReadAllBytes(Path.Combine(bundle, "pose.onnx"));
        byte[] otherDecoder = File.ReadAllBytes(Path.Combine(other, "decoder.onnx"));
        Model noPose;
        using (Model memory = Model.OpenMemory(encoder, decoder, pose, Cpu()))
        {
            Check(memory.Info.HasPoseHead, "OpenMemory with a pose head");
        }
        noPose = Model.OpenMemory(encoder, decoder);
        Check(!noPose.Info.HasPoseHead, "OpenMemory without a pose head");
        ExpectStatus("OpenMemory on junk", Status.InvalidModel,
            () => Model.OpenMemory(new byte[] { 1, 2, 3, 4 }, decoder));
        ExpectStatus("OpenMemory on an empty encoder", Status.InvalidModel,
            () => Model.OpenMemory(new byte[0], decoder));
        ExpectStatus("OpenMemory with mismatched parts", Status.ModelMismatch,
            () => Model.OpenMemory(encoder, otherDecoder, null, Cpu()));
        Expect<ArgumentNullException>("OpenMemory(null, ...)", () => Model.OpenMemory(null, decoder));

        DefaultModel(data);

        // Info and pose bins.
        ModelInfo info = model.Info;
        Check(info.FormatVersion == 1, "FormatVersion");
        Check(info.InputSize == 32, "InputSize");
        Check(info.FeatureDim == 16, "FeatureDim");
        Check(info.NoiseDim == 8, "NoiseDim");
        Check(info.PoseCount == 13, "PoseCount");
        Check(info.ImageBytes == 32 * 32 * 3, "ImageBytes");
        Check(info.MinYaw == -90f && info.MaxYaw == 90f, "yaw range");
        Check(info.Landmarks.Length == 10 && info.Landmarks[0] > 0 && info.Landmarks[0] < 32, "Landmarks");
        Check(info.HasPoseHead, "HasPoseHead");
        Check(info.EncoderBackend == Backend.Cpu && info.DecoderBackend == Backend.Cpu, "backends");
        Check(info.Config == "tiny", "Config " + info.Config);
        Check(info.TrainedOn.Contains("random"), "TrainedOn " + info.TrainedOn);
        Check(info.Threads == 1, "Threads " + info.Threads);
        float[] yaws = model.PoseYaws();
        Check(yaws.Length == 13 && yaws[0] == -90f && yaws[12] == 90f, "PoseYaws");

        // Images.
        Image astronaut = Image.Load(Path.Combine(data, "astronaut.png"));
        Check(astronaut.Width == 512 && astronaut.Height == 512, "Load size");
        Check(astronaut.Format == PixelFormat.Rgb8 && astronaut.StrideBytes == 512 * 3, "Load format");
        byte[] astronautPixels = astronaut.ToArray();
        Check(astronautPixels.Length == 512 * 512 * 3, "ToArray length");
        Image obama = Image.Decode(File.ReadAllBytes(Path.Combine(data, "obama.jpg")));
        Check(obama.Width == 910 && obama.Height == 1137, "Decode size");
        ExpectStatus("Load a missing file", Status.Io, () => Image.Load(Path.Combine(scratch, "missing.png")));
        ExpectStatus("Decode junk", Status.ImageDecode, () => Image.Decode(new byte[] { 0x89, 0x50, 0x4e, 0x47 }));
        ExpectStatus("Decode nothing", Status.ImageDecode, () => Image.Decode(new byte[0]));
        Expect<ArgumentNullException>("Decode(null)", () => Image.Decode(null));
        Expect<ArgumentNullException>("Decode(null, options)", () => Image.Decode(null, new Options()));
        // Options bound the decoded image (MaxImagePixels, checked from the header): one
        // pixel over is Status.LimitExceeded; as many as it allows pass; null is the defaults.
        string astronautPath = Path.Combine(data, "astronaut.png");
        byte[] obamaJpeg = File.ReadAllBytes(Path.Combine(data, "obama.jpg"));
        var few = new Options { MaxImagePixels = 100 * 100 };
        ExpectStatus("Load over MaxImagePixels", Status.LimitExceeded, () => Image.Load(astronautPath, few));
        ExpectStatus("Decode over MaxImagePixels", Status.LimitExceeded, () => Image.Decode(obamaJpeg, few));
        ExpectStatus("Load one pixel over MaxImagePixels", Status.LimitExceeded,
            () => Image.Load(astronautPath, new Options { MaxImagePixels = 512 * 512 - 1 }));
        ExpectStatus("Load with MaxImagePixels 0", Status.InvalidArgument,
            () => Image.Load(astronautPath, new Options { MaxImagePixels = 0 }));
        using (Image exact = Image.Load(astronautPath, new Options { MaxImagePixels = 512 * 512 }))
        {
            Check(exact.Width == 512 && exact.ToArray().SequenceEqual(astronautPixels), "Load at MaxImagePixels");
        }
        using (Image exact = Image.Decode(obamaJpeg, new Options { MaxImagePixels = 910 * 1137 }))
        {
            Check(exact.Width == 910 && exact.Height == 1137, "Decode at MaxImagePixels");
        }
        using (Image plain = Image.Load(astronautPath, null))
        {
            Check(plain.Width == 512 && plain.StrideBytes == 512 * 3, "Load with null options");
        }
        string copy = Path.Combine(scratch, "копия.png");
        astronaut.SavePng(copy);
        using (Image back = Image.Load(copy))
        {
            Check(back.Width == 512 && back.ToArray().SequenceEqual(astronautPixels), "SavePng round trip, UTF-8 name");
        }
        ExpectStatus("SavePng into a missing directory", Status.Io,
            () => astronaut.SavePng(Path.Combine(scratch, "no/such/dir.png")));

        // Alignment.
        RgbImage crop = model.Align(astronaut, AstronautPoints);
        Check(crop.Width == 32 && crop.Height == 32 && crop.Pixels.Length == info.ImageBytes, "Align");
        RgbImage crop2 = model.Align(obama, ObamaPoints);
        Check(model.Align(new ImageView(astronautPixels, 512, 512, PixelFormat.Rgb8), AstronautPoints)
            .Pixels.SequenceEqual(crop.Pixels), "Align from a managed array == from an Image");
        ExpectStatus("Align with 8 numbers", Status.InvalidArgument,
            () => model.Align(astronaut, AstronautPoints.Take(8).ToArray()));
        ExpectStatus("Align with no numbers", Status.InvalidArgument, () => model.Align(astronaut, new float[0]));
        ExpectStatus("Align with NaN", Status.InvalidArgument,
            () => model.Align(astronaut, new[] { float.NaN, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f }));
        RgbImage boxed = model.AlignBox(astronaut, new[] { 150f, 60f, 350f, 330f });
        Check(boxed.Pixels.Length == info.ImageBytes && !boxed.Pixels.SequenceEqual(crop.Pixels), "AlignBox");
        ExpectStatus("AlignBox with 3 numbers", Status.InvalidArgument,
            () => model.AlignBox(astronaut, new[] { 1f, 2f, 3f }));
        ExpectStatus("AlignBox with an empty box", Status.InvalidArgument,
            () => model.AlignBox(astronaut, new[] { 50f, 50f, 10f, 90f }));
        Check(Math.Abs(Library.LandmarkYaw(AstronautPoints)) < 45f, "LandmarkYaw of a near-frontal face");
        ExpectStatus("LandmarkYaw with 8 numbers", Status.InvalidArgument,
            () => Library.LandmarkYaw(AstronautPoints.Take(8).ToArray()));
        crop.SavePng(Path.Combine(scratch, "crop.png"));
        {
            var dlib = new float[136];
            for (int i = 0; i < 136; i++) dlib[i] = (i * 53) % 97;
            float[] five = Library.LandmarksConvert(LandmarkScheme.Dlib68, dlib);
            Check(five.Length == 10 && five[4] == dlib[60] && five[5] == dlib[61], "LandmarksConvert dlib: nose tip 30");
            Check(five[0] <= five[2] && five[6] <= five[8], "LandmarksConvert: image order");
            ExpectStatus("LandmarksConvert with 67 points", Status.InvalidArgument,
                () => Library.LandmarksConvert(LandmarkScheme.Dlib68, dlib.Take(134).ToArray()));
            ExpectStatus("LandmarksConvert with an unknown scheme", Status.InvalidArgument,
                () => Library.LandmarksConvert((LandmarkScheme)9, dlib));
        }

        // Camera layouts: NV21 and I420 of one grey level embed as that grey; bottom-up
        // rows read as the same picture flipped.
        {
            int w = 33, h = 31, stride = 36;
            var gray = Enumerable.Repeat((byte)120, w * h).ToArray();
            Embedding want = model.Embed(new ImageView(gray, w, h, PixelFormat.Gray8));
            var nv21 = new byte[stride * h + stride * 16];
            for (int i = 0; i < nv21.Length; i++) nv21[i] = i < stride * h ? (byte)120 : (byte)128;
            Check(model.Embed(new ImageView(nv21, 0, w, h, stride, PixelFormat.Nv21)).Feature
                .SequenceEqual(want.Feature), "NV21 of a grey level == GRAY8");
            var i420 = new byte[stride * h + 18 * 16 * 2];
            for (int i = 0; i < i420.Length; i++) i420[i] = i < stride * h ? (byte)120 : (byte)128;
            Check(model.Embed(new ImageView(i420, 0, w, h, stride, PixelFormat.I420)).Feature
                .SequenceEqual(want.Feature), "I420 of a grey level == GRAY8");
            bool refused = false;
            try { new ImageView(new byte[stride * h], 0, w, h, stride, PixelFormat.Nv12); }
            catch (ArgumentException) { refused = true; }
            Check(refused, "NV12 without its chroma planes is refused before any native call");
            var top = new byte[w * h * 3];
            for (int i = 0; i < top.Length; i++) top[i] = (byte)((i / (w * 3)) * 7 + i % 5);
            var flipped = new byte[top.Length];
            for (int y = 0; y < h; y++) Array.Copy(top, y * w * 3, flipped, (h - 1 - y) * w * 3, w * 3);
            Check(model.Embed(new ImageView(flipped, w, h, PixelFormat.Rgb8).AsBottomUp()).Feature
                .SequenceEqual(model.Embed(new ImageView(top, w, h, PixelFormat.Rgb8)).Feature),
                "bottom-up rows read as the picture they show");
        }

        // Views: formats, strides, padding, offsets; managed and native checks.
        {
            int w = 40, h = 30, stride = w * 4 + 12;
            var bgra = Enumerable.Repeat((byte)90, h * stride + 5).ToArray();
            Check(model.Embed(new ImageView(bgra, 5, w, h, stride, PixelFormat.Bgra8)).Feature.Length == 16, "BGRA8, padded rows, offset");
            Check(model.Embed(new ImageView(new byte[w * h], w, h, PixelFormat.Gray8)).Feature.Length == 16, "GRAY8");
            Check(model.Embed(new ImageView(new byte[w * h * 4], w, h, PixelFormat.Rgba8)).Feature.Length == 16, "RGBA8");
            Check(model.Frontalize(new ImageView(new byte[w * h * 3], w, h, PixelFormat.Bgr8)).Pixels.Length == info.ImageBytes, "BGR8");
            Expect<ArgumentException>("array too short for the view", () => new ImageView(new byte[10], w, h, PixelFormat.Rgb8));
            Expect<ArgumentException>("offset past the rows", () => new ImageView(bgra, 20, w, h, stride, PixelFormat.Bgra8));
            Expect<ArgumentOutOfRangeException>("negative width", () => new ImageView(bgra, -1, h, PixelFormat.Rgb8));
            Expect<ArgumentNullException>("null array", () => new ImageView(null, w, h, PixelFormat.Rgb8));
            ExpectStatus("stride shorter than a row", Status.InvalidArgument,
                () => model.Embed(new ImageView(bgra, 0, w, h, w, PixelFormat.Bgra8)));
            ExpectStatus("unknown pixel format", Status.InvalidArgument,
                () => model.Embed(new ImageView(bgra, 0, w, h, w, (PixelFormat)42)));
            ExpectStatus("zero width", Status.InvalidArgument,
                () => model.Embed(new ImageView(bgra, 0, h, PixelFormat.Gray8)));
            ExpectStatus("default(ImageView) has no pixels", Status.NullArgument,
                () => model.Embed(default(ImageView)));
            Library.SavePng(Path.Combine(scratch, "rgba.png"), new ImageView(new byte[w * h * 4], w, h, PixelFormat.Rgba8));
            Check(File.Exists(Path.Combine(scratch, "rgba.png")), "Library.SavePng of a view");
            Options tight = Cpu();
            tight.MaxImagePixels = 100;
            using (Model limited = Model.Open(bundle, tight))
            {
                ExpectStatus("image over MaxImagePixels", Status.LimitExceeded, () => limited.Embed(crop));
            }
        }

        // Embedding, batch, fusion, similarity.
        Embedding a = model.Embed(crop);
        Embedding b = model.Embed(crop2);
        Check(a.Feature.Length == 16 && a.Feature.All(x => !float.IsNaN(x) && !float.IsInfinity(x)), "Embed feature");
        Check(a.Confidence > 0f && a.Confidence < 1f, "Embed confidence " + a.Confidence);
        Check(model.Embed(crop).Feature.SequenceEqual(a.Feature), "Embed is deterministic");
        Check(Math.Abs(Library.Similarity(a, a) - 1f) < 1e-4f, "Similarity(a, a) == 1");
        float ab = Library.Similarity(a.Feature, b.Feature);
        Check(ab >= -1f && ab <= 1f, "Similarity(a, b) = " + ab);
        ExpectStatus("Similarity of different lengths", Status.InvalidArgument,
            () => Library.Similarity(a.Feature, b.Feature.Take(3).ToArray()));
        ExpectStatus("Similarity of empty features", Status.InvalidArgument,
            () => Library.Similarity(new float[0], new float[0]));
        ExpectStatus("Similarity with infinity", Status.InvalidArgument,
            () => Library.Similarity(new[] { float.PositiveInfinity, 1f }, new[] { 1f, 1f }));
        Expect<ArgumentNullException>("Similarity(null, ...)", () => Library.Similarity((float[])null, a.Feature));

        Embedding[] batch = model.EmbedBatch(crop, crop2);
        Check(batch.Length == 2 && Math.Abs(Library.Similarity(batch[0], a) - 1f) < 1e-4f, "EmbedBatch[0] == Embed");
        Check(Math.Abs(batch[1].Confidence - b.Confidence) < 1e-4f, "EmbedBatch[1] confidence");
        Embedding fused = model.EmbedFused(crop, crop2);
        Check(Math.Abs(fused.Confidence - (a.Confidence + b.Confidence) / 2f) < 1e-4f, "EmbedFused confidence is the mean");
        var byHand = new float[16];
        for (int i = 0; i < 16; i++)
        {
            byHand[i] = (a.Confidence * a.Feature[i] + b.Confidence * b.Feature[i]) / (a.Confidence + b.Confidence);
        }
        Check(Math.Abs(Library.Similarity(byHand, fused.Feature) - 1f) < 1e-4f, "EmbedFused == Σωf/Σω");
        ExpectStatus("EmbedBatch of no faces", Status.InvalidArgument, () => model.EmbedBatch());
        ExpectStatus("EmbedFused of no faces", Status.InvalidArgument, () => model.EmbedFused(new ImageView[0]));
        ExpectStatus("EmbedBatch with a bad face", Status.InvalidArgument,
            () => model.EmbedBatch(crop, new ImageView(crop.Pixels, 0, 32, 32, 2, PixelFormat.Rgb8)));

        Threads(model, bundle, crop, crop2);

        // Synthesis.
        RgbImage front = model.Frontalize(crop, 7);
        Check(front.Width == 32 && front.Pixels.Length == info.ImageBytes, "Frontalize");
        Check(model.Frontalize(crop, 7).Pixels.SequenceEqual(front.Pixels), "Frontalize: same seed, same pixels");
        Check(model.Rotate(crop, 0f, 7).Pixels.SequenceEqual(front.Pixels), "Rotate(0) == Frontalize");
        Check(model.Rotate(crop, 37.5f, 7).Pixels.Length == info.ImageBytes, "Rotate between bins");
        front.SavePng(Path.Combine(scratch, "front.png"));
        using (Image back = Image.Load(Path.Combine(scratch, "front.png")))
        {
            Check(back.ToArray().SequenceEqual(front.Pixels), "Frontalize output round-trips through PNG");
        }
        ExpectStatus("Rotate beyond the range", Status.OutOfRange, () => model.Rotate(crop, 120f));
        ExpectStatus("Rotate to NaN", Status.OutOfRange, () => model.Rotate(crop, float.NaN));
        Check(model.Synthesize(fused.Feature, -45f, 1).Pixels.Length == info.ImageBytes, "Synthesize");
        Check(model.Synthesize(a.Feature, 0f, 9).Pixels.SequenceEqual(model.Synthesize(a.Feature, 0f, 9).Pixels), "Synthesize is reproducible");
        ExpectStatus("Synthesize from a short feature", Status.InvalidArgument, () => model.Synthesize(new float[4], 0f));
        ExpectStatus("Synthesize from no feature", Status.InvalidArgument, () => model.Synthesize(new float[0], 0f));
        ExpectStatus("Synthesize beyond the range", Status.OutOfRange, () => model.Synthesize(a.Feature, -91f));

        // Pose.
        float yaw = model.EstimateYaw(crop);
        Check(yaw >= -90f && yaw <= 90f, "EstimateYaw " + yaw);
        ExpectStatus("EstimateYaw without a pose head", Status.Unsupported, () => noPose.EstimateYaw(crop));

        GalleryTests(model, bundle, other, scratch, a, b);

        // Threads on one model.
        {
            int mismatches = 0;
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                for (int i = 0; i < 5; i++)
                {
                    if (!model.Embed(crop).Feature.SequenceEqual(a.Feature)) Interlocked.Increment(ref mismatches);
                    try
                    {
                        model.Rotate(crop, 500f);
                        Interlocked.Increment(ref mismatches);
                    }
                    catch (DrganException e)
                    {
                        // The message is this thread's, whatever the others are doing.
                        if (e.Status != Status.OutOfRange || !e.NativeMessage.Contains("500")) Interlocked.Increment(ref mismatches);
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Check(mismatches == 0, "4 threads on one model, per-thread error messages");
        }

        // Disposal.
        Image soon = Image.Load(Path.Combine(data, "astronaut.png"));
        ImageView soonView = soon.View;
        soon.Dispose();
        soon.Dispose();
        Check(soon.IsDisposed, "Image.Dispose twice");
        Expect<ObjectDisposedException>("a disposed Image's view", () => model.Embed(soonView));
        Expect<ObjectDisposedException>("Image.View after Dispose", () => { ImageView v = soon.View; });
        Expect<ObjectDisposedException>("Image.ToArray after Dispose", () => soon.ToArray());
        noPose.Dispose();
        noPose.Dispose();
        Check(noPose.IsDisposed, "Model.Dispose twice");
        Expect<ObjectDisposedException>("Embed after Dispose", () => noPose.Embed(crop));
        Expect<ObjectDisposedException>("PoseYaws after Dispose", () => noPose.PoseYaws());
        Check(noPose.Info.FeatureDim == 16, "Info stays readable after Dispose");
        astronaut.Dispose();
        obama.Dispose();
        // Finalizers free what is never disposed.
        for (int i = 0; i < 50; i++)
        {
            Model.OpenMemory(encoder, decoder, null, Cpu());
            Image.Load(Path.Combine(data, "astronaut.png"));
        }
        Collect();
        Check(true, "50 models and images left to the finalizers");

        // Open/close cycles: RSS must not grow with the number of cycles. A leaked tiny
        // model costs about 1.6 MiB and a leaked 128x128 image 48 KiB, so a leak of either
        // in every cycle would show as hundreds of MiB; allow allocator noise only.
        byte[] smallPng;
        {
            string png = Path.Combine(scratch, "small.png");
            var noise = new byte[128 * 128 * 3];
            new Random(1).NextBytes(noise);
            Library.SavePng(png, new ImageView(noise, 128, 128, PixelFormat.Rgb8));
            smallPng = File.ReadAllBytes(png);
        }
        Cycles("image decode/dispose", imageCycles, () =>
        {
            using (Image i = Image.Decode(smallPng))
            {
                if (i.Width != 128) throw new Exception("bad image");
            }
        });
        Cycles("model open/close", modelCycles, () =>
        {
            using (Model m = Model.Open(bundle, Cpu()))
            {
                if (m.Info.FeatureDim != 16) throw new Exception("bad model");
            }
        });

        model.Dispose();
    }

    // The gallery: enrolment (one, batch, replace, from embeddings), search and its batch,
    // remove, count, contains, a file that persists and is shared by two handles, threads,
    // disposal and the errors. `a` and `b` are the embeddings of two different faces.
    private static void GalleryTests(Model model, string bundle, string other, string scratch,
                                     Embedding a, Embedding b)
    {
        Check(Library.StatusName(Status.Gallery) == "DRGAN_STATUS_GALLERY" && (int)Status.Gallery == 14,
              "Status.Gallery");
        float ab = Library.Similarity(a, b);
        Check(ab < 0.999f, "the two faces differ: similarity " + ab);
        float[] both = a.Feature.Concat(b.Feature).ToArray();

        using (Gallery people = Gallery.OpenMemory(model))
        {
            Check(people.FeatureDim == 16 && people.Count == 0, "OpenMemory: empty");
            Check(people.Search(a.Feature, 3).Length == 0, "Search an empty gallery");
            people.Enrol("alice", a.Feature);
            people.Enrol("bob", b.Feature, new[] { b.Confidence });
            Check(people.Count == 2, "Count after two Enrols");
            Check(people.Contains("alice") && people.Contains("bob") && !people.Contains("carol"), "Contains");

            GalleryMatch[] found = people.Search(a.Feature, 2);
            Check(found.Length == 2 && found[0].Id == "alice" && Math.Abs(found[0].Similarity - 1f) < 1e-4f,
                  "Search finds alice first: " + string.Join(", ", found.Select(m => m.ToString())));
            Check(found.Length == 2 && found[1].Id == "bob" && Math.Abs(found[1].Similarity - ab) < 1e-4f,
                  "then bob, with the similarity of the two features");
            found = people.Search(b.Feature, 5);
            Check(found.Length == 2 && found[0].Id == "bob" && found[0].Similarity >= found[1].Similarity,
                  "Search finds bob first");
            Check(people.Search(b.Feature, 1).Select(m => m.Id).SequenceEqual(new[] { "bob" }), "Search k 1");
            found = people.Search(a.Feature, 2, (1f + ab) / 2f);
            Check(found.Length == 1 && found[0].Id == "alice", "Search with a minimum keeps only the best");

            GalleryMatch[][] batch = people.SearchBatch(both, 2);
            Check(batch.Length == 2 && batch[0][0].Id == "alice" && batch[1][0].Id == "bob", "SearchBatch");
            Check(batch[1].Length == 2 &&
                  Math.Abs(batch[1][1].Similarity - people.Search(b.Feature, 2)[1].Similarity) < 1e-6f,
                  "SearchBatch == Search");

            // More pictures: the template is Σωᵢfᵢ / Σωᵢ, found again by its own mean.
            people.Enrol("carol", both, new[] { a.Confidence, b.Confidence });
            var mean = new float[16];
            for (int i = 0; i < 16; i++)
            {
                mean[i] = (a.Confidence * a.Feature[i] + b.Confidence * b.Feature[i]) / (a.Confidence + b.Confidence);
            }
            found = people.Search(mean, 1);
            Check(found.Length == 1 && found[0].Id == "carol" && Math.Abs(found[0].Similarity - 1f) < 1e-4f,
                  "Enrol of two pictures: the weighted mean");
            // Enrolling adds to the template; Replace starts it again.
            people.Enrol("dave", a);
            people.Enrol("dave", b);
            Check(people.Count == 4, "Enrol adds to an existing person");
            people.Replace("dave", b.Feature);
            found = people.Search(b.Feature, 4);
            Check(found.Length == 4 && Math.Abs(found[1].Similarity - 1f) < 1e-4f, "Replace with one feature");
            people.Replace("dave", a, b);
            found = people.Search(mean, 2);
            Check(found.Length == 2 && Math.Abs(found[1].Similarity - 1f) < 1e-4f, "Replace with embeddings");

            people.EnrolBatch(new[] { "erin", "frank", "erin" }, both.Concat(b.Feature).ToArray());
            Check(people.Count == 6 && people.Contains("erin") && people.Contains("frank"), "EnrolBatch, an id repeated");
            people.EnrolBatch(new[] { "gina" }, a.Feature, new[] { 0.5f });
            Check(people.Contains("gina"), "EnrolBatch with confidences");
            people.Enrol("zoë-顔", a.Feature);
            Check(people.Search(a.Feature, 10).Any(m => m.Id == "zoë-顔"), "a non-ASCII id comes back whole");
            string longest = new string('x', 255);
            people.Enrol(longest, b.Feature);
            Check(people.Search(b.Feature, 10).Any(m => m.Id == longest), "a 255-byte id comes back whole");
            Check(people.Remove(longest), "Remove the longest id");

            Check(people.Remove("frank"), "Remove");
            Check(!people.Remove("frank"), "Remove again: false");
            Check(!people.Contains("frank") && people.Count == 7, "Count after Remove");
            Check(!people.Refresh(), "Refresh of a memory gallery: false");

            ExpectStatus("Search with a short feature", Status.InvalidArgument, () => people.Search(a.Feature.Take(4).ToArray(), 1));
            ExpectStatus("Search with k 0", Status.InvalidArgument, () => people.Search(a.Feature, 0));
            ExpectStatus("Search with minSimilarity 2", Status.InvalidArgument, () => people.Search(a.Feature, 1, 2f));
            ExpectStatus("Search a zero feature", Status.InvalidArgument, () => people.Search(new float[16], 1));
            ExpectStatus("SearchBatch of a feature and a half", Status.InvalidArgument,
                () => people.SearchBatch(both.Take(24).ToArray(), 1));
            ExpectStatus("Enrol a short feature", Status.InvalidArgument, () => people.Enrol("henry", a.Feature.Take(15).ToArray()));
            ExpectStatus("Enrol no feature", Status.InvalidArgument, () => people.Enrol("henry", new float[0]));
            ExpectStatus("Enrol no embeddings", Status.InvalidArgument, () => people.Enrol("henry"));
            ExpectStatus("Enrol two features with one confidence", Status.InvalidArgument,
                () => people.Enrol("henry", both, new[] { 0.5f }));
            ExpectStatus("Enrol a confidence of 0", Status.InvalidArgument, () => people.Enrol("henry", a.Feature, new[] { 0f }));
            ExpectStatus("Enrol NaN", Status.InvalidArgument,
                () => people.Enrol("henry", Enumerable.Repeat(float.NaN, 16).ToArray()));
            ExpectStatus("Enrol an empty id", Status.InvalidArgument, () => people.Enrol("", a.Feature));
            ExpectStatus("Enrol a 256-byte id", Status.InvalidArgument, () => people.Enrol(new string('x', 256), a.Feature));
            ExpectStatus("Enrol a 2-byte character past 255 bytes", Status.InvalidArgument,
                () => people.Enrol(new string('x', 254) + "ø", a.Feature));
            ExpectStatus("Enrol an id holding NUL", Status.InvalidArgument, () => people.Enrol("a\0b", a.Feature));
            ExpectStatus("EnrolBatch with a confidence short", Status.InvalidArgument,
                () => people.EnrolBatch(new[] { "henry", "ida" }, both, new[] { 0.5f }));
            ExpectStatus("EnrolBatch with an empty id", Status.InvalidArgument,
                () => people.EnrolBatch(new[] { "henry", "" }, both));
            ExpectStatus("Replace with a short feature", Status.InvalidArgument,
                () => people.Replace("alice", a.Feature.Take(3).ToArray()));
            ExpectStatus("Remove an empty id", Status.InvalidArgument, () => people.Remove(""));
            Expect<ArgumentNullException>("Enrol(null id)", () => people.Enrol(null, a.Feature));
            Expect<ArgumentNullException>("Enrol(null features)", () => people.Enrol("henry", (float[])null));
            Expect<ArgumentNullException>("EnrolBatch(null ids)", () => people.EnrolBatch(null, both));
            Expect<ArgumentNullException>("EnrolBatch with a null id", () => people.EnrolBatch(new[] { "henry", null }, both));
            Expect<ArgumentNullException>("Search(null)", () => people.Search(null, 1));
            Expect<ArgumentOutOfRangeException>("Search with k -1", () => people.Search(a.Feature, -1));
            Check(!people.Contains("henry") && !people.Contains("ida") && people.Count == 7, "failed calls change nothing");

            // Many threads on one gallery: searches while another thread writes.
            int mismatches = 0;
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                for (int i = 0; i < 20; i++)
                {
                    if (t == 0)
                    {
                        people.Enrol("thread-" + i, b.Feature);
                    }
                    else if (Math.Abs(people.Search(a.Feature, 1)[0].Similarity - 1f) > 1e-4f)
                    {
                        Interlocked.Increment(ref mismatches);
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Check(mismatches == 0 && people.Count == 27, "4 threads on one gallery, one writing");
        }

        // Disposal, and a gallery outliving its model.
        Gallery orphan;
        using (Model own = Model.Open(bundle, Cpu()))
        {
            orphan = Gallery.OpenMemory(own);
        }
        orphan.Enrol("alice", a.Feature);
        Check(orphan.Search(a.Feature, 1).Length == 1, "a gallery outlives its model");
        orphan.Dispose();
        orphan.Dispose();
        Check(orphan.IsDisposed, "Gallery.Dispose twice");
        Expect<ObjectDisposedException>("Count after Dispose", () => { int n = orphan.Count; });
        Expect<ObjectDisposedException>("Search after Dispose", () => orphan.Search(a.Feature, 1));
        Expect<ArgumentNullException>("OpenMemory(null)", () => Gallery.OpenMemory(null));
        for (int i = 0; i < 20; i++)
        {
            Gallery.OpenMemory(model).Enrol("left to the finalizer", a.Feature);
        }
        Collect();
        Check(true, "20 galleries left to the finalizers");

        // A file: it persists across handles, and two handles share it.
        string path = Path.Combine(scratch, "people-ø.drgan");
        using (Gallery file = Gallery.Open(model, path))
        {
            Check(file.Count == 0, "Open creates an empty file");
            file.Enrol("alice", a.Feature);
            file.Enrol("bob", b);
        }
        using (Gallery file = Gallery.Open(model, path))
        using (Gallery second = Gallery.Open(model, path))
        {
            Check(file.Count == 2 && file.Contains("alice") && file.Contains("bob"), "the file persists");
            GalleryMatch[] found = file.Search(a.Feature, 2);
            Check(found.Length == 2 && found[0].Id == "alice" && found[1].Id == "bob", "Search the reopened file");
            Check(!second.Refresh(), "Refresh with nothing new");
            file.Enrol("carol", b.Feature);
            Check(file.Remove("bob"), "Remove from the file");
            Check(second.Contains("bob") && !second.Contains("carol"), "a second handle sees its snapshot");
            Check(second.Refresh(), "Refresh sees the other handle's writes");
            Check(second.Contains("carol") && !second.Contains("bob") && second.Count == 2, "after Refresh");
        }
        using (Model otherModel = Model.Open(other, Cpu()))
        {
            ExpectStatus("Open a gallery of another model", Status.ModelMismatch, () => Gallery.Open(otherModel, path));
        }
        string text = Path.Combine(scratch, "not-a-gallery.txt");
        File.WriteAllText(text, "plain text, not an SQLite database, long enough for SQLite to read a header from it.");
        ExpectStatus("Open a text file as a gallery", Status.Gallery, () => Gallery.Open(model, text));
        ExpectStatus("Open a gallery in a missing directory", Status.Gallery,
            () => Gallery.Open(model, Path.Combine(scratch, "no/such/dir/g.drgan")));
        Expect<ArgumentNullException>("Open(model, null)", () => Gallery.Open(model, null));
    }

    // The default model embedded in the library. DRGAN_TEST_DEFAULT_MODEL (set by
    // tests/bindings_csharp.rs) is the directory of the same bundle on disk when the
    // library has it, or "none" when it was built without it; unset, this is skipped.
    private static void DefaultModel(string data)
    {
        string dir = Environment.GetEnvironmentVariable("DRGAN_TEST_DEFAULT_MODEL");
        if (dir == null)
        {
            Console.WriteLine("skip default model (DRGAN_TEST_DEFAULT_MODEL unset)");
            return;
        }
        if (dir == "none")
        {
            ExpectStatus("OpenDefault in a build without it", Status.Unsupported, () => Model.OpenDefault(Cpu()));
            return;
        }
        using (Model embedded = Model.OpenDefault(Cpu()))
        using (Model onDisk = Model.Open(dir, Cpu()))
        using (Image photo = Image.Load(Path.Combine(data, "astronaut.png")))
        {
            ModelInfo e = embedded.Info, d = onDisk.Info;
            Check(e.InputSize > 0 && e.InputSize == d.InputSize, "OpenDefault InputSize " + e.InputSize);
            Check(e.FeatureDim == d.FeatureDim && e.NoiseDim == d.NoiseDim, "OpenDefault FeatureDim, NoiseDim");
            Check(embedded.PoseYaws().SequenceEqual(onDisk.PoseYaws()), "OpenDefault PoseYaws");
            Check(e.Config == d.Config && e.TrainedOn == d.TrainedOn, "OpenDefault Config " + e.Config);
            Check(e.Landmarks.SequenceEqual(d.Landmarks) && e.HasPoseHead, "OpenDefault Landmarks, HasPoseHead");
            RgbImage crop = embedded.Align(photo, AstronautPoints);
            Check(crop.Pixels.SequenceEqual(onDisk.Align(photo, AstronautPoints).Pixels), "OpenDefault Align");
            Embedding a = embedded.Embed(crop);
            Check(a.Feature.Length == e.FeatureDim && a.Feature.All(v => !float.IsNaN(v) && !float.IsInfinity(v)),
                  "OpenDefault Embed is finite");
            Check(a.Feature.SequenceEqual(onDisk.Embed(crop).Feature), "OpenDefault Embed equals the bundle on disk");
            Check(embedded.Rotate(crop, e.MaxYaw, 3).Pixels.SequenceEqual(onDisk.Rotate(crop, e.MaxYaw, 3).Pixels),
                  "OpenDefault Rotate equals the bundle on disk");
        }
        using (Model plain = Model.OpenDefault())
        {
            Check(plain.Info.FeatureDim > 0, "OpenDefault with default options");
        }
        Options small = Cpu();
        small.MaxModelBytes = 16;
        ExpectStatus("OpenDefault over MaxModelBytes", Status.LimitExceeded, () => Model.OpenDefault(small));
    }

    private static void Cycles(string what, int cycles, Action body)
    {
        for (int i = 0; i < Math.Min(cycles, 50); i++)
        {
            body(); // warm up allocator pools
        }
        Collect();
        long before = RssKiB();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < cycles; i++)
        {
            body();
        }
        Collect();
        long after = RssKiB();
        long growth = after - before;
        Console.WriteLine(what + ": " + cycles + " cycles in " + clock.Elapsed.TotalSeconds.ToString("F1") +
                          " s; RSS " + before + " KiB -> " + after + " KiB (" + growth + " KiB)");
        Check(growth < 16 * 1024, what + ": " + cycles + " cycles grow RSS by " + growth + " KiB (< 16 MiB)");
    }
}

