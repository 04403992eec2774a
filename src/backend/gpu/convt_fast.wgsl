// Transposed convolution, fast path. Activations are NHWC with channels packed in
// vec4 (C4 = ceil(C / 4), padding channels are zero). One dispatch per stride phase
// (PY, PX): its outputs o = q * STRIDE + phase - pad read input q - j through kernel
// taps phase + j * STRIDE only, so no invocation visits a tap that contributes nothing.
// A workgroup computes WG_X x WG_Y outputs of one phase for COV x 4 output channels:
// the input tile it needs is staged in workgroup memory, CHUNK input vec4s at a time,
// and each staged vec4 feeds COV mat4x4 products. Bias and activation are fused.
// Generated constants: KH KW SY SX TMY TMX CHUNK COV WG_X WG_Y ACT.

struct Params {
    n: u32, in_h: u32, in_w: u32, ci4: u32,
    out_h: u32, out_w: u32, co4: u32, co4_padded: u32,
    py: u32, px: u32, q0y: u32, q0x: u32,
    nqy: u32, nqx: u32, ty: u32, tx: u32,
    pad_top: u32, pad_left: u32, alpha: f32, _pad: u32,
};

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;
// [KH][KW][CI4][CO4_PADDED]; column i of a matrix holds input channel 4*ci4 + i.
@group(0) @binding(2) var<storage, read> weight: array<mat4x4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> dst: array<vec4<f32>>;

const TILE_H: u32 = WG_Y + TMY - 1u;
const TILE_W: u32 = WG_X + TMX - 1u;
const TILE: u32 = TILE_H * TILE_W;
var<workgroup> tile: array<vec4<f32>, CHUNK * TILE>;

fn activate(v: vec4<f32>) -> vec4<f32> {
    switch ACT {
        case 1u: { return max(v, vec4<f32>(0.0)); }
        case 2u: { return select(p.alpha * (exp(min(v, vec4<f32>(0.0))) - 1.0), v, v > vec4<f32>(0.0)); }
        case 3u: { return tanh(clamp(v, vec4<f32>(-15.0), vec4<f32>(15.0))); }
        default: { return v; }
    }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(
    @builtin(workgroup_id) wid: vec3<u32>,
    @builtin(local_invocation_id) lid: vec3<u32>,
    @builtin(local_invocation_index) li: u32,
) {
    let groups = p.co4_padded / COV;
    let n = wid.z / groups;
    let co_base = (wid.z % groups) * COV;
    let qy = wid.y * WG_Y + lid.y;
    let qx = wid.x * WG_X + lid.x;
    let inside = qy < p.nqy && qx < p.nqx;
    // First input row and column of the tile (may be negative: zero padding).
    let tile_y0 = i32(p.q0y + wid.y * WG_Y) - i32(TMY - 1u);
    let tile_x0 = i32(p.q0x + wid.x * WG_X) - i32(TMX - 1u);

    var acc: array<vec4<f32>, COV>;
    for (var k = 0u; k < COV; k++) {
        acc[k] = bias[co_base + k];
    }

    for (var c0 = 0u; c0 < p.ci4; c0 += CHUNK) {
        for (var t = li; t < CHUNK * TILE; t += WG_X * WG_Y) {
            let c = c0 + t / TILE;
            let r = t % TILE;
            let iy = tile_y0 + i32(r / TILE_W);
            let ix = tile_x0 + i32(r % TILE_W);
            var v = vec4<f32>(0.0);
            if (c < p.ci4 && iy >= 0 && iy < i32(p.in_h) && ix >= 0 && ix < i32(p.in_w)) {
                v = src[((n * p.in_h + u32(iy)) * p.in_w + u32(ix)) * p.ci4 + c];
            }
            tile[t] = v;
        }
        workgroupBarrier();
        if (inside) {
            let chunk = min(CHUNK, p.ci4 - c0);
            for (var jy = 0u; jy < p.ty; jy++) {
                let ky = p.py + jy * SY;
                let row = lid.y + TMY - 1u - jy;
                for (var jx = 0u; jx < p.tx; jx++) {
                    let kx = p.px + jx * SX;
                    let col = lid.x + TMX - 1u - jx;
                    let w_tap = ((ky * KW + kx) * p.ci4 + c0) * p.co4_padded + co_base;
                    // Two-level sums (per tap and chunk, then overall) keep the rounding
                    // error of long channel sums close to tract's.
                    var part: array<vec4<f32>, COV>;
                    for (var c = 0u; c < chunk; c++) {
                        let x = tile[c * TILE + row * TILE_W + col];
                        let w0 = w_tap + c * p.co4_padded;
                        for (var k = 0u; k < COV; k++) {
                            part[k] += weight[w0 + k] * x;
                        }
                    }
                    for (var k = 0u; k < COV; k++) {
                        acc[k] += part[k];
                    }
                }
            }
        }
        workgroupBarrier();
    }

    if (inside) {
        let oy = (p.q0y + qy) * SY + p.py - p.pad_top;
        let ox = (p.q0x + qx) * SX + p.px - p.pad_left;
        let base = ((n * p.out_h + oy) * p.out_w + ox) * p.co4;
        for (var k = 0u; k < COV; k++) {
            if (co_base + k < p.co4) {
                dst[base + co_base + k] = activate(acc[k]);
            }
        }
    }
}
