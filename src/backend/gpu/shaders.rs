//! WGSL sources: the fast transposed-convolution kernel, specialised per layer shape by
//! generated constants, its weight packing, and the plain reference kernel for tests.

use super::layer::ConvTLayer;

/// Invocations per workgroup along x and y (outputs of one stride phase).
pub(crate) const WG: u32 = 8;
/// Workgroup memory the input tile may use, in bytes (WebGPU's guaranteed minimum).
const TILE_BUDGET: usize = 16384;

/// The constants the fast kernel is specialised on; layers that agree share a pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FastKernel {
    pub kernel: [u32; 2],
    pub stride: [u32; 2],
    /// Most taps any phase has along y and x: ceil(k / s).
    pub max_taps: [u32; 2],
    /// Input vec4s staged in workgroup memory per step.
    pub chunk: u32,
    /// Output vec4s (4 channels each) per invocation.
    pub cov: u32,
    pub act: u32,
}

impl FastKernel {
    /// The specialisation for `layer`, or `None` when its input tile would not fit in
    /// workgroup memory (kernels much larger than the stride).
    pub fn for_layer(layer: &ConvTLayer) -> Option<FastKernel> {
        let [kh, kw] = layer.kernel;
        let [sy, sx] = layer.stride;
        let max_taps = [kh.div_ceil(sy).max(1), kw.div_ceil(sx).max(1)];
        let tile = (WG as usize + max_taps[0] - 1) * (WG as usize + max_taps[1] - 1);
        let ci4 = layer.cin.div_ceil(4);
        let chunk = (TILE_BUDGET / (16 * tile)).min(8).min(ci4);
        let small = |v: usize| u32::try_from(v).ok().filter(|&v| v <= 4096);
        Some(FastKernel {
            kernel: [small(kh)?, small(kw)?],
            stride: [small(sy)?, small(sx)?],
            max_taps: [small(max_taps[0])?, small(max_taps[1])?],
            chunk: small(chunk).filter(|&c| c > 0)?,
            cov: layer.cout.div_ceil(4).min(4) as u32,
            act: layer.activation.code(),
        })
    }

    /// Output channel vec4s, padded to a multiple of `cov`.
    pub fn co4_padded(&self, cout: usize) -> usize {
        cout.div_ceil(4).next_multiple_of(self.cov as usize)
    }

    /// The WGSL source.
    pub fn source(&self) -> String {
        let consts = [
            ("KH", self.kernel[0]),
            ("KW", self.kernel[1]),
            ("SY", self.stride[0]),
            ("SX", self.stride[1]),
            ("TMY", self.max_taps[0]),
            ("TMX", self.max_taps[1]),
            ("CHUNK", self.chunk),
            ("COV", self.cov),
            ("WG_X", WG),
            ("WG_Y", WG),
            ("ACT", self.act),
        ];
        let mut s: String = consts
            .iter()
            .map(|(k, v)| format!("const {k}: u32 = {v}u;\n"))
            .collect();
        s.push_str(include_str!("convt_fast.wgsl"));
        s
    }

    /// `layer`'s weights as the fast kernel reads them: mat4x4 (column-major, column i =
    /// input channel 4·ci4 + i, row r = output channel 4·co4 + r) indexed
    /// `[ky][kx][ci4][co4_padded]`, zero where channels are padding.
    pub fn pack_weights(&self, layer: &ConvTLayer) -> Vec<f32> {
        let [kh, kw] = layer.kernel;
        let (ci4, co4p) = (layer.cin.div_ceil(4), self.co4_padded(layer.cout));
        let mut out = vec![0f32; kh * kw * ci4 * co4p * 16];
        for ci in 0..layer.cin {
            for co in 0..layer.cout {
                for ky in 0..kh {
                    for kx in 0..kw {
                        let w = layer.weight[((ci * layer.cout + co) * kh + ky) * kw + kx];
                        let mat = ((ky * kw + kx) * ci4 + ci / 4) * co4p + co / 4;
                        out[mat * 16 + (ci % 4) * 4 + co % 4] = w;
                    }
                }
            }
        }
        out
    }

    /// `layer`'s bias as `co4_padded` vec4s.
    pub fn pack_bias(&self, layer: &ConvTLayer) -> Vec<f32> {
        let mut out = vec![0f32; self.co4_padded(layer.cout) * 4];
        out[..layer.cout].copy_from_slice(&layer.bias);
        out
    }
}

/// The fast kernel's per-dispatch parameters (one stride phase of one layer).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct FastParams {
    pub n: u32,
    pub in_h: u32,
    pub in_w: u32,
    pub ci4: u32,
    pub out_h: u32,
    pub out_w: u32,
    pub co4: u32,
    pub co4_padded: u32,
    pub py: u32,
    pub px: u32,
    pub q0y: u32,
    pub q0x: u32,
    pub nqy: u32,
    pub nqx: u32,
    pub ty: u32,
    pub tx: u32,
    pub pad_top: u32,
    pub pad_left: u32,
    pub alpha: f32,
    pub _pad: u32,
}

/// The reference kernel (NCHW, ONNX weight layout, one invocation per output value).
#[cfg(test)]
pub(crate) const REFERENCE: &str = include_str!("convt_ref.wgsl");

/// The reference kernel's parameters.
#[cfg(test)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct RefParams {
    pub n: u32,
    pub cin: u32,
    pub in_h: u32,
    pub in_w: u32,
    pub cout: u32,
    pub out_h: u32,
    pub out_w: u32,
    pub kh: u32,
    pub kw: u32,
    pub sy: u32,
    pub sx: u32,
    pub pad_top: u32,
    pub pad_left: u32,
    pub act: u32,
    pub alpha: f32,
    pub row: u32,
}
