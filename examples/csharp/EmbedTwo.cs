// Opens a bundle, aligns and embeds two faces, prints their similarity and writes the
// first one frontalized to a PNG, with the C# binding (bindings/csharp). The same
// program exists in C (examples/c), C++ (examples/cpp), Swift (examples/swift) and Rust
// (examples/embed_two.rs).
//
// usage: mono EmbedTwo.exe BUNDLE_DIR [DATA_DIR] [OUT_PNG]
// build (Mono): mcs -unsafe -target:library -out:Drgan.dll bindings/csharp/Runtime/*.cs
//               mcs -r:Drgan.dll -out:EmbedTwo.exe examples/csharp/EmbedTwo.cs
//               LD_LIBRARY_PATH=target/release mono EmbedTwo.exe BUNDLE
using System;
using System.IO;
using Drgan;

internal static class EmbedTwo
{
    private static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: EmbedTwo.exe BUNDLE_DIR [DATA_DIR] [OUT_PNG]");
            return 2;
        }
        string data = args.Length > 1 ? args[1] : "examples/data";
        string outPng = args.Length > 2 ? args[2] : "frontal.png";
        try
        {
            using (Model model = Model.Open(args[0]))
            using (Image astronaut = Image.Load(Path.Combine(data, "astronaut.png")))
            using (Image obama = Image.Load(Path.Combine(data, "obama.jpg")))
            {
                // Five points of each photo (examples/data/landmarks.json).
                RgbImage a = model.Align(astronaut, new[] { 205.1f, 100.5f, 245.5f, 102.5f, 224.7f, 127.4f, 205.6f, 140.9f, 243.3f, 142.6f });
                RgbImage b = model.Align(obama, new[] { 443.0f, 211.8f, 544.7f, 209.3f, 497.7f, 277.8f, 443.6f, 323.1f, 548.9f, 317.9f });
                Embedding ea = model.Embed(a);
                Embedding eb = model.Embed(b);
                Console.WriteLine("similarity(astronaut, obama) = " + Library.Similarity(ea, eb).ToString("F4", System.Globalization.CultureInfo.InvariantCulture));
                Console.WriteLine("confidences " + ea.Confidence.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) + " " +
                                  eb.Confidence.ToString("F4", System.Globalization.CultureInfo.InvariantCulture));
                model.Frontalize(a, 1).SavePng(outPng);
                Console.WriteLine("wrote " + outPng);
            }
        }
        catch (DrganException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        return 0;
    }
}
