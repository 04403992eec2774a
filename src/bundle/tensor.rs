//! Reading an f32 initializer of a bundle part: its shape and values, checked against
//! each other. The GPU path reads the decoder's weights with it; so can tools that
//! inspect a bundle.

use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::TensorProto;

/// The shape and values of the f32 tensor `t` (little-endian `raw_data`, or
/// `float_data`); an error message for another type, a negative dimension, or values
/// that do not fill the shape.
pub fn f32_tensor(t: &TensorProto) -> std::result::Result<(Vec<usize>, Vec<f32>), String> {
    if t.data_type != DataType::Float as i32 {
        return Err("not f32".into());
    }
    let shape = t
        .dims
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| format!("negative dimension {d}")))
        .collect::<std::result::Result<Vec<usize>, _>>()?;
    if !t.raw_data.len().is_multiple_of(4) {
        return Err(format!("{} bytes, not whole f32 values", t.raw_data.len()));
    }
    let data: Vec<f32> = if !t.raw_data.is_empty() {
        t.raw_data
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    } else {
        t.float_data.clone()
    };
    let len: usize = shape.iter().product();
    if data.len() != len {
        return Err(format!("{} values for shape {shape:?}", data.len()));
    }
    Ok((shape, data))
}
