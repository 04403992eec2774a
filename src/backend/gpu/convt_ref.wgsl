// Transposed convolution, reference kernel for tests: NCHW f32, ONNX weight layout
// [Cin, Cout, KH, KW], one invocation per output value, every tap visited and checked.
// Written to be obviously right, not fast.

struct Params {
    n: u32, cin: u32, in_h: u32, in_w: u32,
    cout: u32, out_h: u32, out_w: u32, kh: u32,
    kw: u32, sy: u32, sx: u32, pad_top: u32,
    pad_left: u32, act: u32, alpha: f32, row: u32,
};

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.y * p.row + gid.x;
    if (i >= p.n * p.cout * p.out_h * p.out_w) {
        return;
    }
    let ox = i % p.out_w;
    let oy = (i / p.out_w) % p.out_h;
    let co = (i / (p.out_w * p.out_h)) % p.cout;
    let n = i / (p.out_w * p.out_h * p.cout);
    var acc = bias[co];
    for (var ci = 0u; ci < p.cin; ci++) {
        for (var ky = 0u; ky < p.kh; ky++) {
            let ty = i32(oy + p.pad_top) - i32(ky);
            if (ty < 0 || ty % i32(p.sy) != 0 || ty / i32(p.sy) >= i32(p.in_h)) {
                continue;
            }
            let iy = u32(ty) / p.sy;
            for (var kx = 0u; kx < p.kw; kx++) {
                let tx = i32(ox + p.pad_left) - i32(kx);
                if (tx < 0 || tx % i32(p.sx) != 0 || tx / i32(p.sx) >= i32(p.in_w)) {
                    continue;
                }
                let ix = u32(tx) / p.sx;
                let x = src[((n * p.cin + ci) * p.in_h + iy) * p.in_w + ix];
                acc += x * weight[((ci * p.cout + co) * p.kh + ky) * p.kw + kx];
            }
        }
    }
    var y = acc;
    if (p.act == 1u) {
        y = max(y, 0.0);
    } else if (p.act == 2u) {
        y = select(p.alpha * (exp(min(y, 0.0)) - 1.0), y, y > 0.0);
    } else if (p.act == 3u) {
        y = tanh(clamp(y, -15.0, 15.0));
    }
    dst[i] = y;
}
