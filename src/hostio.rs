//! The raw Stylus host calls this contract makes itself: storage words and
//! transient storage, without the SDK's per-access `U256` conversions
//! (stylus-sdk 0.9 keeps its bindings private and has none for transient
//! storage). Only in the WASM; native builds go through the SDK's host.

#[link(wasm_import_module = "vm_hooks")]
extern "C" {
    fn storage_load_bytes32(key: *const u8, dest: *mut u8);
    fn storage_cache_bytes32(key: *const u8, value: *const u8);
    fn transient_load_bytes32(key: *const u8, dest: *mut u8);
    fn transient_store_bytes32(key: *const u8, value: *const u8);
}

/// The storage word at `key`.
pub(crate) fn load(key: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: both point to 32-byte words that outlive the call.
    unsafe { storage_load_bytes32(key.as_ptr(), out.as_mut_ptr()) };
    out
}

/// Writes the word at `key` into the host's storage cache, which the SDK's
/// entrypoint flushes when the call succeeds.
pub(crate) fn cache(key: &[u8; 32], value: &[u8; 32]) {
    // SAFETY: as in `load`.
    unsafe { storage_cache_bytes32(key.as_ptr(), value.as_ptr()) };
}

/// The transient word at `key` (EIP-1153).
pub(crate) fn transient_load(key: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: as in `load`.
    unsafe { transient_load_bytes32(key.as_ptr(), out.as_mut_ptr()) };
    out
}

/// Writes the transient word at `key`.
pub(crate) fn transient_store(key: &[u8; 32], value: &[u8; 32]) {
    // SAFETY: as in `load`.
    unsafe { transient_store_bytes32(key.as_ptr(), value.as_ptr()) };
}
