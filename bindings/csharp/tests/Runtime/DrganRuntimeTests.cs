// Unity Test Framework tests of the package (assembly Drgan.Tests): Window > General >
// Test Runner, in Edit Mode or Play Mode, in the editor or in a test player on a device.
// List the package under "testables" in Packages/manifest.json to see them. They use the
// native library in Runtime/Plugins and the default model embedded in it (ignored when the
// library was built without it), and nothing of UnityEngine, so tests/bindings_csharp.rs
// also compiles and runs them with Mono against a minimal stand-in for NUnit.
using System;
using NUnit.Framework;

namespace Drgan.Tests
{
    public sealed class DrganRuntimeTests
    {
        [Test]
        public void TheNativeLibraryLoadsWithTheBindingsAbi()
        {
            Assert.AreEqual(Library.BindingAbiVersion, Library.AbiVersion, "drgan_abi_version");
            Assert.AreEqual(Library.BindingVersion, Library.Version, "drgan_version");
        }

        [Test]
        public void NewOptionsHoldTheLibraryDefaults()
        {
            var options = new Options { Backend = Backend.Cpu };
            Options native = Options.Default();
            Assert.AreEqual(native.MaxImagePixels, options.MaxImagePixels, "MaxImagePixels");
            Assert.AreEqual(native.MaxModelBytes, options.MaxModelBytes, "MaxModelBytes");
            Assert.AreEqual(native.Threads, options.Threads, "Threads");
            Assert.AreEqual(Backend.Auto, new Options().Backend, "Backend");
        }

        [Test]
        public void FailuresThrowWithTheLibrarysStatus()
        {
            var e = Assert.Throws<DrganException>(
                () => Model.OpenMemory(new byte[] { 1, 2, 3, 4 }, new byte[] { 5, 6, 7, 8 }));
            Assert.AreEqual(Status.InvalidModel, e.Status, e.Message);
            Assert.IsTrue(e.NativeMessage.Length > 0, "the library's message");
        }

        [Test]
        public void EmbedsAndSearchesIntoBuffersWithoutGarbage()
        {
            using (Model model = OpenDefault())
            using (Gallery people = Gallery.OpenMemory(model))
            {
                int side = model.Info.InputSize;
                ImageView a = Pattern(side, 1), b = Pattern(side, 7);
                var feature = new float[model.Info.FeatureDim];
                float confidence = model.Embed(b, feature, 0);
                Assert.IsTrue(confidence > 0f && confidence < 1f, "confidence " + confidence);
                people.Enrol("b", feature);
                model.Embed(a, feature, 0);
                people.Enrol("a", feature);

                var matches = new GalleryMatch[2];
                var output = new byte[model.Info.ImageBytes];
                Action frame = () =>
                {
                    model.Embed(a, feature, 0);
                    people.Search(feature, 0, matches);
                    model.Frontalize(a, output, 0, 1);
                };
                frame();
                Assert.AreEqual("a", matches[0].Id, "the best match");
                Assert.AreEqual("b", matches[1].Id, "the second");

                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 100; i++)
                {
                    frame();
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (!CounterWorks())
                {
                    Assert.Ignore("GC.GetAllocatedBytesForCurrentThread does not count here");
                }
                Assert.AreEqual(0L, allocated, "bytes allocated by 100 embed + search + frontalize calls");
            }
        }

        [Test]
        public void EveryThreadCountGivesTheSameFeatures()
        {
            using (Model one = OpenDefault())
            using (Model two = OpenDefault(2))
            {
                Assert.AreEqual(1, one.Info.Threads, "Info.Threads at the default");
                Assert.AreEqual(2, two.Info.Threads, "Info.Threads with Options.Threads = 2");
                ImageView face = Pattern(one.Info.InputSize, 3);
                float[] a = one.Embed(face).Feature, b = two.Embed(face).Feature;
                Assert.AreEqual(a.Length, b.Length, "feature length");
                for (int i = 0; i < a.Length; i++)
                {
                    Assert.AreEqual(a[i], b[i], "feature[" + i + "] on 2 threads");
                }
            }
        }

        private static Model OpenDefault(uint threads = Options.DefaultThreads)
        {
            try
            {
                return Model.OpenDefault(new Options { Backend = Backend.Cpu, Threads = threads });
            }
            catch (DrganException e)
            {
                if (e.Status == Status.Unsupported)
                {
                    Assert.Ignore("the native library was built without its default model");
                }
                throw;
            }
        }

        /// <summary>A square RGB8 test picture, different for each seed.</summary>
        private static ImageView Pattern(int side, int seed)
        {
            var pixels = new byte[side * side * 3];
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)((i * seed + i / (3 * side) * 5) % 251);
            }
            return new ImageView(pixels, side, side, PixelFormat.Rgb8);
        }

        private static bool CounterWorks()
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var probe = new byte[4096];
            GC.KeepAlive(probe);
            return GC.GetAllocatedBytesForCurrentThread() - before >= 4096;
        }
    }
}
