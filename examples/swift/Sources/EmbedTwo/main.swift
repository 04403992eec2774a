// Opens a bundle, aligns and embeds two faces, prints their similarity and writes the
// first one frontalized to a PNG, with the Swift binding (bindings/swift). The same
// program exists in C (examples/c), C++ (examples/cpp), C# (examples/csharp) and Rust
// (examples/embed_two.rs).
//
// usage: swift run EmbedTwo BUNDLE_DIR [DATA_DIR] [OUT_PNG]
import Drgan
import Foundation

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write("usage: EmbedTwo BUNDLE_DIR [DATA_DIR] [OUT_PNG]\n".data(using: .utf8)!)
    exit(2)
}
let data = args.count > 2 ? args[2] : "examples/data"
let outPNG = args.count > 3 ? args[3] : "frontal.png"

do {
    let model = try Model(bundle: args[1])
    // Five points of each photo (examples/data/landmarks.json).
    let a = try model.align(
        try PixelImage.load(path: data + "/astronaut.png"),
        landmarks: [205.1, 100.5, 245.5, 102.5, 224.7, 127.4, 205.6, 140.9, 243.3, 142.6])
    let b = try model.align(
        try PixelImage.load(path: data + "/obama.jpg"),
        landmarks: [443.0, 211.8, 544.7, 209.3, 497.7, 277.8, 443.6, 323.1, 548.9, 317.9])
    let ea = try model.embed(a)
    let eb = try model.embed(b)
    print(String(format: "similarity(astronaut, obama) = %.4f", try similarity(ea.feature, eb.feature)))
    print(String(format: "confidences %.4f %.4f", ea.confidence, eb.confidence))
    try model.frontalize(a, seed: 1).savePNG(path: outPNG)
    print("wrote \(outPNG)")
} catch {
    FileHandle.standardError.write("\(error)\n".data(using: .utf8)!)
    exit(1)
}
