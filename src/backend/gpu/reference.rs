//! Runs one layer with the reference kernel (tests only): NCHW in, NCHW out, ONNX weight
//! layout, one invocation per output value.

use wgpu::util::DeviceExt;

use super::device::Gpu;
use super::layer::ConvTLayer;
use super::plan::{bind_group_layout, pipeline};
use super::shaders::{RefParams, REFERENCE};
use crate::backend::Tensor;

/// `layer` applied to `x` [N, Cin, H, W] by the reference kernel.
pub(crate) fn run(gpu: &Gpu, layer: &ConvTLayer, x: &Tensor) -> Tensor {
    let device = &gpu.device;
    let [n, c, h, w] = [x.shape[0], x.shape[1], x.shape[2], x.shape[3]];
    assert_eq!(c, layer.cin);
    let (oh, ow) = layer.out_size(h, w).expect("layer has an output");
    let total = n * layer.cout * oh * ow;
    let groups = total.div_ceil(64) as u32;
    let (gx, gy) = (groups.min(32768), groups.div_ceil(32768));
    let params = RefParams {
        n: n as u32,
        cin: c as u32,
        in_h: h as u32,
        in_w: w as u32,
        cout: layer.cout as u32,
        out_h: oh as u32,
        out_w: ow as u32,
        kh: layer.kernel[0] as u32,
        kw: layer.kernel[1] as u32,
        sy: layer.stride[0] as u32,
        sx: layer.stride[1] as u32,
        pad_top: layer.pads[0] as u32,
        pad_left: layer.pads[1] as u32,
        act: layer.activation.code(),
        alpha: layer.activation.alpha(),
        row: gx * 64,
    };
    let layout = bind_group_layout(device, false);
    let pipe = pipeline(device, &layout, REFERENCE).expect("reference kernel compiles");
    let init = |data: &[u8], usage| {
        device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: None,
            contents: data,
            usage,
        })
    };
    let storage = wgpu::BufferUsages::STORAGE;
    let uniform = init(bytemuck::bytes_of(&params), wgpu::BufferUsages::UNIFORM);
    let src = init(bytemuck::cast_slice(&x.data), storage);
    let weight = init(bytemuck::cast_slice(&layer.weight), storage);
    let bias = init(bytemuck::cast_slice(&layer.bias), storage);
    let bytes = (total * 4) as u64;
    let dst = device.create_buffer(&wgpu::BufferDescriptor {
        label: None,
        size: bytes,
        usage: storage | wgpu::BufferUsages::COPY_SRC,
        mapped_at_creation: false,
    });
    let readback = device.create_buffer(&wgpu::BufferDescriptor {
        label: None,
        size: bytes,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &layout,
        entries: &[
            (0, &uniform),
            (1, &src),
            (2, &weight),
            (3, &bias),
            (4, &dst),
        ]
        .map(|(binding, b)| wgpu::BindGroupEntry {
            binding,
            resource: b.as_entire_binding(),
        }),
    });
    let mut encoder = device.create_command_encoder(&Default::default());
    {
        let mut pass = encoder.begin_compute_pass(&Default::default());
        pass.set_pipeline(&pipe);
        pass.set_bind_group(0, &group, &[]);
        pass.dispatch_workgroups(gx, gy, 1);
    }
    encoder.copy_buffer_to_buffer(&dst, 0, &readback, 0, bytes);
    let index = gpu.queue.submit([encoder.finish()]);
    readback
        .slice(..)
        .map_async(wgpu::MapMode::Read, |r| r.unwrap());
    device
        .poll(wgpu::PollType::Wait {
            submission_index: Some(index),
            timeout: None,
        })
        .unwrap();
    let view = readback.slice(..).get_mapped_range().unwrap();
    let data: Vec<f32> = bytemuck::cast_slice(&view[..]).to_vec();
    Tensor::new(vec![n, layer.cout, oh, ow], data)
}
