//! The GPU plan of a transposed-convolution chain: built once at load (weights uploaded
//! once, one pipeline per distinct layer specialisation), then run from any number of
//! threads at once. Each run allocates its own activation, parameter and read-back
//! buffers, so runs share nothing mutable and take no lock; the activations stay on the
//! GPU from the first layer to the last, which is read back once.

use std::collections::HashMap;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use super::device::Gpu;
use super::layer::{phases, ConvTLayer};
use super::shaders::{FastKernel, FastParams, WG};
use crate::backend::Tensor;
use crate::error::{Error, Result};

/// How long one run may wait for the GPU before it is an error.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// One layer, uploaded.
struct GpuLayer {
    layer: ConvTLayer,
    kernel: FastKernel,
    pipeline: Arc<wgpu::ComputePipeline>,
    weight: wgpu::Buffer,
    bias: wgpu::Buffer,
}

/// A chain of transposed convolutions ready to run on the shared device.
pub(crate) struct ChainPlan {
    gpu: Arc<Gpu>,
    layout: wgpu::BindGroupLayout,
    layers: Vec<GpuLayer>,
}

/// The bind group layout every kernel uses: params (dynamic offset), src, weight, bias, dst.
pub(crate) fn bind_group_layout(device: &wgpu::Device, dynamic: bool) -> wgpu::BindGroupLayout {
    let storage = |binding, read_only| wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    };
    device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some("drgan convt"),
        entries: &[
            wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::COMPUTE,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: dynamic,
                    min_binding_size: None,
                },
                count: None,
            },
            storage(1, true),
            storage(2, true),
            storage(3, true),
            storage(4, false),
        ],
    })
}

/// Builds a compute pipeline from WGSL, catching compile errors.
pub(crate) fn pipeline(
    device: &wgpu::Device,
    layout: &wgpu::BindGroupLayout,
    source: &str,
) -> std::result::Result<wgpu::ComputePipeline, String> {
    let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("drgan convt"),
        source: wgpu::ShaderSource::Wgsl(source.into()),
    });
    let pl = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some("drgan convt"),
        bind_group_layouts: &[Some(layout)],
        immediate_size: 0,
    });
    let p = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some("drgan convt"),
        layout: Some(&pl),
        module: &module,
        entry_point: Some("main"),
        compilation_options: Default::default(),
        cache: None,
    });
    match pollster::block_on(scope.pop()) {
        None => Ok(p),
        Some(e) => Err(format!("kernel did not compile: {e}")),
    }
}

impl ChainPlan {
    /// Uploads `chain`'s weights and builds its pipelines. `Err` says why the GPU cannot
    /// take it (a layer the fast kernel does not fit, a device error).
    pub fn new(gpu: Arc<Gpu>, chain: &[ConvTLayer]) -> std::result::Result<ChainPlan, String> {
        let device = &gpu.device;
        let layout = bind_group_layout(device, true);
        let oom = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let invalid = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let mut pipelines: HashMap<FastKernel, Arc<wgpu::ComputePipeline>> = HashMap::new();
        let mut layers = Vec::with_capacity(chain.len());
        for (i, layer) in chain.iter().enumerate() {
            let kernel = FastKernel::for_layer(layer)
                .ok_or_else(|| format!("layer {i}: kernel {:?} too large", layer.kernel))?;
            let pipeline = match pipelines.get(&kernel) {
                Some(p) => p.clone(),
                None => {
                    let p = Arc::new(pipeline(device, &layout, &kernel.source())?);
                    pipelines.insert(kernel, p.clone());
                    p
                }
            };
            let storage = wgpu::BufferUsages::STORAGE;
            let weight = kernel.pack_weights(layer);
            let weight = upload(&gpu, "drgan weight", bytemuck::cast_slice(&weight), storage);
            let bias = kernel.pack_bias(layer);
            let bias = upload(&gpu, "drgan bias", bytemuck::cast_slice(&bias), storage);
            layers.push(GpuLayer {
                layer: ConvTLayer {
                    weight: Vec::new(),
                    bias: Vec::new(),
                    ..layer.clone()
                },
                kernel,
                pipeline,
                weight,
                bias,
            });
        }
        let invalid = pollster::block_on(invalid.pop());
        if let Some(e) = pollster::block_on(oom.pop()).or(invalid) {
            return Err(format!("uploading weights: {e}"));
        }
        Ok(ChainPlan {
            gpu,
            layout,
            layers,
        })
    }

    /// Input channels of the first layer.
    pub fn in_channels(&self) -> usize {
        self.layers.first().map_or(0, |l| l.layer.cin)
    }

    /// Runs the chain on an NCHW tensor; returns NCHW.
    pub fn run(&self, x: &Tensor) -> Result<Tensor> {
        if self.gpu.is_lost() {
            return Err(Error::BackendUnavailable(format!(
                "the GPU device ({}) was lost; reload the model with Backend::Cpu",
                self.gpu.description
            )));
        }
        let run = std::panic::AssertUnwindSafe(|| self.run_inner(x));
        match std::panic::catch_unwind(run) {
            Ok(r) => r,
            Err(_) => Err(Error::inference("the GPU driver panicked")),
        }
    }

    fn run_inner(&self, x: &Tensor) -> Result<Tensor> {
        let [n, c, h, w] = <[usize; 4]>::try_from(x.shape.as_slice())
            .map_err(|_| Error::inference(format!("GPU chain input shape {:?}", x.shape)))?;
        if c != self.in_channels() {
            return Err(Error::inference(format!(
                "GPU chain input has {c} channels, the first layer takes {}",
                self.in_channels()
            )));
        }
        let device = &self.gpu.device;
        let limits = &self.gpu.limits;
        let align = limits.min_uniform_buffer_offset_alignment.max(1) as usize;
        let stride = std::mem::size_of::<FastParams>().next_multiple_of(align);

        // Shapes, per-phase parameters and dispatch sizes, all on the CPU.
        let mut params: Vec<u8> = Vec::new();
        let mut dispatches: Vec<Vec<(u32, [u32; 3])>> = Vec::new();
        let (mut ih, mut iw) = (h, w);
        let mut largest = n * h * w * c.div_ceil(4);
        for l in &self.layers {
            let g = &l.layer;
            let (oh, ow) = g
                .out_size(ih, iw)
                .ok_or_else(|| Error::inference(format!("a {ih}x{iw} input leaves no output")))?;
            largest = largest.max(n * oh * ow * g.cout.div_ceil(4));
            let groups = (l.kernel.co4_padded(g.cout) / l.kernel.cov as usize) * n;
            let mut ds = Vec::new();
            for py in phases(oh, g.kernel[0], g.stride[0], g.pads[0]) {
                for px in phases(ow, g.kernel[1], g.stride[1], g.pads[1]) {
                    let p = FastParams {
                        n: n as u32,
                        in_h: ih as u32,
                        in_w: iw as u32,
                        ci4: g.cin.div_ceil(4) as u32,
                        out_h: oh as u32,
                        out_w: ow as u32,
                        co4: g.cout.div_ceil(4) as u32,
                        co4_padded: l.kernel.co4_padded(g.cout) as u32,
                        py: py.phase as u32,
                        px: px.phase as u32,
                        q0y: py.q0 as u32,
                        q0x: px.q0 as u32,
                        nqy: py.count as u32,
                        nqx: px.count as u32,
                        ty: py.taps as u32,
                        tx: px.taps as u32,
                        pad_top: g.pads[0] as u32,
                        pad_left: g.pads[1] as u32,
                        alpha: g.activation.alpha(),
                        _pad: 0,
                    };
                    let offset = params.len();
                    params.extend_from_slice(bytemuck::bytes_of(&p));
                    params.resize(offset + stride, 0);
                    let wg = [
                        (px.count as u32).div_ceil(WG),
                        (py.count as u32).div_ceil(WG),
                        groups as u32,
                    ];
                    if wg
                        .iter()
                        .any(|&d| d > limits.max_compute_workgroups_per_dimension)
                    {
                        return Err(Error::LimitExceeded(format!(
                            "batch of {n}: too many GPU workgroups for one dispatch"
                        )));
                    }
                    ds.push((offset as u32, wg));
                }
            }
            dispatches.push(ds);
            (ih, iw) = (oh, ow);
        }
        let bytes = (largest * 16) as u64;
        if bytes > limits.max_storage_buffer_binding_size || bytes > limits.max_buffer_size {
            return Err(Error::LimitExceeded(format!(
                "batch of {n}: activations of {bytes} bytes exceed the GPU's buffer limit"
            )));
        }
        let last = &self.layers.last().expect("a chain has layers").layer;
        let (oc, out_len) = (last.cout, n * ih * iw * last.cout.div_ceil(4) * 4);

        let oom = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let invalid = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let storage = wgpu::BufferUsages::STORAGE
            | wgpu::BufferUsages::COPY_SRC
            | wgpu::BufferUsages::COPY_DST;
        let activations = |label| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size: bytes,
                usage: storage,
                mapped_at_creation: false,
            })
        };
        let (ping, pong) = (
            activations("drgan activations a"),
            activations("drgan activations b"),
        );
        let input = nchw_to_nhwc4(x);
        self.gpu
            .queue
            .write_buffer(&ping, 0, bytemuck::cast_slice(&input));
        let uniforms = upload(
            &self.gpu,
            "drgan params",
            &params,
            wgpu::BufferUsages::UNIFORM,
        );
        let readback = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("drgan readback"),
            size: (out_len * 4) as u64,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            for (i, (l, ds)) in self.layers.iter().zip(&dispatches).enumerate() {
                let (src, dst) = if i % 2 == 0 {
                    (&ping, &pong)
                } else {
                    (&pong, &ping)
                };
                let group = device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: None,
                    layout: &self.layout,
                    entries: &[
                        entry(0, &uniforms, std::mem::size_of::<FastParams>() as u64),
                        whole(1, src),
                        whole(2, &l.weight),
                        whole(3, &l.bias),
                        whole(4, dst),
                    ],
                });
                pass.set_pipeline(&l.pipeline);
                for (offset, [x, y, z]) in ds {
                    pass.set_bind_group(0, &group, &[*offset]);
                    pass.dispatch_workgroups(*x, *y, *z);
                }
            }
        }
        let result = if self.layers.len() % 2 == 1 {
            &pong
        } else {
            &ping
        };
        encoder.copy_buffer_to_buffer(result, 0, &readback, 0, (out_len * 4) as u64);
        let index = self.gpu.queue.submit([encoder.finish()]);
        let (tx, rx) = mpsc::channel();
        readback
            .slice(..)
            .map_async(wgpu::MapMode::Read, move |r| drop(tx.send(r)));
        let invalid = pollster::block_on(invalid.pop());
        let oom = pollster::block_on(oom.pop());
        if let Some(e) = oom.or(invalid) {
            return Err(Error::inference(format!("GPU: {e}")));
        }
        device
            .poll(wgpu::PollType::Wait {
                submission_index: Some(index),
                timeout: Some(RUN_TIMEOUT),
            })
            .map_err(|e| self.device_error(e))?;
        match rx.recv_timeout(RUN_TIMEOUT) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(self.device_error(e)),
            Err(_) => return Err(Error::inference("GPU result never arrived")),
        }
        let out = {
            let view = readback
                .slice(..)
                .get_mapped_range()
                .map_err(|e| self.device_error(e))?;
            nhwc4_to_nchw(bytemuck::cast_slice(&view[..]), n, oc, ih, iw)
        };
        readback.unmap();
        Ok(out)
    }

    fn device_error(&self, e: impl std::fmt::Display) -> Error {
        if self.gpu.is_lost() {
            Error::BackendUnavailable(format!("the GPU device was lost: {e}"))
        } else {
            Error::inference(format!("GPU: {e}"))
        }
    }
}

/// A buffer holding `data` (through the queue: unlike `create_buffer_init`, this does not
/// panic when the device is lost).
fn upload(gpu: &Gpu, label: &str, data: &[u8], usage: wgpu::BufferUsages) -> wgpu::Buffer {
    let buffer = gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: (data.len() as u64).next_multiple_of(wgpu::COPY_BUFFER_ALIGNMENT),
        usage: usage | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    gpu.queue.write_buffer(&buffer, 0, data);
    buffer
}

fn whole(binding: u32, buffer: &wgpu::Buffer) -> wgpu::BindGroupEntry<'_> {
    wgpu::BindGroupEntry {
        binding,
        resource: buffer.as_entire_binding(),
    }
}

fn entry(binding: u32, buffer: &wgpu::Buffer, size: u64) -> wgpu::BindGroupEntry<'_> {
    wgpu::BindGroupEntry {
        binding,
        resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
            buffer,
            offset: 0,
            size: wgpu::BufferSize::new(size),
        }),
    }
}

/// NCHW f32 to NHWC with channels packed in vec4s (zero padded).
pub(crate) fn nchw_to_nhwc4(x: &Tensor) -> Vec<f32> {
    let [n, c, h, w] = [x.shape[0], x.shape[1], x.shape[2], x.shape[3]];
    let c4 = c.div_ceil(4) * 4;
    let mut out = vec![0f32; n * h * w * c4];
    for b in 0..n {
        for ch in 0..c {
            let plane = &x.data[(b * c + ch) * h * w..][..h * w];
            for (i, &v) in plane.iter().enumerate() {
                out[(b * h * w + i) * c4 + ch] = v;
            }
        }
    }
    out
}

/// The inverse of [`nchw_to_nhwc4`] for `c` real channels.
pub(crate) fn nhwc4_to_nchw(data: &[f32], n: usize, c: usize, h: usize, w: usize) -> Tensor {
    let c4 = c.div_ceil(4) * 4;
    let mut out = vec![0f32; n * c * h * w];
    for b in 0..n {
        for ch in 0..c {
            for i in 0..h * w {
                out[(b * c + ch) * h * w + i] = data[(b * h * w + i) * c4 + ch];
            }
        }
    }
    Tensor::new(vec![n, c, h, w], out)
}
