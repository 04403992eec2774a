//! The process-wide wgpu device: created lazily on first use, once, from whichever
//! thread gets there first (`once_cell`), then shared by every model and thread.
//! wgpu's `Device` and `Queue` are `Send + Sync` and synchronise internally, so callers
//! need no lock. Backends: Vulkan, Metal, DX12.
//!
//! Adapter choice: a hardware adapter (discrete, then integrated, virtual, other).
//! Software adapters (Mesa lavapipe, SwiftShader: `DeviceType::Cpu`) are never chosen
//! for `Backend::Auto`; for `Backend::Gpu` they are allowed only when the environment
//! variable `DRGAN_GPU_ALLOW_SOFTWARE=1` is set (or [`allow_software_adapter`] was
//! called): that is for tests on machines without a GPU, not for production.
//!
//! A lost device is remembered: every later call fails with `BackendUnavailable`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use once_cell::sync::OnceCell;

/// The shared device, its queue and what we know about it.
pub(crate) struct Gpu {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    /// Adapter name and backend, for messages.
    pub description: String,
    pub limits: wgpu::Limits,
    /// Whether the adapter is a software one (`DeviceType::Cpu`).
    pub software: bool,
    lost: Arc<AtomicBool>,
    /// Kept alive as long as the device.
    _instance: wgpu::Instance,
}

impl Gpu {
    /// Whether the device was lost (every later call fails).
    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::Acquire)
    }
}

const BACKENDS: wgpu::Backends = wgpu::Backends::VULKAN
    .union(wgpu::Backends::METAL)
    .union(wgpu::Backends::DX12);

static HARDWARE: OnceCell<Result<Arc<Gpu>, String>> = OnceCell::new();
static SOFTWARE_OK: OnceCell<Result<Arc<Gpu>, String>> = OnceCell::new();
static ALLOW_SOFTWARE: AtomicBool = AtomicBool::new(false);

/// The environment variable that lets `Backend::Gpu` use a software adapter.
pub(crate) const ALLOW_SOFTWARE_ENV: &str = "DRGAN_GPU_ALLOW_SOFTWARE";

/// Lets `Backend::Gpu` (never `Auto`) use a software adapter, as the environment variable
/// does. For tests.
pub fn allow_software_adapter(allow: bool) {
    ALLOW_SOFTWARE.store(allow, Ordering::Release);
}

fn software_allowed() -> bool {
    ALLOW_SOFTWARE.load(Ordering::Acquire)
        || std::env::var(ALLOW_SOFTWARE_ENV).is_ok_and(|v| v == "1")
}

/// The process-wide device. `explicit` is true for `Backend::Gpu`: only then may a
/// software adapter be used (see the module docs). `Err` says why there is none.
pub(crate) fn gpu(explicit: bool) -> Result<Arc<Gpu>, String> {
    let hardware = HARDWARE.get_or_init(|| create(false)).clone();
    if hardware.is_ok() || !(explicit && software_allowed()) {
        return hardware;
    }
    SOFTWARE_OK.get_or_init(|| create(true)).clone()
}

/// Rank of an adapter type; `None` for adapters never chosen.
pub(crate) fn preference(kind: wgpu::DeviceType, allow_software: bool) -> Option<u8> {
    use wgpu::DeviceType::*;
    match kind {
        DiscreteGpu => Some(0),
        IntegratedGpu => Some(1),
        VirtualGpu => Some(2),
        Other => Some(3),
        Cpu if allow_software => Some(4),
        Cpu => None,
    }
}

/// A new device (not the shared one: tests use this to lose a device of their own).
pub(crate) fn create(allow_software: bool) -> Result<Arc<Gpu>, String> {
    let make = || {
        let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
        desc.backends = BACKENDS;
        let instance = wgpu::Instance::new(desc);
        let adapters = pollster::block_on(instance.enumerate_adapters(BACKENDS));
        let found: Vec<String> = adapters
            .iter()
            .map(|a| {
                let i = a.get_info();
                format!("{} ({:?}, {:?})", i.name, i.device_type, i.backend)
            })
            .collect();
        let adapter = adapters
            .into_iter()
            .filter_map(|a| Some((preference(a.get_info().device_type, allow_software)?, a)))
            .min_by_key(|(rank, _)| *rank)
            .map(|(_, a)| a)
            .ok_or_else(|| {
                if found.is_empty() {
                    "no GPU: no Vulkan, Metal or DX12 adapter found".to_string()
                } else {
                    format!(
                        "no hardware GPU adapter (found only {}; set {ALLOW_SOFTWARE_ENV}=1 \
                         to use a software adapter with Backend::Gpu, for testing)",
                        found.join(", ")
                    )
                }
            })?;
        let info = adapter.get_info();
        let limits = adapter.limits();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("drgan"),
            required_limits: limits.clone(),
            ..Default::default()
        }))
        .map_err(|e| format!("could not open the GPU {}: {e}", info.name))?;
        let lost = Arc::new(AtomicBool::new(false));
        let flag = lost.clone();
        device.set_device_lost_callback(move |_, _| flag.store(true, Ordering::Release));
        // Errors outside an error scope (there should be none) must not panic.
        device.on_uncaptured_error(Arc::new(|_| {}));
        Ok(Arc::new(Gpu {
            device,
            queue,
            description: format!("{} ({:?})", info.name, info.backend),
            limits,
            software: info.device_type == wgpu::DeviceType::Cpu,
            lost,
            _instance: instance,
        }))
    };
    match std::panic::catch_unwind(make) {
        Ok(r) => r,
        Err(_) => Err("the GPU driver panicked while opening a device".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::preference;
    use wgpu::DeviceType;

    #[test]
    fn software_adapters_only_when_allowed() {
        assert_eq!(preference(DeviceType::Cpu, false), None);
        assert!(preference(DeviceType::Cpu, true).is_some());
        assert!(
            preference(DeviceType::DiscreteGpu, false)
                < preference(DeviceType::IntegratedGpu, false)
        );
    }
}
