#!/usr/bin/env python3
"""Writes the Unity .meta files of the package in bindings/csharp, with stable GUIDs.

Unity imports only assets that have a .meta file in an immutable package (one installed
from a git URL or a tarball), and identifies every asset by the GUID in it. Each GUID
here is the MD5 of "com.drgan.sdk/" + the asset's path inside the package, in hex:

    python3 -c 'import hashlib; print(hashlib.md5(b"com.drgan.sdk/Runtime/Model.cs").hexdigest())'

so it never changes and never collides with another package's.

    python3 bindings/csharp/Tools~/unity_meta.py          # write the missing .meta files
    python3 bindings/csharp/Tools~/unity_meta.py --check  # list missing, orphaned, unstable

Run it after adding a file or folder to the package. Unity skips names that start with a
dot or end with "~" (this folder, Samples~), so they need none; the files inside each
sample (Samples~/<sample>/...) get one all the same, so that an imported sample keeps the
same GUIDs. The native libraries in Runtime/Plugins are not committed (see
Runtime/Plugins/README.md), but their .meta files are: they hold each platform's import
settings, written here (PLUGINS). tests/bindings_csharp.rs checks the result.
"""
import hashlib
import os
import sys

PACKAGE = "com.drgan.sdk"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Outputs of `dotnet build`/`dotnet pack` (Drgan.csproj), not part of the Unity package.
SKIP_AT_ROOT = {"bin", "obj", "native"}


def guid(rel):
    return hashlib.md5((PACKAGE + "/" + rel).encode("utf-8")).hexdigest()


def simple(importer, rel, extra=""):
    return (
        "fileFormatVersion: 2\n"
        f"guid: {guid(rel)}\n"
        f"{extra}{importer}:\n"
        "  externalObjects: {}\n"
        "  userData:\n"
        "  assetBundleName:\n"
        "  assetBundleVariant:\n"
    )


def mono(rel):
    return (
        "fileFormatVersion: 2\n"
        f"guid: {guid(rel)}\n"
        "MonoImporter:\n"
        "  externalObjects: {}\n"
        "  serializedVersion: 2\n"
        "  defaultReferences: []\n"
        "  executionOrder: 0\n"
        "  icon: {instanceID: 0}\n"
        "  userData:\n"
        "  assetBundleName:\n"
        "  assetBundleVariant:\n"
    )


# Platforms a plugin can be enabled for, as PluginImporter (serializedVersion 2, the form
# Unity 2021.3 writes and later versions read) names them, with the "Exclude" key of each.
STANDALONE = [("Linux64", "x86_64"), ("OSXUniversal", "AnyCPU"), ("Win", "x86"), ("Win64", "x86_64")]


def plugin(rel, editor_os=None, editor_cpu=None, standalone=None, android=False, ios=False):
    """A PluginImporter .meta enabling exactly the given platforms."""
    excludes = {
        "Android": not android,
        "Editor": editor_os is None,
        "Linux64": standalone != "Linux64",
        "OSXUniversal": standalone != "OSXUniversal",
        "Win": True,
        "Win64": standalone != "Win64",
        "iOS": not ios,
    }
    out = [
        "fileFormatVersion: 2",
        f"guid: {guid(rel)}",
        "PluginImporter:",
        "  externalObjects: {}",
        "  serializedVersion: 2",
        "  iconMap: {}",
        "  executionOrder: {}",
        "  defineConstraints: []",
        "  isPreloaded: 0",
        "  isOverridable: 0",
        "  isExplicitlyReferenced: 0",
        "  validateReferences: 1",
        "  platformData:",
        "  - first:",
        "      '': Any",
        "    second:",
        "      enabled: 0",
        "      settings:",
    ]
    out += [f"        Exclude {k}: {int(v)}" for k, v in sorted(excludes.items(), key=lambda kv: kv[0].lower())]
    out += [
        "  - first:",
        "      Android: Android",
        "    second:",
        f"      enabled: {int(android)}",
        "      settings:",
        "        AndroidSharedLibraryType: Executable",
        f"        CPU: {'ARM64' if android else 'None'}",
        "  - first:",
        "      Any:",
        "    second:",
        "      enabled: 0",
        "      settings: {}",
        "  - first:",
        "      Editor: Editor",
        "    second:",
        f"      enabled: {int(editor_os is not None)}",
        "      settings:",
        f"        CPU: {editor_cpu or 'AnyCPU'}",
        "        DefaultValueInitialized: true",
        f"        OS: {editor_os or 'AnyOS'}",
    ]
    for name, cpu in STANDALONE:
        on = standalone == name
        out += [
            "  - first:",
            f"      Standalone: {name}",
            "    second:",
            f"      enabled: {int(on)}",
            "      settings:",
            f"        CPU: {cpu if on else 'None'}",
        ]
    out += [
        "  - first:",
        "      iPhone: iOS",
        "    second:",
        f"      enabled: {int(ios)}",
        "      settings:",
        "        AddToEmbeddedBinaries: false",
        "        CPU: ARM64",
        "        CompileFlags:",
        "        FrameworkDependencies:",
        "  userData:",
        "  assetBundleName:",
        "  assetBundleVariant:",
    ]
    return "\n".join(out) + "\n"


# The native libraries (not committed; Runtime/Plugins/README.md says how to build them)
# and their import settings.
PLUGINS = {
    "Runtime/Plugins/Linux/x86_64/libdrgan.so":
        lambda rel: plugin(rel, editor_os="Linux", editor_cpu="x86_64", standalone="Linux64"),
    "Runtime/Plugins/macOS/libdrgan.dylib":
        lambda rel: plugin(rel, editor_os="OSX", editor_cpu="AnyCPU", standalone="OSXUniversal"),
    "Runtime/Plugins/Windows/x86_64/drgan.dll":
        lambda rel: plugin(rel, editor_os="Windows", editor_cpu="x86_64", standalone="Win64"),
    "Runtime/Plugins/Android/arm64-v8a/libdrgan.so":
        lambda rel: plugin(rel, android=True),
    "Runtime/Plugins/iOS/libdrgan.a":
        lambda rel: plugin(rel, ios=True),
}

TEXT = {".md", ".txt", ".json", ".xml", ".yaml", ".yml", ".csv", ".bytes", ".html", ".htm"}


def meta_for(rel, is_dir):
    if rel in PLUGINS:
        return PLUGINS[rel](rel)
    if is_dir:
        return simple("DefaultImporter", rel, extra="folderAsset: yes\n")
    ext = os.path.splitext(rel)[1].lower()
    if rel == "package.json":
        return simple("PackageManifestImporter", rel)
    if ext == ".cs":
        return mono(rel)
    if ext == ".asmdef":
        return simple("AssemblyDefinitionImporter", rel)
    if ext in TEXT:
        return simple("TextScriptImporter", rel)
    return simple("DefaultImporter", rel)


def hidden(name):
    return name.startswith(".") or name.endswith("~")


def assets():
    """(path inside the package, is a folder) of every asset that needs a .meta."""
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel_dir = os.path.relpath(dirpath, ROOT).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        parts = rel_dir.split("/") if rel_dir else []
        in_samples = len(parts) >= 1 and parts[0] == "Samples~"
        keep = []
        for d in sorted(dirnames):
            if rel_dir == "" and d in SKIP_AT_ROOT:
                continue
            if rel_dir == "" and d == "Samples~":
                keep.append(d)  # its samples' contents get .meta files, not it
                continue
            if hidden(d):
                continue
            keep.append(d)
            rel = f"{rel_dir}/{d}" if rel_dir else d
            # A sample's own folder is copied under a new name on import: no .meta.
            if not (in_samples and len(parts) == 1):
                found.append((rel, True))
        dirnames[:] = keep
        if in_samples and len(parts) == 1:
            continue  # files directly in Samples~ are not part of any sample
        for f in sorted(filenames):
            if hidden(f) or f.endswith(".meta"):
                continue
            found.append((f"{rel_dir}/{f}" if rel_dir else f, False))
    for rel in PLUGINS:
        if (rel, False) not in found:
            found.append((rel, False))
        folder = os.path.dirname(rel)
        while folder and (folder, True) not in found:
            found.append((folder, True))
            folder = os.path.dirname(folder)
    return sorted(found)


def main():
    check = "--check" in sys.argv[1:]
    problems = 0
    wanted = set()
    for rel, is_dir in assets():
        path = os.path.join(ROOT, rel) + ".meta"
        wanted.add(rel + ".meta")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if f"guid: {guid(rel)}\n" not in text:
                problems += 1
                print(f"{rel}.meta: GUID is not md5({PACKAGE}/{rel})")
            continue
        if check:
            problems += 1
            print(f"missing {rel}.meta")
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(meta_for(rel, is_dir))
            print(f"wrote {rel}.meta")
    for dirpath, dirnames, filenames in os.walk(ROOT):
        for f in filenames:
            if f.endswith(".meta"):
                rel = os.path.relpath(os.path.join(dirpath, f), ROOT).replace(os.sep, "/")
                if rel not in wanted:
                    problems += 1
                    print(f"orphaned {rel}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
