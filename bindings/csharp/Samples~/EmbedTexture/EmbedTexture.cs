// A Unity MonoBehaviour: aligns the face in each of two Texture2Ds from five landmarks,
// embeds both, logs their similarity and shows face A frontalized in a new texture.
//
// Works on Android too: the model is the one embedded in the native library
// (Model.OpenDefault, no file read), or, when `bundle` names a folder in StreamingAssets,
// its .onnx files fetched with UnityWebRequest (inside an APK StreamingAssets is no folder
// that File IO can read) and opened with Model.OpenMemory. Opening and inference run on a
// worker thread (Task.Run); Update picks up the result on the main thread, which alone
// may touch textures. Textures are read on the main thread before the work starts.
//
// Not compiled in this repository's CI (it needs UnityEngine); the binding it calls is.
using System;
using System.Collections;
using System.Threading.Tasks;
using Drgan;
using UnityEngine;
using UnityEngine.Networking;

public sealed class EmbedTexture : MonoBehaviour
{
    [Tooltip("Empty: the model embedded in the native library. Else a bundle folder in " +
             "StreamingAssets holding encoder.onnx and decoder.onnx.")]
    public string bundle = "";

    [Tooltip("Readable textures (Read/Write enabled in the import settings).")]
    public Texture2D faceA;
    public Texture2D faceB;

    [Tooltip("x1, y1, ..., x5, y5 in pixels from the top-left: eyes, nose tip, mouth corners.")]
    public float[] landmarksA = new float[10];
    public float[] landmarksB = new float[10];

    [Tooltip("Receives the frontalized face A.")]
    public Texture2D frontal;

    private Model model;
    private Task<Result> work;

    private sealed class Result
    {
        public Model Model;
        public float Similarity, ConfidenceA, ConfidenceB;
        public int Side;
        public byte[] Frontal; // Side x Side RGB8, top row first
    }

    private IEnumerator Start()
    {
        byte[] encoder = null, decoder = null;
        if (!string.IsNullOrEmpty(bundle))
        {
            yield return Fetch(bundle + "/encoder.onnx", bytes => encoder = bytes);
            yield return Fetch(bundle + "/decoder.onnx", bytes => decoder = bytes);
            if (encoder == null || decoder == null)
            {
                yield break;
            }
        }
        // Texture pixels on the main thread; everything else on a worker.
        byte[] a = Rgba(faceA), b = Rgba(faceB);
        int wa = faceA.width, ha = faceA.height, wb = faceB.width, hb = faceB.height;
        float[] pointsA = (float[])landmarksA.Clone(), pointsB = (float[])landmarksB.Clone();
        work = Task.Run(() =>
        {
            var options = new Options { Backend = Backend.Auto };
            Model m = encoder == null ? Model.OpenDefault(options) : Model.OpenMemory(encoder, decoder, null, options);
            try
            {
                int side = m.Info.InputSize;
                var cropA = new byte[m.Info.ImageBytes];
                var cropB = new byte[m.Info.ImageBytes];
                var featureA = new float[m.Info.FeatureDim];
                var featureB = new float[m.Info.FeatureDim];
                var result = new Result { Model = m, Side = side, Frontal = new byte[m.Info.ImageBytes] };
                ImageView viewA = m.Align(new ImageView(a, wa, ha, PixelFormat.Rgba8), pointsA, cropA, 0);
                ImageView viewB = m.Align(new ImageView(b, wb, hb, PixelFormat.Rgba8), pointsB, cropB, 0);
                result.ConfidenceA = m.Embed(viewA, featureA, 0);
                result.ConfidenceB = m.Embed(viewB, featureB, 0);
                result.Similarity = Library.Similarity(featureA, featureB);
                m.Frontalize(viewA, result.Frontal, 0, 1);
                return result;
            }
            catch
            {
                m.Dispose();
                throw;
            }
        });
    }

    private void Update()
    {
        if (work == null || !work.IsCompleted)
        {
            return;
        }
        Task<Result> done = work;
        work = null;
        if (done.IsFaulted)
        {
            Debug.LogException(done.Exception.GetBaseException());
            return;
        }
        model = done.Result.Model; // kept for more calls; disposed in OnDestroy
        Debug.Log("similarity " + done.Result.Similarity + " (confidences " +
                  done.Result.ConfidenceA + ", " + done.Result.ConfidenceB + ")");
        frontal = ToTexture(done.Result.Frontal, done.Result.Side);
    }

    private void OnDestroy()
    {
        if (model != null)
        {
            model.Dispose();
        }
        if (work != null)
        {
            // Still running: free the model when it is done.
            work.ContinueWith(t =>
            {
                if (t.Status == TaskStatus.RanToCompletion) t.Result.Model.Dispose();
            });
        }
    }

    // StreamingAssets through UnityWebRequest: a jar:file:// URL inside an Android APK,
    // a file path elsewhere (made a file:// URL here).
    private IEnumerator Fetch(string relative, Action<byte[]> done)
    {
        string path = Application.streamingAssetsPath + "/" + relative;
        string url = path.Contains("://") ? path : new Uri(path).AbsoluteUri;
        using (UnityWebRequest request = UnityWebRequest.Get(url))
        {
            yield return request.SendWebRequest();
            if (request.result != UnityWebRequest.Result.Success)
            {
                Debug.LogError("cannot read " + url + ": " + request.error);
                yield break;
            }
            done(request.downloadHandler.data);
        }
    }

    // RGBA8 rows top first: Unity's pixels start at the bottom row, drgan's at the top.
    private static byte[] Rgba(Texture2D texture)
    {
        Color32[] colors = texture.GetPixels32();
        int w = texture.width, h = texture.height;
        var rgba = new byte[w * h * 4];
        for (int y = 0; y < h; y++)
        {
            int src = (h - 1 - y) * w, dst = y * w * 4;
            for (int x = 0; x < w; x++)
            {
                Color32 c = colors[src + x];
                rgba[dst + 4 * x] = c.r;
                rgba[dst + 4 * x + 1] = c.g;
                rgba[dst + 4 * x + 2] = c.b;
                rgba[dst + 4 * x + 3] = c.a;
            }
        }
        return rgba;
    }

    private static Texture2D ToTexture(byte[] rgb, int side)
    {
        var texture = new Texture2D(side, side, TextureFormat.RGB24, false);
        var flipped = new byte[rgb.Length];
        int row = side * 3;
        for (int y = 0; y < side; y++)
        {
            Array.Copy(rgb, y * row, flipped, (side - 1 - y) * row, row);
        }
        texture.LoadRawTextureData(flipped);
        texture.Apply();
        return texture;
    }
}
