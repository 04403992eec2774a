// A Unity MonoBehaviour: aligns the face in a Texture2D from five landmarks, embeds it,
// compares it with a second texture, and shows the frontalized face in another texture.
// Not compiled in this repository's CI (it needs UnityEngine); the binding it calls is.
using System.IO;
using Drgan;
using UnityEngine;

public sealed class EmbedTexture : MonoBehaviour
{
    [Tooltip("A model bundle directory (encoder.onnx, decoder.onnx), relative to StreamingAssets.")]
    public string bundle = "drgan-bundle";

    [Tooltip("Readable textures (Read/Write enabled in the import settings).")]
    public Texture2D faceA;
    public Texture2D faceB;

    [Tooltip("x1, y1, ..., x5, y5 in pixels from the top-left: eyes, nose tip, mouth corners.")]
    public float[] landmarksA = new float[10];
    public float[] landmarksB = new float[10];

    [Tooltip("Receives the frontalized face A.")]
    public Texture2D frontal;

    private Model model;

    private void Start()
    {
        var options = Options.Default();
        model = Model.Open(Path.Combine(Application.streamingAssetsPath, bundle), options);

        Embedding a = model.Embed(model.Align(View(faceA), landmarksA));
        Embedding b = model.Embed(model.Align(View(faceB), landmarksB));
        Debug.Log("similarity " + Library.Similarity(a, b) +
                  " (confidences " + a.Confidence + ", " + b.Confidence + ")");

        RgbImage front = model.Frontalize(model.Align(View(faceA), landmarksA), 1);
        frontal = ToTexture(front);
    }

    private void OnDestroy()
    {
        if (model != null)
        {
            model.Dispose();
        }
    }

    // Unity's pixels start at the bottom row; drgan's images start at the top.
    private static ImageView View(Texture2D texture)
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
        return new ImageView(rgba, w, h, PixelFormat.Rgba8);
    }

    private static Texture2D ToTexture(RgbImage image)
    {
        var texture = new Texture2D(image.Width, image.Height, TextureFormat.RGB24, false);
        var flipped = new byte[image.Pixels.Length];
        int row = image.Width * 3;
        for (int y = 0; y < image.Height; y++)
        {
            System.Array.Copy(image.Pixels, y * row, flipped, (image.Height - 1 - y) * row, row);
        }
        texture.LoadRawTextureData(flipped);
        texture.Apply();
        return texture;
    }
}
